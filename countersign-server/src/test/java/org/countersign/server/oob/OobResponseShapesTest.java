package org.countersign.server.oob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.countersign.server.http.Json;
import org.junit.jupiter.api.Test;

/**
 * The out-of-band response records keep the wire shapes the maps they replaced had (docs/oob-api.md): a never-used
 * authenticator says {@code "lastUsedAt": null}; a queued request has a queue position and no code; a shown request
 * has its code and QR payload and no queue position.
 */
class OobResponseShapesTest {
    private final ObjectMapper json = Json.strictMapper();

    @Test
    void aNeverUsedAuthenticatorSaysLastUsedAtNull() throws Exception {
        var view = new OobMessages.AuthenticatorView("auth_1", "phone", "2026-01-01T00:00:00Z", null, "active");
        JsonNode n = json.readTree(json.writeValueAsString(new OobMessages.AuthenticatorList(List.of(view))));
        JsonNode a = n.get("authenticators").get(0);
        assertThat(a.has("lastUsedAt")).isTrue();
        assertThat(a.get("lastUsedAt").isNull()).isTrue();
        assertThat(a.fieldNames()).toIterable()
                .containsExactly("authenticatorId", "deviceName", "createdAt", "lastUsedAt", "status");
    }

    @Test
    void aQueuedRequestHasAPositionAndNoCode() throws Exception {
        var queued = new OobMessages.RequestCreatedView("req_1", "queued", null, 6, "2026-01-01T00:01:00Z", 60,
                RelayMode.PLAIN, null, 1, null);
        JsonNode n = json.readTree(json.writeValueAsString(queued));
        assertThat(n.fieldNames()).toIterable().containsExactly("requestId", "status", "digits", "expiresAt",
                "validitySeconds", "mode", "queuePosition");
    }

    @Test
    void aShownRequestHasItsCodeAndQrPayloadAndNoPosition() throws Exception {
        var shown = new OobMessages.RequestCreatedView("req_1", "pending", "123456", 6, "2026-01-01T00:01:00Z", 60,
                RelayMode.PLAIN, null, null, "countersign-oob:req_1:123456");
        JsonNode n = json.readTree(json.writeValueAsString(shown));
        assertThat(n.get("code").asText()).isEqualTo("123456");
        assertThat(n.get("qrPayload").asText()).isEqualTo("countersign-oob:req_1:123456");
        assertThat(n.has("queuePosition")).isFalse();
        assertThat(n.has("webauthn")).isFalse();
    }
}
