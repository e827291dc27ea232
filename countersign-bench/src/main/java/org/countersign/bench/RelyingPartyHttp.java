package org.countersign.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The relying party's calls in the out-of-band load generators: JSON over HTTPS with a bearer key to one verifier
 * address, through clients that trust only the verifier's CA, as a relying party following the README would.
 */
final class RelyingPartyHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final Duration timeout;

    /** @param timeout per request; longer than the longest long poll the generator asks for */
    RelyingPartyHttp(String base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
    }

    /** A client builder whose TLS trusts only {@code caPem}; the caller picks the HTTP version and timeouts. */
    static HttpClient.Builder trusting(Path caPem) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(caPem))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
        return HttpClient.newBuilder().sslContext(ctx);
    }

    HttpResponse<String> send(HttpClient http, String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@link #send}, then the JSON body when the status is {@code expected}; anything else is an error. */
    JsonNode call(HttpClient http, String method, String path, String token, String body, int expected)
            throws IOException, InterruptedException {
        HttpResponse<String> r = send(http, method, path, token, body);
        if (r.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
