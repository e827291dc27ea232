package org.countersign.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.countersign.server.http.Json;
import org.countersign.server.ops.OpsRoutes;
import org.countersign.server.tenant.AdminRoutes;
import org.countersign.server.users.UserRoutes;
import org.junit.jupiter.api.Test;

/**
 * The admin, health and user responses as records (issue 12) carry the members, JSON types and absences the former
 * maps carried; the CLI, the sample bank and operators' probes read them by name.
 */
class AdminOpsUserResponsesShapeTest {
    private final ObjectMapper json = Json.strictMapper();

    private JsonNode tree(Object value) throws Exception {
        return json.readTree(json.writeValueAsString(value));
    }

    @Test
    void auditVerificationKeepsItsMembersAndNumberTypes() throws Exception {
        JsonNode ok = tree(new AdminRoutes.AuditIntact(true, 10, 12, "ab", 8, 4, 2));
        assertThat(ok.fieldNames()).toIterable().containsExactly("intact", "rows", "lastSeq", "headHash",
                "sealedThroughSeq", "unsealedTail", "checkpoints");
        assertThat(ok.get("intact").isBoolean()).isTrue();
        assertThat(ok.get("unsealedTail").isIntegralNumber()).isTrue();
        assertThat(ok.get("headHash").asText()).isEqualTo("ab");
        JsonNode broken = tree(new AdminRoutes.AuditBroken(false, 7, "row 7 edited"));
        assertThat(broken.fieldNames()).toIterable().containsExactly("intact", "firstBadSeq", "reason");
        assertThat(broken.get("intact").asBoolean(true)).isFalse();
    }

    @Test
    void createdTenantAndKeysShowTheTokenOnce() throws Exception {
        var tenant = new AdminRoutes.TenantView("t1", "Bank", List.of("https://bank.example"), "active", "2026-01-01T00:00:00Z");
        JsonNode created = tree(new AdminRoutes.TenantCreated(tenant, "tok", "k1"));
        assertThat(created.fieldNames()).toIterable().containsExactly("tenant", "apiKey", "keyId");
        assertThat(created.get("tenant").get("id").asText()).isEqualTo("t1");
        assertThat(tree(new AdminRoutes.KeyIssued("k2", "tok2")).fieldNames()).toIterable()
                .containsExactly("keyId", "apiKey");
        assertThat(tree(new AdminRoutes.TenantList(List.of(tenant))).get("tenants").size()).isOne();
        assertThat(tree(new AdminRoutes.KeyList(List.of())).get("apiKeys").isArray()).isTrue();
    }

    @Test
    void healthLeavesOutAnUnknownVersion() throws Exception {
        assertThat(json.writeValueAsString(new OpsRoutes.Liveness("up"))).isEqualTo("{\"status\":\"up\"}");
        assertThat(json.writeValueAsString(new OpsRoutes.Readiness("down", null, new OpsRoutes.Checks("down",
                "embedded", "loading")))).isEqualTo("{\"status\":\"down\",\"checks\":{\"database\":\"down\",\"store\":\"embedded\",\"biometrics\":\"loading\"}}");
    }

    @Test
    void pingAndUserListKeepTheirMembers() throws Exception {
        assertThat(json.writeValueAsString(new UserRoutes.Ping("t1", "2026-01-01T00:00:00Z")))
                .isEqualTo("{\"tenant\":\"t1\",\"time\":\"2026-01-01T00:00:00Z\"}");
        assertThat(json.writeValueAsString(new UserRoutes.UserList(List.of()))).isEqualTo("{\"users\":[]}");
    }
}
