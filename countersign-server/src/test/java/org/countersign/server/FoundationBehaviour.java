package org.countersign.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.countersign.server.TestServer.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The foundation's promises, checked over real HTTPS against a real store. Runs once on the machine's PostgreSQL
 * and once on the embedded store (subclasses).
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FoundationBehaviour {
    TestServer server;
    String bankKey;
    String shopKey;

    abstract TestServer startServer() throws Exception;

    @BeforeAll
    void start() throws Exception {
        server = startServer();
        bankKey = server.createTenant("bank");
        shopKey = server.createTenant("shop");
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static void assertProblem(Response r, int status, String slug) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode body = r.json();
        assertThat(body.get("type").asText()).isEqualTo("https://countersign.dev/problems/" + slug);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("title").asText()).isNotBlank();
        assertThat(body.get("requestId").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void healthAnswersOverHttpsWithTheDatabaseUp() throws Exception {
        Response r = server.get("/health", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("checks").get("database").asText()).isEqualTo("up");
        assertThat(r.header("Strict-Transport-Security")).isNotNull();
        assertThat(r.header("X-Request-Id")).isNotBlank();
    }

    @Test
    void A_G1_tenantCannotReadAnotherTenantsUsers() throws Exception {
        assertThat(server.post("/v1/users", bankKey, "{\"userId\":\"alice\",\"displayName\":\"Alice\"}").status()).isEqualTo(201);
        assertThat(server.get("/v1/users/alice", bankKey).status()).isEqualTo(200);
        assertProblem(server.get("/v1/users/alice", shopKey), 404, "not-found");
        assertThat(server.get("/v1/users", shopKey).json().get("users")).isEmpty();
        assertProblem(server.delete("/v1/users/alice", shopKey), 404, "not-found");
        // the same user id may exist independently in the other tenant
        assertThat(server.post("/v1/users", shopKey, "{\"userId\":\"alice\"}").status()).isEqualTo(201);
        assertThat(server.get("/v1/users/alice", bankKey).json().get("displayName").asText()).isEqualTo("Alice");
    }

    @Test
    void A_G1_everyApiCallNeedsValidCredentials() throws Exception {
        assertProblem(server.get("/v1/users", null), 401, "unauthenticated");
        assertProblem(server.get("/v1/users", "cs_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 401, "unauthenticated");
        assertProblem(server.get("/v1/users", "not-a-key"), 401, "unauthenticated");
        // a real key id with a wrong secret
        String wrong = bankKey.substring(0, bankKey.length() - 4) + (bankKey.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertProblem(server.get("/v1/users", wrong), 401, "unauthenticated");
        assertProblem(server.get("/v1/admin/tenants", bankKey), 403, "forbidden");
        assertProblem(server.get("/v1/users", server.adminToken), 403, "forbidden");
    }

    @Test
    void revokedKeyAndDisabledTenantAreRefused() throws Exception {
        String key = server.createTenant("temp");
        assertThat(server.get("/v1/users", key).status()).isEqualTo(200);
        String keyId = key.split("_")[1];
        assertThat(server.delete("/v1/admin/tenants/temp/api-keys/" + keyId, server.adminToken).status()).isEqualTo(204);
        assertProblem(server.get("/v1/users", key), 401, "unauthenticated");

        Response second = server.post("/v1/admin/tenants/temp/api-keys", server.adminToken, "{\"label\":\"second\"}");
        assertThat(second.status()).isEqualTo(201);
        String key2 = second.json().get("apiKey").asText();
        assertThat(server.get("/v1/users", key2).status()).isEqualTo(200);
        assertThat(server.post("/v1/admin/tenants/temp/disable", server.adminToken, "").status()).isEqualTo(200);
        assertProblem(server.get("/v1/users", key2), 403, "tenant-disabled");
        assertThat(server.post("/v1/admin/tenants/temp/enable", server.adminToken, "").status()).isEqualTo(200);
        assertThat(server.get("/v1/users", key2).status()).isEqualTo(200);
    }

    @Test
    void badInputGetsProblemsAndChangesNothing() throws Exception {
        int before = server.get("/v1/users", bankKey).json().get("users").size();
        assertProblem(server.post("/v1/users", bankKey, "{\"userId\":"), 400, "malformed-json");
        assertProblem(server.post("/v1/users", bankKey, "{\"userId\":\"bob\",\"admin\":true}"), 400, "validation-failed");
        assertProblem(server.post("/v1/users", bankKey, "{\"userId\":\"bad id with spaces\"}"), 400, "validation-failed");
        assertProblem(server.post("/v1/users", bankKey, "[]"), 400, "malformed-json");
        assertProblem(server.send("POST", "/v1/users", bankKey, "text/plain", "{\"userId\":\"bob\"}".getBytes()), 415,
                "unsupported-media-type");
        byte[] huge = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertProblem(server.send("POST", "/v1/users", bankKey, "application/json", huge), 413, "payload-too-large");
        assertProblem(server.get("/v1/no-such-thing", bankKey), 404, "not-found");
        assertThat(server.get("/v1/users", bankKey).json().get("users").size()).isEqualTo(before);
        assertProblem(server.post("/v1/admin/tenants", server.adminToken, "{\"id\":\"x\",\"displayName\":\"X\","
                + "\"allowedOrigins\":[\"javascript:alert(1)\"]}"), 400, "validation-failed");
        assertProblem(server.post("/v1/admin/tenants", server.adminToken, "{\"id\":\"bank\",\"displayName\":\"Again\"}"),
                409, "conflict");
    }

    @Test
    void A_G4_refusalsAndWritesAreAuditedAndTheChainVerifies() throws Exception {
        long before = server.node.auditLog().size();
        server.get("/v1/users", null); // refused: audited
        server.post("/v1/users", bankKey, "{\"userId\":\"carol\"}"); // write: audited
        assertThat(server.node.auditLog().size()).isGreaterThanOrEqualTo(before + 2);
        Response verify = server.get("/v1/admin/audit/verify", server.adminToken);
        assertThat(verify.json().get("intact").asBoolean()).as(verify.body()).isTrue();
    }

    @Test
    void openApiAndMetricsAreServed() throws Exception {
        assertThat(server.get("/openapi.json", null).json().get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(server.get("/metrics", null).status()).isEqualTo(401);
        Response metrics = server.get("/metrics", server.adminToken);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("countersign_http_requests_seconds");
    }
}
