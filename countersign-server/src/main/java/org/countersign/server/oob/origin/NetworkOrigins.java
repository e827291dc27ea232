package org.countersign.server.oob.origin;

import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Offline lookup of an address's country and network operator, for the relay check of X.1280 §9.1.1. The data is
 * bundled at build time (see THIRD-PARTY.md) and read from the class path: a lookup never leaves this machine.
 *
 * <ul>
 *   <li>Country: {@code geo-whois-asn-country.mmdb} (CC0-1.0), read with MaxMind's {@code maxmind-db} reader.</li>
 *   <li>Operator: the IPv4 and IPv6 ASN tables of {@code @ip-location-db/asn} (CC BY 4.0: RouteViews, DB-IP, NRO),
 *       held in memory as sorted ranges ({@link AsnTable}).</li>
 * </ul>
 * Loading parses about half a million ranges, so one instance per server node is built once, in the background
 * ({@code RelayGuard.loadInBackground}); it is thread safe.
 */
public final class NetworkOrigins {
    static final String DATA = "/org/countersign/server/oob/origin/data/";

    private final Reader countries;
    private final AsnTable operators;

    NetworkOrigins(Reader countries, AsnTable operators) {
        this.countries = countries;
        this.operators = operators;
    }

    /** Loads the bundled data; fails loudly when the build did not bundle it. */
    public static NetworkOrigins bundled() {
        try (InputStream mmdb = open("geo-whois-asn-country.mmdb");
                InputStream v4 = open("asn-ipv4-num.csv");
                InputStream v6 = open("asn-ipv6.csv")) {
            return new NetworkOrigins(new Reader(mmdb), AsnTable.read(v4, v6));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled IP network data", e);
        }
    }

    private static InputStream open(String name) throws IOException {
        InputStream in = NetworkOrigins.class.getResourceAsStream(DATA + name);
        if (in == null) {
            throw new IOException(name + " is not on the class path (the build fetches it; see THIRD-PARTY.md)");
        }
        return in;
    }

    /**
     * Places an address. Text that is not an IP literal is placed nowhere (a public address of unknown country and
     * operator), so a malformed value can only lose information, never invent a match.
     */
    public Network lookup(String address) {
        Optional<InetAddress> parsed = Addresses.literal(address);
        if (parsed.isEmpty()) {
            return new Network(String.valueOf(address), Network.Kind.PUBLIC, Optional.empty(), Optional.empty(),
                    Optional.empty());
        }
        InetAddress a = parsed.get();
        String text = a.getHostAddress();
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return new Network(text, Network.Kind.LOOPBACK, Optional.empty(), Optional.empty(), Optional.empty());
        }
        if (isPrivate(a)) {
            return new Network(text, Network.Kind.PRIVATE, Optional.empty(), Optional.empty(), Optional.empty());
        }
        Optional<String> country = country(a);
        Optional<AsnTable.Entry> as = operators.find(a);
        return new Network(text, Network.Kind.PUBLIC, country, as.map(AsnTable.Entry::asn),
                as.map(AsnTable.Entry::operator).filter(s -> !s.isBlank()));
    }

    private Optional<String> country(InetAddress a) {
        try {
            CountryRecord r = countries.get(a, CountryRecord.class);
            String cc = r == null ? null : r.countryCode();
            return cc != null && cc.length() == 2 ? Optional.of(cc) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The one member of a country database record this lookup reads; the reader skips the others. Public only
     * because the reader finds its constructor by reflection among public ones.
     */
    public record CountryRecord(@MaxMindDbParameter(name = "country_code") String countryCode) {
        @MaxMindDbConstructor
        public CountryRecord {}
    }

    /** Addresses only reachable inside a local network, including carrier-grade NAT space (RFC 6598). */
    static boolean isPrivate(InetAddress a) {
        if (a.isSiteLocalAddress() || a.isLinkLocalAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // 100.64.0.0/10
        }
        return a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc; // fc00::/7 unique local
    }
}
