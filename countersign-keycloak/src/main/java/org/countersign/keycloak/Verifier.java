package org.countersign.keycloak;

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
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The extension's only link to the verifier: the relying-party half of its public HTTPS API (docs/oob-api.md,
 * "RP server → verifier"), with the realm's API key. No Countersign server class is used.
 */
public final class Verifier {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A non-2xx answer or no answer at all; {@code problem} is the problem type's last segment. */
    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String problem;

        Failure(int status, String problem, String detail) {
            super(status + " " + problem + (detail == null ? "" : ": " + detail));
            this.status = status;
            this.problem = problem;
        }

        public int status() {
            return status;
        }

        public String problem() {
            return problem;
        }
    }

    /**
     * One HTTP client per (verifier, CA): a client owns threads and a connection pool, so it is made once and kept
     * by the provider factory that owns this object, not per sign-in.
     */
    public static final class Clients {
        private final Map<String, HttpClient> byTrust = new ConcurrentHashMap<>();

        public Verifier forSettings(CountersignSettings s) throws CountersignSettings.Misconfigured {
            HttpClient http = byTrust.get(s.caPem());
            if (http == null) {
                http = build(s.caPem());
                byTrust.putIfAbsent(s.caPem(), http);
            }
            return new Verifier(s.verifierUrl(), s.apiKey(), http);
        }

        private static HttpClient build(String caPem) throws CountersignSettings.Misconfigured {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
            if (!caPem.isEmpty()) {
                try {
                    // Trust exactly the configured CA, so a look-alike verifier with a public certificate is refused.
                    Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                            .generateCertificates(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)));
                    if (certs.isEmpty()) {
                        throw new CountersignSettings.Misconfigured("CA PEM holds no certificate");
                    }
                    KeyStore trust = KeyStore.getInstance("PKCS12");
                    trust.load(null, null);
                    int i = 0;
                    for (Certificate c : certs) {
                        trust.setCertificateEntry("verifier-ca-" + i++, c);
                    }
                    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    tmf.init(trust);
                    SSLContext ssl = SSLContext.getInstance("TLS");
                    ssl.init(null, tmf.getTrustManagers(), new SecureRandom());
                    b.sslContext(ssl);
                } catch (GeneralSecurityException | IOException e) {
                    throw new CountersignSettings.Misconfigured("CA PEM is not a certificate: " + e.getMessage());
                }
            }
            return b.build();
        }
    }

    /** The offset fields the relying party observed (X.1280 §8.3); the verifier derives the code from them. */
    public record Offset(String userId, String rpServerIp, String rpSessionId, String terminalPublicIp, String browser,
            String browserVersion) {}

    private final URI base;
    private final String apiKey;
    private final HttpClient http;

    Verifier(URI base, String apiKey, HttpClient http) {
        this.base = base;
        this.apiKey = apiKey;
        this.http = http;
    }

    /** {@code POST /v1/oob/requests} (C-F2, C-F3). */
    public JsonNode createRequest(Offset o) throws Failure {
        ObjectNode body = JSON.createObjectNode().put("userId", o.userId()).put("rpServerIp", o.rpServerIp())
                .put("rpSessionId", o.rpSessionId()).put("terminalPublicIp", o.terminalPublicIp())
                .put("browser", o.browser()).put("browserVersion", o.browserVersion());
        return send("POST", "v1/oob/requests", body, 20);
    }

    /** {@code GET /v1/oob/requests/{id}?waitSeconds=} — the result, long-polled (C-F5). */
    public JsonNode request(String requestId, int waitSeconds) throws Failure {
        int wait = Math.max(0, Math.min(30, waitSeconds));
        return send("GET", "v1/oob/requests/" + seg(requestId) + "?waitSeconds=" + wait, null, wait + 15);
    }

    /** {@code POST /v1/oob/requests/{id}/cancel}: the user left the page; the phone drops the request. */
    public JsonNode cancel(String requestId) throws Failure {
        return send("POST", "v1/oob/requests/" + seg(requestId) + "/cancel", null, 20);
    }

    /** {@code POST /v1/oob/enrolments} (C-F1). */
    public JsonNode createEnrolment(String userId) throws Failure {
        return send("POST", "v1/oob/enrolments", JSON.createObjectNode().put("userId", userId), 20);
    }

    /** Whether the user has at least one active authenticator; a user unknown to the verifier has none. */
    public boolean hasActiveAuthenticator(String userId) throws Failure {
        JsonNode list;
        try {
            list = send("GET", "v1/oob/users/" + seg(userId) + "/authenticators", null, 20);
        } catch (Failure f) {
            if (f.status() == 404) {
                return false;
            }
            throw f;
        }
        for (JsonNode a : list.path("authenticators")) {
            if ("active".equals(a.path("status").asText())) {
                return true;
            }
        }
        return false;
    }

    private JsonNode send(String method, String path, JsonNode body, int timeoutSeconds) throws Failure {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(timeoutSeconds))
                .header("Authorization", "Bearer " + apiKey).header("Accept", "application/json");
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
            throw new Failure(503, "unreachable", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(503, "interrupted", null);
        }
        JsonNode json;
        try {
            json = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new Failure(r.statusCode() / 100 == 2 ? 502 : r.statusCode(), "not-json", null);
        }
        if (r.statusCode() / 100 != 2) {
            String type = json.path("type").asText("");
            String slug = type.isEmpty() ? Integer.toString(r.statusCode()) : type.substring(type.lastIndexOf('/') + 1);
            throw new Failure(r.statusCode(), slug, json.path("detail").asText(null));
        }
        return json;
    }

    private static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
