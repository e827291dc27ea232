package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.countersign.core.client.ProblemDocument;
import org.countersign.samplebank.VerifierClient;
import org.countersign.server.Countersign;
import org.countersign.testkit.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client commands against a real node on PostgreSQL: a wrong key or a stopped verifier is one line naming the URL
 * and what to do, never a stack trace; a lost admin key is replaced with {@code admin new-key} (A-G1, audited).
 */
@Tag("integration")
class ClientErrorsTest {
    @TempDir
    Path tmp;

    private TestDatabase database;
    private Countersign node;

    @BeforeEach
    void start() throws Exception {
        database = TestDatabase.create();
        node = TestNodes.start(database, tmp.resolve("data"));
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        database.close();
    }

    @Test
    void sampleBankWithAWrongKeySaysSoInOneLine() {
        CliRun r = CliRun.of("sample-bank", "--verifier", node.baseUrl(), "--ca", node.caCertificatePath().toString(),
                "--api-key", "cs_wrong_key", "--port", "0");
        assertThat(r.exit()).as(r.toString()).isEqualTo(SampleBankCommand.EXIT_VERIFIER);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).contains(node.baseUrl()).contains("401").contains("--api-key")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void sampleBankWithAStoppedVerifierSaysSoInOneLine() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            closed = s.getLocalPort();
        }
        String url = "https://127.0.0.1:" + closed;
        CliRun r = CliRun.of("sample-bank", "--verifier", url, "--ca", node.caCertificatePath().toString(),
                "--api-key", "cs_any", "--port", "0");
        assertThat(r.exit()).as(r.toString()).isEqualTo(SampleBankCommand.EXIT_VERIFIER);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).contains("cannot reach the verifier at " + url).contains("countersign serve")
                .doesNotContain("\tat ");
    }

    @Test
    void oneLineForAnUnavailableVerifierNamesTheUrlAndTheWayOut() {
        URI v = URI.create("https://verifier.example:8443");
        String line = VerifierErrors.oneLine(v, Optional.of(ProblemDocument.parse(503,
                "{\"type\":\"https://x/problems/service-unavailable\",\"detail\":\"database down\"}")), "", "--api-key");
        assertThat(line).isEqualTo("the verifier at https://verifier.example:8443 is not available"
                + " (503 service-unavailable: database down): retry when it has started, or see its log");
    }

    @Test
    void A_G1_adminNewKeyIssuesAWorkingKeyShownOnceInABoxAndAudited() throws Exception {
        CliRun r = CliRun.of("admin", "new-key", "--data-dir", tmp.resolve("data").toString(),
                "--database-url", database.url());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("+---").contains("countersign admin new-key");
        Matcher key = Pattern.compile("(?m)^\\|\\s{3}(\\S+)\\s+\\|$").matcher(r.out());
        assertThat(key.find()).as(r.out()).isTrue();
        String token = key.group(1);
        assertThat(token).isNotEqualTo(node.bootstrapAdminToken().orElseThrow());

        HttpClient http = VerifierClient.httpClientTrusting(node.caCertificatePath());
        HttpResponse<String> tenants = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/admin/tenants"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tenants.statusCode()).as(tenants.body()).isEqualTo(200);

        try (Connection c = DriverManager.getConnection(database.url(), TestDatabase.USER, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select actor from audit_events where action = 'adminkey.create'")) {
            assertThat(rs.next()).as("audited").isTrue();
            assertThat(rs.getString(1)).startsWith("cli:");
        }
    }
}
