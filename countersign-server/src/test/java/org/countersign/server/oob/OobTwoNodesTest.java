package org.countersign.server.oob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.countersign.server.TestServer;
import org.countersign.server.TestServer.Response;
import org.countersign.testkit.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two verifier processes on one PostgreSQL database (C-F3 across nodes): a request created on node A reaches an
 * authenticator stream held by node B through LISTEN/NOTIFY, and an answer given on B wakes the result poll on A.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OobTwoNodesTest {
    TestServer nodeA;
    Process nodeB;
    Path dataDirB;
    String urlB;

    @BeforeAll
    void start() throws Exception {
        nodeA = TestServer.onPostgres(c -> c);
        // Node B shares the database and the keys (master key, TLS identity, audit checkpoint key) of node A.
        dataDirB = Files.createTempDirectory("countersign-node-b");
        try (var files = Files.walk(nodeA.dataDir)) {
            for (Path p : files.toList()) {
                Path target = dataDirB.resolve(nodeA.dataDir.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(p)); // key folders stay private
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        String dbUrl = nodeA.database.url();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        nodeB = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), SecondNodeMain.class.getName(),
                dataDirB.toString(), dbUrl, TestDatabase.USER)).redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(nodeB.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!port.isDone()) {
                        output.append(line).append('\n');
                    }
                    if (line.startsWith("PORT=")) {
                        port.complete(Integer.parseInt(line.substring(5).trim()));
                    }
                }
            } catch (Exception e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("node B exited before serving:\n" + output));
        }, "node-b-output");
        drain.setDaemon(true);
        drain.start();
        urlB = "https://localhost:" + port.get(120, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        if (nodeB != null) {
            nodeB.getOutputStream().close();
            if (!nodeB.waitFor(20, TimeUnit.SECONDS)) {
                nodeB.destroy();
                nodeB.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (nodeA != null) {
            nodeA.close();
        }
        if (dataDirB != null) {
            try (var files = Files.walk(dataDirB)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void X1280_8_3_requestCreatedOnNodeAReachesStreamOnNodeB_andAnswerOnBWakesPollOnA() throws Exception {
        String key = nodeA.createTenant("bank");
        Response issued = nodeA.post("/v1/oob/enrolments", key, "{\"userId\":\"alice\"}");
        TestAuthenticator phone = new TestAuthenticator(Clock.systemUTC());
        assertThat(phone.enrol(nodeA, issued.json().get("enrolmentCode").asText(), "phone").status()).isEqualTo(201);

        // the phone's stream is held by node B
        try (TestAuthenticator.EventStream stream = phone.openStream(nodeA.http, urlB)) {
            assertThat(stream.status()).isEqualTo(200);
            Response created = nodeA.post("/v1/oob/requests", key, OobFlowTest.requestBody("alice",
                    OobFlowTest.USER_TERMINAL_IP, "Firefox", "s-two-nodes"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String requestId = created.json().get("requestId").asText();

            JsonNode pushed = stream.nextRequest(requestId).data();
            assertThat(phone.codeFor(pushed.get("offset").asText())).isEqualTo(created.json().get("code").asText());

            // the RP waits on node A; the phone answers on node B
            CompletableFuture<HttpResponse<String>> poll = nodeA.http.sendAsync(HttpRequest.newBuilder(
                    URI.create(nodeA.url("/v1/oob/requests/" + requestId + "?waitSeconds=25")))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> answered = nodeA.http.send(HttpRequest.newBuilder(URI.create(urlB + "/v1/oob/authenticator/responses"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(phone.decisionBody(requestId, pushed.get("offset").asText(), "approve")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
            JsonNode outcome = TestAuthenticator.JSON.readTree(poll.get(30, TimeUnit.SECONDS).body());
            assertThat(outcome.get("status").asText()).isEqualTo("approved");
        }
        assertThat(nodeA.get("/v1/admin/audit/verify", nodeA.adminToken).json().get("intact").asBoolean()).isTrue();
    }
}
