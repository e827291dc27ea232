package org.countersign.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import org.countersign.core.password.Argon2idHasher;
import org.countersign.server.TestServer.Response;
import org.countersign.server.auth.ApiKeyToken;
import org.countersign.server.config.ServerConfig;
import org.countersign.testkit.LoopbackClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Abuse resistance of the foundation (issue 10 items 1, 6, 12; issue 9 item 13): wrong keys are cheap and
 * throttled, one tenant cannot take every worker, revocation is immediate on every node, secrets stay out of the
 * banner. Each test performs the attack over real HTTPS against a real PostgreSQL.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbuseResistanceTest {
    TestServer server;
    SSLContext tls;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.onPostgres(c -> c.withTenantConcurrency(1));
        tls = TestServer.sslContextTrusting(server.node.caCertificatePath());
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private LoopbackClient from(String address) throws Exception {
        return new LoopbackClient(tls, address, server.node.port());
    }

    static String wrongSecret(String key) {
        return key.substring(0, key.length() - 4) + (key.endsWith("AAAA") ? "BBBB" : "AAAA");
    }

    @Test
    void A_G1_wrongKeysAreThrottledPerAddressBeforeAnyCheckAndTheRightKeyStillWorks() throws Exception {
        String key = server.createTenant("flooded");
        long slowBefore = server.node.authenticator().slowChecksRun();
        try (LoopbackClient attacker = from("127.0.0.2"); LoopbackClient other = from("127.0.0.3")) {
            int unauthenticated = 0;
            LoopbackClient.Reply last = null;
            for (int i = 0; i < 40; i++) {
                last = attacker.send("GET", "/v1/users", wrongSecret(key), null);
                if (last.status() == 401) {
                    unauthenticated++;
                } else {
                    break;
                }
            }
            // The burst of failures is allowed, then the address is refused without a lookup or a hash.
            assertThat(unauthenticated).isLessThanOrEqualTo(22);
            assertThat(last.status()).as(last.body()).isEqualTo(429);
            assertThat(last.retryAfter()).isNotBlank();
            assertThat(last.body()).contains("rate-limited");
            // Each refusal is held about a second, in which the allowance refills by about one attempt: the next
            // wrong key is looked at again (401); then the address is refused, even for a valid key ...
            int status = 0;
            for (int i = 0; i < 3 && status != 401; i++) {
                status = attacker.send("GET", "/v1/users", wrongSecret(key), null).status();
            }
            assertThat(status).isEqualTo(401);
            assertThat(attacker.send("GET", "/v1/users", key, null).status()).isEqualTo(429);
            // ... but the key's owner, calling from its own address, is unaffected.
            assertThat(other.send("GET", "/v1/users", key, null).status()).isEqualTo(200);
            // Every check so far used the fast hash: no Argon2id ran.
            assertThat(server.node.authenticator().slowChecksRun()).isEqualTo(slowBefore);
        }
    }

    /**
     * Issue 10 items 1 and 6: a source that keeps retrying after its 429 must not cost the node one answer per
     * retry. Before the refusals were held, one keep-alive connection got thousands of immediate 429s in three
     * seconds on loopback; now each refusal is held about a second, so it gets its burst and a few answers more.
     */
    @Test
    void A_G1_attack_aSourceRetryingAfterItsRefusalsIsAnsweredSlowlyAndTheOwnerIsUnaffected() throws Exception {
        String key = server.createTenant("tarpit");
        try (LoopbackClient attacker = from("127.0.0.6"); LoopbackClient other = from("127.0.0.7")) {
            int answers = 0;
            int refusals = 0;
            LoopbackClient.Reply refusal = null;
            long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < end) {
                LoopbackClient.Reply r = attacker.send("GET", "/v1/users", wrongSecret(key), null);
                answers++;
                if (r.status() == 429) {
                    refusals++;
                    refusal = r;
                } else {
                    assertThat(r.status()).as(r.body()).isEqualTo(401);
                }
            }
            // 20 failures at once, then about one attempt a second is looked at and each refusal is held ~1 s.
            assertThat(answers).as("answers to one flooding connection in 3 s").isLessThan(40);
            assertThat(refusals).isGreaterThan(0);
            // A held refusal is still a complete problem answer.
            assertThat(refusal.retryAfter()).isNotBlank();
            assertThat(refusal.body()).contains("rate-limited").contains("retryAfterSeconds").contains("requestId");
            // The key's owner, calling from its own address, is served at once.
            assertThat(other.send("GET", "/v1/users", key, null).status()).isEqualTo(200);
        }
    }

    @Test
    void A_G1_legacyArgon2KeysWorkOnceThenAreRehashedAndWrongOnesAreThrottledPerKeyId() throws Exception {
        String key = server.createTenant("legacy");
        String key2 = server.post("/v1/admin/tenants/legacy/api-keys", server.adminToken, "{\"label\":\"two\"}")
                .json().get("apiKey").asText();
        Argon2idHasher argon = new Argon2idHasher();
        for (String k : new String[] {key, key2}) {
            ApiKeyToken t = ApiKeyToken.parse(k).orElseThrow();
            setStoredHash(t.keyId(), argon.hash(t.secret())); // as versions before the fast hash stored it
        }
        long before = server.node.authenticator().slowChecksRun();
        assertThat(server.get("/v1/users", key).status()).isEqualTo(200);
        assertThat(storedHash(ApiKeyToken.parse(key).orElseThrow().keyId())).startsWith("sha256:");
        assertThat(server.get("/v1/users", key).status()).isEqualTo(200);
        assertThat(server.node.authenticator().slowChecksRun()).isEqualTo(before + 1);

        // Wrong secrets for the legacy key from many addresses: after the key id's burst, no more Argon2id runs.
        long slowBefore = server.node.authenticator().slowChecksRun();
        int throttled = 0;
        for (int a = 10; a < 30; a++) {
            try (LoopbackClient c = from("127.0.0." + a)) {
                if (c.send("GET", "/v1/users", wrongSecret(key2), null).status() == 429) {
                    throttled++;
                }
            }
        }
        // A burst of 5, plus what refills (10 a minute) while the test runs.
        assertThat(server.node.authenticator().slowChecksRun() - slowBefore).isLessThanOrEqualTo(8);
        assertThat(throttled).isGreaterThanOrEqualTo(12);
    }

    @Test
    void tenantWritesBeyondItsShareAreRefusedWhileOtherTenantsProceed() throws Exception {
        String busy = server.createTenant("busy");
        String calm = server.createTenant("calm");
        // Hold one write of "busy" in flight: its insert waits on our uncommitted row with the same key.
        try (Connection c = server.database.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into users (tenant_id, user_id, display_name, created_at) values ('busy', 'held', '', now())")) {
                ps.executeUpdate();
            }
            CompletableFuture<Response> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.post("/v1/users", busy, "{\"userId\":\"held\"}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!holding() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Response refused = server.post("/v1/users", busy, "{\"userId\":\"second\"}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(server.post("/v1/users", calm, "{\"userId\":\"other\"}").status()).isEqualTo(201);
            assertThat(server.get("/v1/users", busy).status()).isEqualTo(200); // reads are not counted
            c.rollback();
            assertThat(held.get().status()).isEqualTo(201);
        }
        assertThat(server.post("/v1/users", busy, "{\"userId\":\"second\"}").status()).isEqualTo(201);
    }

    private boolean holding() throws Exception {
        try (Connection c = server.database.connect();
                var s = c.createStatement();
                var rs = s.executeQuery("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                        + " and datname = current_database() and query like 'insert into users%'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    @Test
    void revokedKeyIsRefusedAtOnceOnAnotherNode() throws Exception {
        String key = server.createTenant("twonodes");
        Path dirB = Files.createTempDirectory("countersign-node-b");
        try (var files = Files.walk(server.dataDir)) {
            for (Path p : files.toList()) {
                Path target = dirB.resolve(server.dataDir.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(p));
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        ServerConfig cfgB = ServerConfig.defaults().withDataDir(dirB).withPort(0).withDatabase(dbUrl(), server.database.user(), "");
        try (Countersign nodeB = Countersign.start(cfgB, Clock.systemUTC(), new PrintStream(PrintStream.nullOutputStream()))) {
            var httpB = TestServer.client(nodeB.caCertificatePath());
            String urlB = "https://localhost:" + nodeB.port() + "/v1/users";
            var get = java.net.http.HttpRequest.newBuilder(java.net.URI.create(urlB)).header("Authorization", "Bearer " + key).build();
            assertThat(httpB.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            String keyId = key.split("_")[1];
            assertThat(server.delete("/v1/admin/tenants/twonodes/api-keys/" + keyId, server.adminToken).status()).isEqualTo(204);
            assertThat(httpB.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        } finally {
            TestFiles.deleteTree(dirB);
        }
    }

    @Test
    void databasePasswordIsMaskedInTheBanner() throws Exception {
        Path dir = Files.createTempDirectory("countersign-test");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        // The machine's PostgreSQL trusts loopback, so the password is accepted and ignored.
        ServerConfig cfg = ServerConfig.defaults().withDataDir(dir).withPort(0)
                .withDatabase(dbUrl() + "?password=s3cret-in-url&ApplicationName=cs", server.database.user(), "");
        try (Countersign node = Countersign.start(cfg, Clock.systemUTC(), new PrintStream(console, true, StandardCharsets.UTF_8))) {
            String banner = console.toString(StandardCharsets.UTF_8);
            assertThat(banner).contains("password=***").doesNotContain("s3cret-in-url");
        } finally {
            TestFiles.deleteTree(dir);
        }
        assertThat(Countersign.maskSecrets("jdbc:postgresql://cs:hunter2@db.example:5432/cs"))
                .isEqualTo("jdbc:postgresql://cs:***@db.example:5432/cs");
        assertThat(Countersign.maskSecrets("jdbc:postgresql://db/cs?user=cs&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/cs?user=cs&password=***&ssl=true");
    }

    private String dbUrl() {
        return server.database.url();
    }

    private void setStoredHash(String keyId, String hash) throws Exception {
        try (Connection c = server.database.connect();
                PreparedStatement ps = c.prepareStatement("update api_keys set secret_hash = ? where id = ?")) {
            ps.setString(1, hash);
            ps.setString(2, keyId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private String storedHash(String keyId) throws Exception {
        try (Connection c = server.database.connect();
                PreparedStatement ps = c.prepareStatement("select secret_hash from api_keys where id = ?")) {
            ps.setString(1, keyId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
