package org.countersign.server.oob.origin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
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

        @JsonValue
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
    public View view() {
        // Loopback and private addresses say nothing a user could check, so they are not repeated.
        return new View(label(), kind, kind == Kind.PUBLIC ? address : null, countryCode.orElse(null),
                countryName().orElse(null), operator.orElse(null), asn.orElse(null));
    }

    /**
     * What the phone shows and the relying party's result carries about one place (X.1280 §9.1.1); a member the
     * address cannot give is absent, not null.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record View(String label, Kind kind, String address, String countryCode, String country, String operator,
            Long asn) {}
}
