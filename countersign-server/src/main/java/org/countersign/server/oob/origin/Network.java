package org.countersign.server.oob.origin;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an address sits, in words a user can check: "this computer", "local network", or country and network
 * operator from the offline database ({@link NetworkOrigins}). Shown on the phone for the terminal of a sign-in and
 * for the phone itself (X.1280 §9.1.1: the user sees from where the sign-in really comes).
 *
 * @param address     the address in canonical text
 * @param kind        loopback, private or public
 * @param countryCode ISO 3166 alpha-2 code, for a public address the database knows
 * @param asn         autonomous system number of the operator, when known
 * @param operator    the operator's registered name, when known
 */
public record Network(String address, Kind kind, Optional<String> countryCode, Optional<Long> asn,
        Optional<String> operator) {

    /** How far the address can be placed. */
    public enum Kind {
        /** The verifier's own machine (127.0.0.0/8, ::1). */
        LOOPBACK("loopback"),
        /** An address that only exists inside a local network (RFC 1918, link-local, unique-local, shared CGN). */
        PRIVATE("private"),
        /** A routable Internet address. */
        PUBLIC("public");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public Network {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(countryCode, "countryCode");
        Objects.requireNonNull(asn, "asn");
        Objects.requireNonNull(operator, "operator");
    }

    /** The English country name, e.g. "Germany" for DE. */
    public Optional<String> countryName() {
        return countryCode.map(c -> {
            String name = new Locale("", c).getDisplayCountry(Locale.ENGLISH);
            return name.isEmpty() || name.equals(c) ? c : name;
        });
    }

    /** One line for people: never a raw loopback or private address. */
    public String label() {
        return switch (kind) {
            case LOOPBACK -> "this computer";
            case PRIVATE -> "local network";
            case PUBLIC -> {
                if (countryCode.isEmpty() && operator.isEmpty()) {
                    yield "an unlisted Internet network";
                }
                String where = countryName().orElse("unknown country");
                yield operator.map(o -> where + ", " + o).orElse(where + ", unknown operator");
            }
        };
    }

    /** JSON form for the API and the phone. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", label());
        m.put("kind", kind.wire());
        if (kind == Kind.PUBLIC) {
            // Loopback and private addresses say nothing a user could check, so they are not repeated.
            m.put("address", address);
        }
        countryCode.ifPresent(c -> m.put("countryCode", c));
        countryName().ifPresent(c -> m.put("country", c));
        operator.ifPresent(o -> m.put("operator", o));
        asn.ifPresent(a -> m.put("asn", a));
        return m;
    }
}
