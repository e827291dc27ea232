package org.countersign.samplebank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.countersign.core.client.ProblemDocument;

/**
 * The bank's only link to the verifier: its public HTTPS API with the bank's API key (docs/oob-api.md,
 * "RP server → verifier"). TLS trusts exactly the verifier's CA (X.1280 §8.1: all exchanges over TLS with X.509
 * certificates), never the JDK's default set, so the bank cannot be pointed at a look-alike verifier.
 */
public final class VerifierClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A non-2xx answer, read by the shared problem parser, or a verifier that could not be reached (status 503,
     * problem {@code unreachable}, no document).
     */
    public static final class VerifierException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String problem;
        private final String detail;
        private final transient Optional<ProblemDocument> document;

        VerifierException(ProblemDocument d) {
            this(d.status(), slugOf(d), d.detail(), Optional.of(d));
        }

        private VerifierException(int status, String problem, String detail, Optional<ProblemDocument> document) {
            super(status + " " + problem + (detail.isEmpty() ? "" : ": " + detail));
            this.status = status;
            this.problem = problem;
            this.detail = detail;
            this.document = document;
        }

        static VerifierException unreachable(String why) {
            return new VerifierException(503, "unreachable", why, Optional.empty());
        }

        private static String slugOf(ProblemDocument d) {
            return d.slug().isEmpty() ? Integer.toString(d.status()) : d.slug();
        }

        /** The local-mode refusal code ({@code user-not-verified}, {@code bad-origin}, …), or null. */
        public String reason() {
            return document.flatMap(ProblemDocument::reason).orElse(null);
        }

        public int status() {
            return status;
        }

        /** e.g. {@code no-authenticator}, {@code oob-request-pending}. */
        public String problem() {
            return problem;
        }

        /** The problem's detail, or why the verifier was not reached; may be empty. */
        public String detail() {
            return detail;
        }

        /** The verifier's problem document; empty when it was not reached. */
        public Optional<ProblemDocument> document() {
            return document;
        }
    }

    private final URI base;
    private final String apiKey;
    private final HttpClient http;

    public VerifierClient(URI base, String apiKey, HttpClient http) {
        this.base = base;
        this.apiKey = apiKey;
        this.http = http;
    }

    public static HttpClient httpClientTrusting(Path caPem) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate ca = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(caPem)));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("verifier-ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), new SecureRandom());
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    }

    public URI base() {
        return base;
    }

    // ------------------------------------------------------------------ tenant bootstrap (admin key)

    /**
     * Creates the bank's tenant with an admin key and returns a fresh API key for it; when the tenant exists
     * already (a restart), issues an additional key instead.
     */
    public static String bootstrapTenant(URI base, HttpClient http, String adminKey, String tenantId, String displayName,
            String origin) {
        VerifierClient admin = new VerifierClient(base, adminKey, http);
        ObjectNode body = JSON.createObjectNode().put("id", tenantId).put("displayName", displayName);
        body.putArray("allowedOrigins").add(origin);
        try {
            return admin.send("POST", "/v1/admin/tenants", body, Duration.ofSeconds(20)).path("apiKey").asText();
        } catch (VerifierException e) {
            if (e.status() != 409) {
                throw e;
            }
            return admin.send("POST", "/v1/admin/tenants/" + seg(tenantId) + "/api-keys",
                    JSON.createObjectNode().put("label", "sample bank restart"), Duration.ofSeconds(20))
                    .path("apiKey").asText();
        }
    }

    // ------------------------------------------------------------------ enrolment and devices (C-F1, C-S2)

    public JsonNode createEnrolment(String userId) {
        return send("POST", "/v1/oob/enrolments", JSON.createObjectNode().put("userId", userId), Duration.ofSeconds(20));
    }

    public JsonNode authenticators(String userId) {
        return send("GET", "/v1/oob/users/" + seg(userId) + "/authenticators", null, Duration.ofSeconds(20));
    }

    public void revoke(String userId, String authenticatorId) {
        send("DELETE", "/v1/oob/users/" + seg(userId) + "/authenticators/" + seg(authenticatorId), null,
                Duration.ofSeconds(20));
    }

    public JsonNode release(String userId) {
        return send("POST", "/v1/oob/users/" + seg(userId) + "/release", JSON.createObjectNode(), Duration.ofSeconds(20));
    }

    public JsonNode recover(String userId, String recoveryCode) {
        return send("POST", "/v1/oob/users/" + seg(userId) + "/recover",
                JSON.createObjectNode().put("recoveryCode", recoveryCode), Duration.ofSeconds(20));
    }

    /** C-S1: whether the bank may accept a password for this user. A user unknown to the verifier has no block. */
    public boolean passwordLoginDisabled(String userId) {
        try {
            return send("GET", "/v1/oob/users/" + seg(userId) + "/password-login", null, Duration.ofSeconds(20))
                    .path("disabled").asBoolean(false);
        } catch (VerifierException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    public void setPasswordLoginDisabled(String userId, boolean disabled) {
        send("PUT", "/v1/oob/users/" + seg(userId) + "/password-login",
                JSON.createObjectNode().put("disabled", disabled), Duration.ofSeconds(20));
    }

    /**
     * C-S5: ask the verifier to hand out a fresh random password after each approved sign-in, keeping the
     * tenant's other settings as they are.
     */
    public void enablePasswordRenewal() {
        JsonNode current = send("GET", "/v1/oob/settings", null, Duration.ofSeconds(20));
        if (current.path("passwordRenewal").asBoolean(false)) {
            return;
        }
        ObjectNode updated = current.deepCopy();
        updated.put("passwordRenewal", true);
        send("PUT", "/v1/oob/settings", updated, Duration.ofSeconds(20));
    }

    // ------------------------------------------------------------------ server authentication (C-F2 … C-F5)

    /** The offset fields the bank observed (X.1280 §8.3); the verifier computes the code from them. */
    public record OffsetFields(String userId, String rpServerIp, String rpSessionId, String terminalPublicIp,
            Optional<String> terminalPrivateIp, String browser, String browserVersion) {}

    public JsonNode createRequest(OffsetFields f) {
        ObjectNode body = JSON.createObjectNode()
                .put("userId", f.userId())
                .put("rpServerIp", f.rpServerIp())
                .put("rpSessionId", f.rpSessionId())
                .put("terminalPublicIp", f.terminalPublicIp())
                .put("browser", f.browser())
                .put("browserVersion", f.browserVersion());
        f.terminalPrivateIp().ifPresent(ip -> body.put("terminalPrivateIp", ip));
        return send("POST", "/v1/oob/requests", body, Duration.ofSeconds(20));
    }

    /**
     * X.1280 §9.1.1 relay-proof mode: as {@link #createRequest(OffsetFields)} with {@code mode: webauthn-bound}; the
     * answer carries {@code webauthn} request options whose challenge is the offset hash.
     */
    public JsonNode createBoundRequest(OffsetFields f) {
        ObjectNode body = JSON.createObjectNode()
                .put("userId", f.userId())
                .put("rpServerIp", f.rpServerIp())
                .put("rpSessionId", f.rpSessionId())
                .put("terminalPublicIp", f.terminalPublicIp())
                .put("browser", f.browser())
                .put("browserVersion", f.browserVersion())
                .put("mode", "webauthn-bound");
        f.terminalPrivateIp().ifPresent(ip -> body.put("terminalPrivateIp", ip));
        return send("POST", "/v1/oob/requests", body, Duration.ofSeconds(20));
    }

    /** Submits the assertion the terminal's browser made over the offset hash (webauthn-bound mode). */
    public JsonNode bindTerminal(String requestId, JsonNode webauthn) {
        return send("POST", "/v1/oob/requests/" + seg(requestId) + "/terminal-assertion", webauthn, Duration.ofSeconds(20));
    }

    /** Withdraws a login the user cancelled: the phone drops it and the user may start another at once. */
    public JsonNode cancelRequest(String requestId) {
        return send("POST", "/v1/oob/requests/" + seg(requestId) + "/cancel", JSON.createObjectNode(), Duration.ofSeconds(20));
    }

    /** Long-polls the request's result for up to {@code waitSeconds} (0..30). */
    public JsonNode request(String requestId, int waitSeconds) {
        return send("GET", "/v1/oob/requests/" + seg(requestId) + "?waitSeconds=" + waitSeconds, null,
                Duration.ofSeconds(waitSeconds + 15L));
    }

    // ------------------------------------------------------------------ passkeys (ISO/IEC 27553-1 local mode)

    /** The verifier keeps its own user record for local credentials; creating one that exists is fine. */
    public void ensureUser(String userId) {
        try {
            send("POST", "/v1/users", JSON.createObjectNode().put("userId", userId), Duration.ofSeconds(20));
        } catch (VerifierException e) {
            if (e.status() != 409) {
                throw e;
            }
        }
    }

    public JsonNode privacyNotice() {
        return send("GET", "/v1/local/privacy-notice", null, Duration.ofSeconds(20));
    }

    /** Whether the user consented to the notice version {@code version} and has not withdrawn since. */
    public boolean hasConsent(String userId, String version) {
        JsonNode data = send("GET", "/v1/local/users/" + seg(userId) + "/data", null, Duration.ofSeconds(20));
        for (JsonNode c : data.path("consents")) {
            if (version.equals(c.path("noticeVersion").asText()) && !c.hasNonNull("withdrawnAt")) {
                return true;
            }
        }
        return false;
    }

    public void grantConsent(String userId, String noticeVersion) {
        send("POST", "/v1/local/users/" + seg(userId) + "/consent",
                JSON.createObjectNode().put("noticeVersion", noticeVersion), Duration.ofSeconds(20));
    }

    public JsonNode startPasskeyRegistration(String userId) {
        return send("POST", "/v1/local/registrations",
                JSON.createObjectNode().put("userId", userId).put("format", "webauthn"), Duration.ofSeconds(20));
    }

    /** {@code webauthn}: the browser's attestation, fields base64url (id, clientDataJSON, attestationObject, transports). */
    public JsonNode finishPasskeyRegistration(String ceremonyId, JsonNode webauthn) {
        ObjectNode body = JSON.createObjectNode();
        body.set("webauthn", webauthn);
        return send("POST", "/v1/local/registrations/" + seg(ceremonyId) + "/finish", body, Duration.ofSeconds(20));
    }

    public JsonNode startPasskeyAuthentication(String userId, String transactionText) {
        return send("POST", "/v1/local/authentications", JSON.createObjectNode().put("userId", userId)
                .put("format", "webauthn").put("transactionText", transactionText), Duration.ofSeconds(20));
    }

    /** {@code webauthn}: the browser's assertion (id, clientDataJSON, authenticatorData, signature, userHandle). */
    public JsonNode finishPasskeyAuthentication(String ceremonyId, JsonNode webauthn) {
        ObjectNode body = JSON.createObjectNode();
        body.set("webauthn", webauthn);
        return send("POST", "/v1/local/authentications/" + seg(ceremonyId) + "/finish", body, Duration.ofSeconds(20));
    }

    public JsonNode passkeys(String userId) {
        return send("GET", "/v1/local/users/" + seg(userId) + "/credentials", null, Duration.ofSeconds(20));
    }

    /** The verifier's browser helper for WebAuthn ceremonies, which the bank's pages use as it is. */
    public String webauthnHelper() {
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/local/webauthn.js")).timeout(Duration.ofSeconds(20))
                .GET().build();
        HttpResponse<String> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw VerifierException.unreachable(why(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw VerifierException.unreachable("interrupted");
        }
        if (r.statusCode() != 200) {
            throw new VerifierException(ProblemDocument.parse(r.statusCode(), r.body()));
        }
        return r.body();
    }

    // ------------------------------------------------------------------ plumbing

    private JsonNode send(String method, String pathAndQuery, JsonNode body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(timeout)
                .header("Authorization", "Bearer " + apiKey)
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw VerifierException.unreachable(why(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw VerifierException.unreachable("interrupted");
        }
        if (r.statusCode() / 100 != 2) {
            throw new VerifierException(ProblemDocument.parse(r.statusCode(), r.body()));
        }
        try {
            return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new VerifierException(r.statusCode(), "not-json", "answer is not JSON", Optional.empty());
        }
    }

    /** The first message along the cause chain: the JDK's connect failure often has none at the top. */
    private static String why(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    private static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
