package org.countersign.server.oob.origin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.Optional;

/**
 * X.1280 §9.1.1, real-time relay: a phishing server that forwards the user id to the real relying party makes the
 * offset carry <em>its</em> address as the terminal, and the code still matches. What differs is the network: the
 * relay usually sits in another country or operator's network than the user's phone. This compares the terminal
 * address the relying party reported (offset field {@code terminalPublicIp}) with the address the authenticator
 * connects from, and words a warning when they disagree.
 *
 * <p>It is a signal, not proof: a relay hosted in the user's own country and operator passes, and a laptop on
 * home broadband with a phone on mobile data legitimately differs in operator. Addresses that cannot be placed
 * (loopback or private on one side only, or missing from the database) give {@link Verdict#NOT_COMPARABLE} and no
 * warning.
 *
 * @param terminal      where the relying party saw the terminal
 * @param authenticator where the authenticator connected from
 * @param verdict       outcome of the comparison
 */
public record RelayCheck(Network terminal, Network authenticator, Verdict verdict) {

    public enum Verdict {
        SAME_NETWORK("same-network"),
        DIFFERENT_COUNTRY("different-country"),
        DIFFERENT_OPERATOR("different-operator"),
        NOT_COMPARABLE("not-comparable");

        private final String wire;

        Verdict(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }
    }

    public RelayCheck {
        Objects.requireNonNull(terminal, "terminal");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(verdict, "verdict");
    }

    /** Compares the two places. */
    public static RelayCheck of(Network terminal, Network authenticator) {
        return new RelayCheck(terminal, authenticator, compare(terminal, authenticator));
    }

    static Verdict compare(Network t, Network a) {
        if (t.kind() != a.kind()) {
            return Verdict.NOT_COMPARABLE;
        }
        if (t.kind() != Network.Kind.PUBLIC) {
            return Verdict.SAME_NETWORK; // both on this computer, or both on the local network
        }
        if (t.countryCode().isPresent() && a.countryCode().isPresent()
                && !t.countryCode().get().equals(a.countryCode().get())) {
            return Verdict.DIFFERENT_COUNTRY;
        }
        if (t.asn().isEmpty() || a.asn().isEmpty()) {
            return Verdict.NOT_COMPARABLE;
        }
        if (!t.asn().get().equals(a.asn().get())) {
            return Verdict.DIFFERENT_OPERATOR;
        }
        return t.countryCode().isPresent() && a.countryCode().isPresent() ? Verdict.SAME_NETWORK : Verdict.NOT_COMPARABLE;
    }

    /** True when the phone and the relying party's result must carry a warning. */
    public boolean mismatch() {
        return verdict == Verdict.DIFFERENT_COUNTRY || verdict == Verdict.DIFFERENT_OPERATOR;
    }

    /** The warning in plain words, when there is one. */
    public Optional<String> warning() {
        return switch (verdict) {
            case DIFFERENT_COUNTRY -> Optional.of("The computer asking to sign in is in " + place(terminal)
                    + ", but this phone is in " + place(authenticator) + ". Unless you are using a VPN on one of "
                    + "them, someone may be relaying your sign-in: reject it.");
            case DIFFERENT_OPERATOR -> Optional.of("The computer asking to sign in uses another Internet provider ("
                    + terminal.label() + ") than this phone (" + authenticator.label() + "). If your computer is not on "
                    + "that network, someone may be relaying your sign-in: reject it.");
            default -> Optional.empty();
        };
    }

    private static String place(Network n) {
        return n.countryName().orElse(n.label());
    }

    /** JSON form: what the phone shows and what the relying party's result carries. */
    public View view() {
        return new View(terminal.view(), authenticator.view(), verdict, mismatch(), warning().orElse(null));
    }

    /**
     * The comparison as the phone and the relying party see it; {@code warning} is absent when there is none. The
     * verifier stores it with the decision, so it also reads back from JSON.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record View(Network.View terminal, Network.View authenticator, Verdict verdict, boolean mismatch,
            String warning) {}
}
