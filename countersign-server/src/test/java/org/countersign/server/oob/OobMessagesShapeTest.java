package org.countersign.server.oob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.countersign.server.http.Json;
import org.countersign.server.local.LocalMessages.CredentialDescriptor;
import org.countersign.server.local.LocalMessages.WebAuthnRequestOptions;
import org.countersign.server.oob.OobMessages.DecisionRecorded;
import org.countersign.server.oob.OobMessages.PasswordLoginView;
import org.countersign.server.oob.OobMessages.PendingRequests;
import org.countersign.server.oob.OobMessages.RequestCreatedView;
import org.countersign.server.oob.OobMessages.RequestEvent;
import org.countersign.server.oob.OobMessages.RequestResult;
import org.countersign.server.oob.OobMessages.TerminalBound;
import org.countersign.server.oob.RequestRepository.Status;
import org.countersign.server.oob.origin.Network;
import org.countersign.server.oob.origin.RelayCheck;
import org.junit.jupiter.api.Test;

/**
 * The out-of-band responses that were maps write, as records and enums, the members the maps wrote, in the same
 * order (docs/oob-api.md): a member a state does not have is absent, never null, both through the API's mapper and
 * through the plain mapper the event stream and the stored network check use.
 */
class OobMessagesShapeTest {
    private static final String T = "2026-01-01T00:01:00Z";

    private final ObjectMapper api = Json.strictMapper();
    private final ObjectMapper plain = new ObjectMapper();

    private static final Network.View LAPTOP = new Network.View("Germany, Deutsche Telekom AG", Network.Kind.PUBLIC,
            "198.51.100.20", "DE", "Germany", "Deutsche Telekom AG", 3320L);
    private static final Network.View PHONE_AT_HOME = new Network.View("local network", Network.Kind.PRIVATE, null,
            null, null, null, null);

    private JsonNode write(ObjectMapper mapper, Object value) throws Exception {
        return mapper.readTree(mapper.writeValueAsString(value));
    }

    @Test
    void X1280_8_3_aRequestEventWithoutAConnectionCarriesTheOffsetOnly() throws Exception {
        var event = new RequestEvent("req_1", "bank", "Bank", "alice", "b2Zmc2V0", 6, T, null, null, null);
        for (ObjectMapper mapper : List.of(api, plain)) {
            assertThat(write(mapper, event).fieldNames()).toIterable().containsExactly("requestId", "tenantId",
                    "tenantName", "userId", "offset", "digits", "expiresAt");
        }
        assertThat(write(api, new PendingRequests(List.of(event))).fieldNames()).toIterable()
                .containsExactly("requests");
        assertThat(plain.writeValueAsString(new OobMessages.RequestResolved("req_1", "expired")))
                .isEqualTo("{\"requestId\":\"req_1\",\"status\":\"expired\"}");
    }

    @Test
    void X1280_9_1_1_aRequestEventSeenFromAPhoneAddsNetworkModeAndForBoundModeTerminalBound() throws Exception {
        RelayCheck.View check = new RelayCheck.View(LAPTOP, PHONE_AT_HOME, RelayCheck.Verdict.NOT_COMPARABLE, false,
                null);
        var plainMode = new RequestEvent("req_1", "bank", "Bank", "alice", "b2Zmc2V0", 6, T, check, RelayMode.PLAIN,
                null);
        JsonNode p = write(plain, plainMode);
        assertThat(p.fieldNames()).toIterable().containsExactly("requestId", "tenantId", "tenantName", "userId",
                "offset", "digits", "expiresAt", "network", "mode");
        assertThat(p.get("mode").asText()).isEqualTo("plain");
        var bound = new RequestEvent("req_1", "bank", "Bank", "alice", "b2Zmc2V0", 6, T, check,
                RelayMode.WEBAUTHN_BOUND, false);
        JsonNode b = write(plain, bound);
        assertThat(b.get("mode").asText()).isEqualTo("webauthn-bound");
        assertThat(b.get("terminalBound").asBoolean(true)).isFalse();
    }

