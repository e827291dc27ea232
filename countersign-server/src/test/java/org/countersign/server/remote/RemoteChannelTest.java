package org.countersign.server.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import org.countersign.agent.remote.DeviceCredential;
import org.countersign.agent.remote.RemoteChallenge;
import org.countersign.agent.remote.RemoteException;
import org.countersign.agent.remote.RemoteSession;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.remote.RemoteMessageType;
import org.countersign.core.remote.RemotePayload;
import org.countersign.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The SRP-6a handshake and the sealed channel end to end over HTTPS against a real node (X.1279 §9.4; A-G2, A-G3,
 * A-G7..A-G9). The RFC 5054 Appendix B vectors are checked in countersign-core; here the wire and the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteChannelTest {
    TestServer server;
    RemoteFixture fx;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.onPostgres(c -> c);
        fx = new RemoteFixture(server, "chan");
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    private static RemotePayload registerRequest(String user) {
        return RemotePayload.of("{\"operation\":\"REGISTER\",\"userId\":\"" + user + "\"}");
    }

    @Test
    void X1279_9_4_srpHandshakeOverHttps_opensChannel_requestAnsweredWithSealedChallenge() throws Exception {
        DeviceCredential d = fx.device("alice", "cli");
        RemoteSession s = fx.client.login(d);
        RemoteChallenge c = s.request("REGISTER", "alice", null, null);
        assertThat(c.actions()).isNotEmpty();
        assertThat(c.nonce().length()).isEqualTo(32);
        assertThat(c.rules()).contains("operation.registration", "device.new");
        // The RP sees the challenge from its own side, open until answered.
        var view = server.get("/v1/remote/challenges/" + c.challengeId(), fx.apiKey);
        assertThat(view.status()).isEqualTo(200);
        assertThat(view.json().get("status").asText()).isEqualTo("open");
        assertThat(view.json().get("userId").asText()).isEqualTo("alice");
    }

    @Test
    void A_G7_wrongDeviceSecret_refusedBySrp_andTheOfferCannotBeRetried() throws Exception {
        DeviceCredential d = fx.device("bob", "cli");
        DeviceCredential forged = new DeviceCredential(d.tenant(), d.deviceId(), d.userId(), d.deviceType(),
                SecretBytes.copyOf(new byte[32]));
        assertThatThrownBy(() -> fx.client.login(forged)).isInstanceOfSatisfying(RemoteException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.problemType()).isEqualTo("remote-srp-failed");
            assertThat(e.reasonCodes()).containsExactly("SRP_BAD_CLIENT_PROOF");
        });
        // The right secret still works: a failed proof spends only its own offer.
        assertThat(fx.client.login(d).sessionId()).isNotBlank();
    }

    @Test
    void repeatedWrongSecrets_lockTheDeviceHandshakes_429() throws Exception {
        DeviceCredential d = fx.device("mallory", "cli");
        DeviceCredential forged = new DeviceCredential(d.tenant(), d.deviceId(), d.userId(), d.deviceType(),
                SecretBytes.copyOf(new byte[32]));
        for (int i = 0; i < SecureSessions.MAX_FAILURES; i++) {
            assertThatThrownBy(() -> fx.client.login(forged)).isInstanceOf(RemoteException.class);
        }
        assertThatThrownBy(() -> fx.client.login(d)).isInstanceOfSatisfying(RemoteException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.reasonCodes()).containsExactly("DEVICE_LOCKED");
        });
    }

    @Test
    void enrolmentCode_isOneTime_andUnknownCodesAreRefused() throws Exception {
        String code = fx.enrolmentCode("carol", "cli");
        fx.client.enrol("chan", code);
        assertThatThrownBy(() -> fx.client.enrol("chan", code)).isInstanceOfSatisfying(RemoteException.class,
                e -> assertThat(e.problemType()).isEqualTo("remote-enrolment-invalid"));
        assertThatThrownBy(() -> fx.client.enrol("chan", "not-a-code")).isInstanceOfSatisfying(RemoteException.class,
                e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void A_G8_tamperedSealedMessage_refused_andDoesNotBurnTheSequence() throws Exception {
        DeviceCredential d = fx.device("dave", "cli");
        RemoteSession s = fx.client.login(d);
        byte[] sealed = s.seal(RemoteMessageType.REQUEST, ByteArray.empty(), registerRequest("dave")).toByteArray();
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 20] ^= 0x01;
        HttpResponse<byte[]> r = s.post("request", ByteArray.copyOf(tampered), d.deviceId());
        assertProblem(r, 400, "remote-channel-refused", "CHANNEL_TAMPERED");
        // Header fields are associated data: a changed message type breaks the tag too.
        byte[] retyped = sealed.clone();
        int typeOffset = 1 + 1 + 1 + 16 + 8; // version, direction, id length, id, sequence
        retyped[typeOffset + 1] = (byte) RemoteMessageType.CAPTURE.wire();
        assertThat(s.post("capture", ByteArray.copyOf(retyped), d.deviceId()).statusCode()).isEqualTo(400);
        // The genuine message still goes through.
        assertThat(s.post("request", ByteArray.copyOf(sealed), d.deviceId()).statusCode()).isEqualTo(200);
    }

    @Test
    void A_G3_replayedAndReorderedSealedMessages_refused() throws Exception {
        DeviceCredential d = fx.device("erin", "cli");
        RemoteSession s = fx.client.login(d);
        ByteArray first = s.seal(RemoteMessageType.REQUEST, ByteArray.empty(), registerRequest("erin"));
        ByteArray second = s.seal(RemoteMessageType.REQUEST, ByteArray.empty(), registerRequest("erin"));
        assertThat(s.post("request", second, d.deviceId()).statusCode()).isEqualTo(200);
        // Reordered: the earlier message arrives after the later one.
        assertProblem(s.post("request", first, d.deviceId()), 400, "remote-channel-refused", "CHANNEL_REPLAY");
        // Replayed: the same message again.
        assertProblem(s.post("request", second, d.deviceId()), 400, "remote-channel-refused", "CHANNEL_REPLAY");
    }

    @Test
    void A_G2_A_G9_sessionKeyUsedFromAnotherClientId_refused() throws Exception {
        DeviceCredential victim = fx.device("frank", "cli");
        DeviceCredential other = fx.device("grace", "cli");
        RemoteSession vs = fx.client.login(victim);
        RemoteSession os = fx.client.login(other);
        ByteArray sealed = vs.seal(RemoteMessageType.REQUEST, ByteArray.empty(), registerRequest("frank"));
        // The victim's session (and its key) presented as another client.
        assertProblem(vs.post("request", sealed, other.deviceId()), 403, "remote-client-mismatch", null);
        // The victim's sealed message pushed into the other client's session: keys and session id differ.
        assertProblem(os.post("request", sealed, other.deviceId()), 400, "remote-channel-refused",
                "CHANNEL_WRONG_SESSION");
        // A device may only act for the user it was enrolled for.
        ByteArray forUser = os.seal(RemoteMessageType.REQUEST, ByteArray.empty(), registerRequest("frank"));
        assertProblem(os.post("request", forUser, other.deviceId()), 403, "remote-client-mismatch", null);
    }

    @Test
    void authenticateBeforeRegistration_refusedAsNotRegistered() throws Exception {
        DeviceCredential d = fx.device("heidi", "cli");
        RemoteSession s = fx.client.login(d);
        assertThatThrownBy(() -> s.request("AUTHENTICATE", "heidi", null, null))
                .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.problemType())
                        .isEqualTo("remote-not-registered"));
    }

    @Test
    void unknownSessionAndMalformedBodies_refusedWith4xx() throws Exception {
        DeviceCredential d = fx.device("ivan", "cli");
        RemoteSession s = fx.client.login(d);
        assertThat(fx.client.postBytes("/v1/remote/sessions/AAAAAAAAAAAAAAAAAAAAAA/request", d.deviceId(),
                new byte[] {1, 2, 3}).statusCode()).isEqualTo(401);
        assertProblem(s.post("request", ByteArray.copyOf(new byte[] {1, 2, 3}), d.deviceId()), 400,
                "remote-channel-refused", "CHANNEL_MALFORMED");
        var json = server.post("/v1/remote/sessions", null, "{\"tenant\":\"chan\",\"deviceId\":\"nobody\"}");
        assertThat(json.status()).isEqualTo(401);
    }

    static void assertProblem(HttpResponse<byte[]> r, int status, String type, String reason) throws Exception {
        String body = new String(r.body());
        assertThat(r.statusCode()).as(body).isEqualTo(status);
        assertThat(body).contains("/problems/" + type);
        if (reason != null) {
            assertThat(body).contains(reason);
        }
    }
}
