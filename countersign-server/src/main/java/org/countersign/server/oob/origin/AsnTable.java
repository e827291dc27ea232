package org.countersign.server.oob.origin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * IP range → autonomous system (number and operator name), held as sorted arrays and searched by binary search.
 * Read from the two CSV files of the {@code @ip-location-db/asn} package (see THIRD-PARTY.md): IPv4 ranges as
 * numbers ({@code start,end,asn,name}), IPv6 ranges as addresses. Rows are sorted and do not overlap.
 */
final class AsnTable {
    /** One hit. */
    record Entry(long asn, String operator) {}

    private final long[] v4Start;
    private final long[] v4End;
    private final int[] v4Entry;
    private final long[] v6StartHi;
    private final long[] v6StartLo;
    private final long[] v6EndHi;
    private final long[] v6EndLo;
    private final int[] v6Entry;
    private final Entry[] entries;

    private AsnTable(long[] v4Start, long[] v4End, int[] v4Entry, long[] v6StartHi, long[] v6StartLo, long[] v6EndHi,
            long[] v6EndLo, int[] v6Entry, Entry[] entries) {
        this.v4Start = v4Start;
        this.v4End = v4End;
        this.v4Entry = v4Entry;
        this.v6StartHi = v6StartHi;
        this.v6StartLo = v6StartLo;
        this.v6EndHi = v6EndHi;
        this.v6EndLo = v6EndLo;
        this.v6Entry = v6Entry;
        this.entries = entries;
    }

    static AsnTable read(InputStream ipv4Numeric, InputStream ipv6) throws IOException {
        Map<String, Integer> index = new HashMap<>();
        List<Entry> entries = new ArrayList<>();
        LongList s4 = new LongList();
        LongList e4 = new LongList();
        IntList x4 = new IntList();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(ipv4Numeric, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = split(line);
                if (f == null) {
                    continue;
                }
                s4.add(Long.parseLong(f[0]));
                e4.add(Long.parseLong(f[1]));
                x4.add(entry(index, entries, f[2], f[3]));
            }
        }
        LongList sh = new LongList();
        LongList sl = new LongList();
        LongList eh = new LongList();
        LongList el = new LongList();
        IntList x6 = new IntList();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(ipv6, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = split(line);
                if (f == null) {
                    continue;
                }
                byte[] a = Addresses.literal(f[0]).map(InetAddress::getAddress).orElse(null);
                byte[] b = Addresses.literal(f[1]).map(InetAddress::getAddress).orElse(null);
                if (a == null || b == null || a.length != 16 || b.length != 16) {
                    continue;
                }
                sh.add(word(a, 0));
                sl.add(word(a, 8));
                eh.add(word(b, 0));
                el.add(word(b, 8));
                x6.add(entry(index, entries, f[2], f[3]));
            }
        }
        return new AsnTable(s4.array(), e4.array(), x4.array(), sh.array(), sl.array(), eh.array(), el.array(),
                x6.array(), entries.toArray(Entry[]::new));
    }

    Optional<Entry> find(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            long v = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
            int i = Arrays.binarySearch(v4Start, v);
            int row = i >= 0 ? i : -i - 2;
            if (row >= 0 && v <= v4End[row]) {
                return Optional.of(entries[v4Entry[row]]);
            }
            return Optional.empty();
        }
        long hi = word(b, 0);
        long lo = word(b, 8);
        int low = 0;
        int high = v6StartHi.length - 1;
        int row = -1;
        while (low <= high) { // last row whose start <= address
            int mid = (low + high) >>> 1;
            if (compare(v6StartHi[mid], v6StartLo[mid], hi, lo) <= 0) {
                row = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        if (row >= 0 && compare(hi, lo, v6EndHi[row], v6EndLo[row]) <= 0) {
            return Optional.of(entries[v6Entry[row]]);
        }
        return Optional.empty();
    }

    int size() {
        return v4Start.length + v6StartHi.length;
    }

    private static int compare(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }

    private static long word(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (b[i] & 0xffL);
        }
        return v;
    }

    private static int entry(Map<String, Integer> index, List<Entry> entries, String asn, String name) {
        String key = asn + "\u0000" + name;
        return index.computeIfAbsent(key, k -> {
            entries.add(new Entry(Long.parseLong(asn), name.strip()));
            return entries.size() - 1;
        });
    }

    /** {@code a,b,asn,name} where name may be double-quoted with embedded commas and doubled quotes. */
    static String[] split(String line) {
        int c1 = line.indexOf(',');
        int c2 = c1 < 0 ? -1 : line.indexOf(',', c1 + 1);
        int c3 = c2 < 0 ? -1 : line.indexOf(',', c2 + 1);
        if (c3 < 0) {
            return null;
        }
        String name = line.substring(c3 + 1);
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            name = name.substring(1, name.length() - 1).replace("\"\"", "\"");
        }
        return new String[] {line.substring(0, c1), line.substring(c1 + 1, c2), line.substring(c2 + 1, c3), name};
    }

    private static final class LongList {
        private long[] a = new long[1024];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long[] array() {
            return Arrays.copyOf(a, n);
        }
    }

    private static final class IntList {
        private int[] a = new int[1024];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] array() {
            return Arrays.copyOf(a, n);
        }
    }
}
