package org.countersign.testkit.emulators;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** A minimal CBOR encoder (RFC 8949, definite lengths only) so tests can build authenticator messages by hand. */
final class Cbor {
    private Cbor() {}

    static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object v) {
        if (v instanceof Integer i) {
            write(out, (long) i);
        } else if (v instanceof Long l) {
            if (l >= 0) {
                head(out, 0, l);
            } else {
                head(out, 1, -1 - l);
            }
        } else if (v instanceof byte[] b) {
            head(out, 2, b.length);
            out.writeBytes(b);
        } else if (v instanceof String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            head(out, 3, b.length);
            out.writeBytes(b);
        } else if (v instanceof List<?> list) {
            head(out, 4, list.size());
            list.forEach(e -> write(out, e));
        } else if (v instanceof Map<?, ?> map) {
            head(out, 5, map.size());
            map.forEach((k, e) -> {
                write(out, k);
                write(out, e);
            });
        } else {
            throw new IllegalArgumentException("unsupported " + v);
        }
    }

    private static void head(ByteArrayOutputStream out, int major, long n) {
        int m = major << 5;
        if (n < 24) {
            out.write(m | (int) n);
        } else if (n < 256) {
            out.write(m | 24);
            out.write((int) n);
        } else if (n < 65536) {
            out.write(m | 25);
            out.write((int) (n >> 8));
            out.write((int) n);
        } else {
            out.write(m | 26);
            for (int s = 24; s >= 0; s -= 8) {
                out.write((int) (n >> s));
            }
        }
    }
}
