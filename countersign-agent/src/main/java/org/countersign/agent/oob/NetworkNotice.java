package org.countersign.agent.oob;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The verifier's relay check for one request (X.1280 §9.1.1): where the computer signing in is and where this
 * authenticator connects from, in words ("this computer", "local network", "Germany, Deutsche Telekom AG"), and a
 * warning when country or operator differ. A real-time relay copies the real code; this is what can expose it.
 *
 * @param terminal      the computer that started the sign-in, as the relying party reported it
 * @param authenticator this authenticator's own network as the verifier saw the connection
 * @param mismatch      true when country or operator differ
 * @param warning       the verifier's warning text, when there is a mismatch
 */
public record NetworkNotice(String terminal, String authenticator, boolean mismatch, Optional<String> warning) {
    public NetworkNotice {
        Objects.requireNonNull(terminal, "terminal");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(warning, "warning");
    }

    /** Reads the {@code network} member of a pushed request; empty when the verifier sent none. */
    public static Optional<NetworkNotice> of(JsonNode network) {
        if (network == null || !network.isObject()) {
            return Optional.empty();
        }
        boolean mismatch = network.path("mismatch").asBoolean(false);
        Optional<String> warning = Optional.ofNullable(network.get("warning")).filter(JsonNode::isTextual)
                .map(JsonNode::asText).map(NetworkNotice::printable);
        return Optional.of(new NetworkNotice(place(network.get("terminal")), place(network.get("authenticator")),
                mismatch, mismatch ? warning.or(() -> Optional.of("the networks differ")) : Optional.empty()));
    }

    /** Loopback and private addresses by their label only, never raw. */
    private static String place(JsonNode p) {
        if (p == null || !p.isObject()) {
            return "unknown";
        }
        String label = printable(p.path("label").asText("unknown"));
        String kind = p.path("kind").asText("");
        if (!kind.equals("public") || !p.hasNonNull("address")) {
            return label;
        }
        return label + " (" + printable(p.get("address").asText()) + ")";
    }

    /** Terminal output: no control characters from the network, and a bounded length. */
    private static String printable(String s) {
        String t = s.codePoints().filter(c -> c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return t.length() > 300 ? t.substring(0, 300) : t;
    }
}
