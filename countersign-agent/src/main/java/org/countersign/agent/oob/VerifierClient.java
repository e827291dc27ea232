package org.countersign.agent.oob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.client.ProblemDocument;
import org.countersign.core.sig.EcP256Signer;
import org.countersign.core.sig.SignatureEncoding;

/** HTTP to the verifier's authenticator API (docs/oob-api.md), with the signed query parameters and error mapping. */
final class VerifierClient {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Domain-separation prefix of the request signature, per the contract's "Authenticator signatures". */
    static final String AUTH_CONTEXT = "countersign-oob-auth-v1";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final URI server;
    private final HttpClient http;
    private final Clock clock;

    VerifierClient(URI server, HttpClient http, Clock clock) {
        this.server = server;
        this.http = http;
        this.clock = clock;
    }

    static HttpClient newHttpClient(ServerTrust trust) {
        return HttpClient.newBuilder().sslContext(trust.sslContext()).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    URI server() {
        return server;
    }

    HttpClient http() {
        return http;
    }

    JsonNode post(String path, JsonNode body) throws OobException {
        HttpRequest req = HttpRequest.newBuilder(server.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        return exchange(req);
    }

    JsonNode getSigned(String path, EcP256Signer signer, String authenticatorId) throws OobException {
        HttpRequest req = HttpRequest.newBuilder(signedUri("GET", path, signer, authenticatorId))
                .timeout(REQUEST_TIMEOUT).header("Accept", "application/json").GET().build();
        return exchange(req);
    }

    /**
     * The URI with {@code authenticatorId}, {@code ts} and {@code sig}: a P1363 signature over
     * {@code countersign-oob-auth-v1\n<method>\n<path>\n<authenticatorId>\n<ts>}. Query parameters because a browser
     * EventSource cannot set headers, and the web and Java authenticators share the contract.
     */
    URI signedUri(String method, String path, EcP256Signer signer, String authenticatorId) {
        long ts = clock.millis();
        String text = AUTH_CONTEXT + "\n" + method + "\n" + path + "\n" + authenticatorId + "\n" + ts;
        ByteArray sig = signer.sign(ByteArray.ofUtf8(text), SignatureEncoding.P1363);
        return server.resolve(path + "?authenticatorId=" + URLEncoder.encode(authenticatorId, StandardCharsets.UTF_8)
                + "&ts=" + ts + "&sig=" + sig.toBase64Url());
    }

    private JsonNode exchange(HttpRequest req) throws OobException {
        HttpResponse<String> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw transportError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OobException.ServerUnreachable(server, e);
        }
        if (r.statusCode() / 100 != 2) {
            throw problem(r.statusCode(), r.body());
        }
        try {
            return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw OobException.ServerProblem.unusableAnswer(r.statusCode(), "answer is not JSON");
        }
    }

    /** TLS trust failures get their own type so the user is told to fix trust, not the network. */
    OobException transportError(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof CertificateException
                    || t instanceof java.security.cert.CertPathValidatorException) {
                return new OobException.TlsTrustFailure(server, e);
            }
        }
        return new OobException.ServerUnreachable(server, e);
    }

    static OobException.ServerProblem problem(int status, String body) {
        return new OobException.ServerProblem(ProblemDocument.parse(status, body));
    }
}
