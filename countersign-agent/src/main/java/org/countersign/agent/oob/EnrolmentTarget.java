package org.countersign.agent.oob;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and with what to enrol (X.1280 §8.1 steps 8–10): the verifier's origin, the one-time enrolment code the
 * relying party handed the user, and, when the user scanned the enrolment URI, the tenant it names (the
 * authenticator checks the verifier's answer against it).
 *
 * @param server the verifier origin, {@code https://host[:port]}, no path
 * @param code   the enrolment code, normalised: upper case, dashes and spaces removed
 * @param tenant tenant id from the enrolment URI, if enrolment started from one
 */
public record EnrolmentTarget(URI server, String code, Optional<String> tenant) {

    public EnrolmentTarget {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(tenant, "tenant");
    }

    /** From a verifier URL and a code typed by the user (with or without dashes, any case). */
    public static EnrolmentTarget of(String serverUrl, String code) throws OobException.BadInput {
        return new EnrolmentTarget(origin(serverUrl), normaliseCode(code), Optional.empty());
    }

    /** From the enrolment URI, {@code https://host:port/authenticator/?enrol=CODE&tenant=ID} (QR code or e-mail). */
    public static EnrolmentTarget fromUri(String enrolmentUri) throws OobException.BadInput {
        URI u = parse(enrolmentUri);
        String code = null;
        String tenant = null;
        String query = u.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (key.equals("enrol")) {
                    code = value;
                } else if (key.equals("tenant")) {
                    tenant = value;
                }
            }
        }
        if (code == null) {
            throw new OobException.BadInput("the enrolment URI has no enrol= parameter");
        }
        return new EnrolmentTarget(origin(enrolmentUri), normaliseCode(code),
                Optional.ofNullable(tenant).filter(t -> !t.isBlank()));
    }

    static URI origin(String url) throws OobException.BadInput {
        URI u = parse(url);
        // X.1280 §8.1: registration runs over TLS; a plain-http verifier is refused outright.
        if (!"https".equalsIgnoreCase(u.getScheme())) {
            throw new OobException.BadInput("the verifier URL must start with https:// (X.1280 §8.1 requires TLS)");
        }
        if (u.getHost() == null || u.getRawUserInfo() != null) {
            throw new OobException.BadInput("the verifier URL needs a host and no user name: " + url);
        }
        String host = u.getHost().toLowerCase(Locale.ROOT);
        return URI.create("https://" + host + (u.getPort() >= 0 ? ":" + u.getPort() : ""));
    }

    private static URI parse(String url) throws OobException.BadInput {
        if (url == null || url.isBlank()) {
            throw new OobException.BadInput("no verifier URL given");
        }
        try {
            return new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new OobException.BadInput("not a URL: " + url);
        }
    }

    static String normaliseCode(String code) throws OobException.BadInput {
        if (code == null) {
            throw new OobException.BadInput("no enrolment code given");
        }
        String c = code.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
        // Crockford base32 alphabet (no I, L, O, U); 12 characters per the contract, a little slack for later sizes.
        if (c.length() < 8 || c.length() > 32 || !c.chars().allMatch(ch -> "0123456789ABCDEFGHJKMNPQRSTVWXYZ".indexOf(ch) >= 0)) {
            throw new OobException.BadInput("the enrolment code should look like K7QX-M2PA-9TDE");
        }
        return c;
    }
}