    @Test
    void X1280_9_1_1_aNetworkCheckWritesPlacesVerdictAndWarningAndReadsBackFromItsStoredForm() throws Exception {
        JsonNode laptop = write(plain, LAPTOP);
        assertThat(laptop.fieldNames()).toIterable().containsExactly("label", "kind", "address", "countryCode",
                "country", "operator", "asn");
        assertThat(laptop.get("kind").asText()).isEqualTo("public");
        assertThat(laptop.get("asn").isIntegralNumber()).isTrue();
        assertThat(write(plain, PHONE_AT_HOME).fieldNames()).toIterable().containsExactly("label", "kind");

        RelayCheck.View quiet = new RelayCheck.View(LAPTOP, PHONE_AT_HOME, RelayCheck.Verdict.NOT_COMPARABLE, false,
                null);
        assertThat(write(plain, quiet).fieldNames()).toIterable()
                .containsExactly("terminal", "authenticator", "verdict", "mismatch");
        RelayCheck.View warned = new RelayCheck.View(LAPTOP, LAPTOP, RelayCheck.Verdict.DIFFERENT_COUNTRY, true,
                "someone may be relaying your sign-in");
        JsonNode w = write(plain, warned);
        assertThat(w.fieldNames()).toIterable()
                .containsExactly("terminal", "authenticator", "verdict", "mismatch", "warning");
        assertThat(w.get("verdict").asText()).isEqualTo("different-country");

        // The verifier stores the check with the decision (RelayGuard.checkJson) and reads it back for the result.
        String stored = OutOfBandService.Json.write(warned);
        assertThat(plain.readValue(stored, RelayCheck.View.class)).isEqualTo(warned);
    }

    @Test
    void X1280_8_5_theResultCarriesTheMembersOfItsState() throws Exception {
        var queued = new RequestResult("req_1", "alice", Status.QUEUED, 1, null, null, null, null, null, null,
                RelayMode.PLAIN, null, null, null);
        assertThat(write(api, queued).fieldNames()).toIterable()
                .containsExactly("requestId", "userId", "status", "queuePosition", "mode");
        var pending = new RequestResult("req_1", "alice", Status.PENDING, null, "123456", 6, T, null, null, null,
                RelayMode.WEBAUTHN_BOUND, false, null, null);
        JsonNode p = write(api, pending);
        assertThat(p.fieldNames()).toIterable().containsExactly("requestId", "userId", "status", "code", "digits",
                "expiresAt", "mode", "terminalBound");
        assertThat(p.get("status").asText()).isEqualTo("pending");
        RelayCheck.View check = new RelayCheck.View(LAPTOP, LAPTOP, RelayCheck.Verdict.SAME_NETWORK, false, null);
        var approved = new RequestResult("req_1", "alice", Status.APPROVED, null, null, null, null, T, "auth_1",
                "phone", RelayMode.PLAIN, null, check, "new-password");
        JsonNode a = write(api, approved);
        assertThat(a.fieldNames()).toIterable().containsExactly("requestId", "userId", "status", "decidedAt",
                "authenticatorId", "deviceName", "mode", "network", "replacementPassword");
        assertThat(a.get("status").asText()).isEqualTo("approved");
        var codesDiffer = new RequestResult("req_1", "alice", Status.CODES_DIFFER, null, null, null, null, T,
                "auth_1", "phone", null, null, null, null);
        assertThat(write(api, codesDiffer).get("status").asText()).isEqualTo("codes_differ");
    }

    @Test
    void theSmallAnswersKeepTheirSingleMembers() throws Exception {
        assertThat(api.writeValueAsString(new DecisionRecorded(Status.CODES_DIFFER)))
                .isEqualTo("{\"status\":\"codes_differ\"}");
        assertThat(api.writeValueAsString(new PasswordLoginView(true))).isEqualTo("{\"disabled\":true}");
        assertThat(api.writeValueAsString(new TerminalBound("req_1", true, "cred_1")))
                .isEqualTo("{\"requestId\":\"req_1\",\"terminalBound\":true,\"credentialId\":\"cred_1\"}");
    }

    @Test
    void X1280_9_1_1_aBoundRequestCarriesTheAssertionOptionsOverTheOffsetHash() throws Exception {
        var options = new WebAuthnRequestOptions("aGFzaA", "bank.example", 60000, "required",
                List.of(new CredentialDescriptor("public-key", "Y3JlZA")), null);
        var created = new RequestCreatedView("req_1", "pending", "123456", 6, T, 60, RelayMode.WEBAUTHN_BOUND, options,
                null, "countersign-oob:req_1:123456");
        JsonNode n = write(api, created);
        assertThat(n.fieldNames()).toIterable().containsExactly("requestId", "status", "code", "digits", "expiresAt",
                "validitySeconds", "mode", "webauthn", "qrPayload");
        assertThat(n.get("webauthn").fieldNames()).toIterable()
                .containsExactly("challenge", "rpId", "timeout", "userVerification", "allowCredentials");
        assertThat(n.get("webauthn").get("allowCredentials").get(0).fieldNames()).toIterable()
                .containsExactly("type", "id");
        // The local module hands the options over as a map of the same members; they read back into the record.
        Object asMap = api.convertValue(options, Object.class);
        assertThat(plain.convertValue(asMap, WebAuthnRequestOptions.class)).isEqualTo(options);
    }
}
