package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Comparator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.countersign.server.Countersign;
import org.countersign.testkit.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * X.1280 §8.1–8.5 end to end through the executable: a real node on a fresh PostgreSQL database, the relying
 * party's calls over HTTPS, and {@code countersign authenticator} as the user's authenticator.
 */
@Tag("integration")
class AuthenticatorEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Countersign node;
    TestDatabase database;
    HttpClient http;
    String apiKey;

    @BeforeEach
    void start() throws Exception {
        database = TestDatabase.create();
        node = TestNodes.start(database, tmp.resolve("data"));
        http = HttpClient.newBuilder().sslContext(trusting(node.caCertificatePath())).build();
        JsonNode t = call("POST", "/v1/admin/tenants", node.bootstrapAdminToken().orElseThrow(),
                "{\"id\":\"bank\",\"displayName\":\"Bank\",\"allowedOrigins\":[\"https://bank.example\"]}", 201);
        apiKey = t.get("apiKey").asText();
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        database.close();
        try (var files = Files.walk(tmp)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void X1280_8_enrolRequestApproveAndTheRelyingPartyReadsApproved() throws Exception {
        HttpResponse<String> probe = send("POST", "/v1/oob/enrolments", apiKey, "{\"userId\":\"alice\"}");
        assertThat(probe.statusCode()).as(probe.body()).isEqualTo(201);
        String enrolmentUri = JSON.readTree(probe.body()).get("enrolmentUri").asText();

        Path home = tmp.resolve("authenticator");
        Path pin = Files.writeString(tmp.resolve("pin"), "246810\n");
        String enrolled = AuthenticatorCommandTest.run(0, "authenticator", "enrol", "--uri", enrolmentUri,
                "--ca", node.caCertificatePath().toString(), "--home", home.toString(), "--pin-file", pin.toString(),
                "--name", "CI laptop");
        assertThat(enrolled).contains("Enrolled auth", "alice");

        // X.1280 §8.2–8.3: the relying party asks for server authentication information.
        JsonNode req = call("POST", "/v1/oob/requests", apiKey, "{\"userId\":\"alice\",\"rpServerIp\":\"203.0.113.10\","
                + "\"rpSessionId\":\"s-1\",\"terminalPublicIp\":\"198.51.100.7\",\"terminalPrivateIp\":\"192.168.1.20\","
                + "\"browser\":\"Chromium\",\"browserVersion\":\"156.0\"}", 201);
        String code = req.get("code").asText();

        // §8.3 steps 5–7, §8.4, §8.5: the authenticator shows the same code it computed itself, and approves.
        String shown = AuthenticatorCommandTest.run(0, "authenticator", "run", "--once", "--auto-approve",
                "--home", home.toString(), "--pin-file", pin.toString());
        assertThat(shown).contains(AuthenticatorCommand.spaced(code), "(198.51.100.7)", "this device    this computer",
                "Chromium 156.0", "Approved");

        JsonNode result = call("GET", "/v1/oob/requests/" + req.get("requestId").asText() + "?waitSeconds=5", apiKey, null, 200);
        assertThat(result.get("status").asText()).isEqualTo("approved");
        assertThat(result.get("deviceName").asText()).isEqualTo("CI laptop");
    }

    private JsonNode call(String method, String path, String token, String body, int expected) throws Exception {
        HttpResponse<String> r = send(method, path, token, body);
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(expected);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + node.port() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(caPem))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }
}
