package org.countersign.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.pki.LocalCertificateAuthority;
import org.countersign.core.pki.Pem;
import org.countersign.server.TestServer.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Rate limits (429 + Retry-After) and mutual TLS for relying-party servers (A-G2). */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityControlsTest {
    TestServer server;
    String bankKey;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.onPostgres(c -> c.withRateLimits(5, 1000));
        bankKey = server.createTenant("bank");
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @Test
    void tenantRateLimitAnswers429WithRetryAfter() throws Exception {
        int limited = 0;
        Response last = null;
        for (int i = 0; i < 40; i++) {
            Response r = server.get("/v1/users", bankKey);
            if (r.status() == 429) {
                limited++;
                last = r;
            }
        }
        assertThat(limited).isGreaterThan(0);
        FoundationBehaviour.assertProblem(last, 429, "rate-limited");
        assertThat(Integer.parseInt(last.header("Retry-After"))).isPositive();
    }

    @Test
    void A_G2_relyingPartyAuthenticatesWithItsClientCertificate() throws Exception {
        Response issued = server.post("/v1/admin/tenants/bank/client-certificates", server.adminToken, "");
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        X509Certificate cert = Pem.readCertificate(issued.json().get("certificatePem").asText());
        PrivateKey key = Pem.readPrivateKey(SecretBytes.copyOf(issued.json().get("privateKeyPem").asText().getBytes()));
        Thread.sleep(1100); // let the tenant's rate-limit bucket refill after the other test
        HttpResponse<String> r = clientWith(cert, key).send(HttpRequest.newBuilder(URI.create(server.url("/v1/users")))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        // A certificate from another CA is not accepted, whatever its subject says.
        LocalCertificateAuthority rogue = LocalCertificateAuthority.create("rogue", Duration.ofDays(1));
        var forged = rogue.issueClientCertificate("countersign-rp-bank", Duration.ofDays(1));
        assertThatThrownBy(() -> {
            HttpResponse<String> f = clientWith(forged.certificate(), forged.privateKey()).send(
                    HttpRequest.newBuilder(URI.create(server.url("/v1/users"))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (f.statusCode() != 200) {
                throw new java.io.IOException("refused with " + f.statusCode());
            }
        }).isInstanceOf(java.io.IOException.class);
    }

    private HttpClient clientWith(X509Certificate cert, PrivateKey key) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", key, "pw".toCharArray(), new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "pw".toCharArray());
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", cf.generateCertificate(new ByteArrayInputStream(
                java.nio.file.Files.readAllBytes(server.node.caCertificatePath()))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return HttpClient.newBuilder().sslContext(ctx).build();
    }
}
