package org.countersign.server.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.countersign.core.replay.FreshnessPolicy;
import org.countersign.core.srp.SrpClientSession;
import org.countersign.core.srp.SrpParameters;
import org.countersign.server.store.Jdbc;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The SRP-6a handshake and the sealed channel end to end over HTTPS against a real node (X.1279 §9.4; A-G2, A-G3,
 * A-G7..A-G9). The RFC 5054 Appendix B vectors are checked in countersign-core; here the wire and the store.
 */
@Tag("integration")
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

    private RemotePayload registerRequest(String user) throws Exception {
        return RemotePayload.of("{\"operation\":\"REGISTER\",\"userId\":\"" + user + "\",\"grant\":\""
                + fx.grant(user, "REGISTER") + "\"}");
    }

    @Test
    void X1279_9_4_srpHandshakeOverHttps_opensChannel_requestAnsweredWithSealedChallenge() throws Exception {
        DeviceCredential d = fx.device("alice", "cli");
        RemoteSession s = fx.client.login(d);
        RemoteChallenge c = s.request("REGISTER", "alice", null, null, null, fx.grant("alice", "REGISTER"));
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
        assertThatThrownBy(() -> s.request("AUTHENTICATE", "heidi", null, null, fx.open("heidi"), null))
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

    // ---- X.1279 §8.2.1 pre-condition: no reference write without the RP's grant ------------------------------

    @Test
    void X1279_8_2_1_firstRegistrationWithoutGrant_isRefused() throws Exception {
        DeviceCredential d = fx.device("judy", "cli");
        RemoteSession s = fx.client.login(d);
        assertThatThrownBy(() -> s.request("REGISTER", "judy", null, null))
                .isInstanceOfSatisfying(RemoteException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.problemType()).isEqualTo("remote-grant-invalid");
                    assertThat(e.reasonCodes()).containsExactly("GRANT_REQUIRED");
                });
        // A grant for another user, or for the other operation, is no grant for this one.
        server.post("/v1/users", fx.apiKey, "{\"userId\":\"karl\"}");
        fx.consent("karl");
        String forKarl = fx.grant("karl", "REGISTER");
        String deregistration = fx.grant("judy", "DEREGISTER");
        for (String g : List.of(forKarl, deregistration, "not-a-grant")) {
            assertThatThrownBy(() -> s.request("REGISTER", "judy", null, null, null, g))
                    .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.reasonCodes())
                            .containsExactly("GRANT_INVALID"));
        }
        assertThat(s.request("REGISTER", "judy", null, null, null, fx.grant("judy", "REGISTER")).rules())
                .contains("operation.registration");
    }

    @Test
    void X1279_8_2_1_capturePageOpFromUrl_grantsAreIssuedOnlyByTheRpApiKey() throws Exception {
        assertThat(server.post("/v1/remote/grants", null, "{\"userId\":\"judy\",\"operation\":\"REGISTER\"}")
                .status()).isEqualTo(401);
        assertThat(server.post("/v1/remote/grants", fx.apiKey,
                "{\"userId\":\"judy\",\"operation\":\"AUTHENTICATE\"}").status()).isEqualTo(400);
    }

    @Test
    void X1279_App3_zeroActionPolicy_isRefusedWithAValidationProblem() throws Exception {
        String zero = RemoteFixture.onlyActions(1, "BLINK").replace("\"baseActions\":1,\"minActions\":1",
                "\"baseActions\":0,\"minActions\":0");
        var r = server.send("PUT", "/v1/remote/policy", fx.apiKey, "application/json", zero.getBytes());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("validation-failed", "minActions");
        assertThat(server.get("/v1/remote/policy", fx.apiKey).json().get("minActions").asInt())
                .isGreaterThanOrEqualTo(RiskPolicyEngine.ACTION_FLOOR);
    }

    // ---- B-P1 in remote mode: the same notice, consent and data-subject rights as local mode ---------------------

    @Test
    void X1279_B_P1_remoteConsentGate_noBiometricRequestBeforeConsent_withdrawalErases() throws Exception {
        var notice = server.get("/v1/remote/privacy-notice", null);
        assertThat(notice.status()).isEqualTo(200);
        assertThat(notice.json().get("version").asText()).isEqualTo(RemotePrivacy.NOTICE.version());
        assertThat(notice.json().get("sections").size()).isGreaterThanOrEqualTo(5);
        // A device enrolled, but the user never consented (or withdrew): no registration.
        DeviceCredential d = fx.device("liam", "cli");
        var withdrawn = server.delete("/v1/remote/users/liam/consent", fx.apiKey);
        assertThat(withdrawn.status()).isEqualTo(200);
        // Withdrawal erased the device too: its handshake is refused.
        assertThatThrownBy(() -> fx.client.login(d)).isInstanceOfSatisfying(RemoteException.class,
                e -> assertThat(e.problemType()).isEqualTo("remote-session-invalid"));
        DeviceCredential again = fx.client.enrol("chan", enrolmentWithoutConsent("liam"));
        RemoteSession s = fx.client.login(again);
        assertThatThrownBy(() -> s.request("REGISTER", "liam", null, null, null, fx.grant("liam", "REGISTER")))
                .isInstanceOfSatisfying(RemoteException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.problemType()).isEqualTo("remote-consent-required");
                });
        fx.consent("liam");
        assertThat(s.request("REGISTER", "liam", null, null, null, fx.grant("liam", "REGISTER")).actions())
                .isNotEmpty();
        var data = server.get("/v1/remote/users/liam/data", fx.apiKey);
        assertThat(data.status()).isEqualTo(200);
        assertThat(data.json().get("consented").asBoolean()).isTrue();
        assertThat(data.json().get("devices").size()).isEqualTo(1);
        assertThat(server.delete("/v1/remote/users/liam/data", fx.apiKey).status()).isEqualTo(200);
        assertThat(server.get("/v1/remote/users/liam/data", fx.apiKey).json().get("devices").size()).isZero();
        assertThat(server.post("/v1/remote/users/liam/consent", fx.apiKey, "{\"noticeVersion\":\"old\"}").status())
                .isEqualTo(400);
    }

    private String enrolmentWithoutConsent(String user) throws Exception {
        var r = server.post("/v1/remote/enrolments", fx.apiKey, "{\"userId\":\"" + user + "\",\"deviceType\":\"cli\"}");
        assertThat(r.status()).isEqualTo(201);
        return r.json().get("enrolmentCode").asText();
    }

    // ---- X.1279 §9.4 / docs/srp.md: one proof per offer, atomically across nodes -----------------------------

    @Test
    void X1279_9_4_oneOfferAnswersOneProof_concurrentBogusProofs_onlyOneIsChecked() throws Exception {
        DeviceCredential d = fx.device("oscar", "cli");
        var offer = server.post("/v1/remote/sessions", null, "{\"tenant\":\"chan\",\"deviceId\":\""
                + d.deviceId() + "\"}").json();
        String sid = offer.get("sessionId").asText();
        int n = 12;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> answers = new ArrayList<>();
        SecureRandom rnd = new SecureRandom();
        try {
            for (int i = 0; i < n; i++) {
                byte[] a = new byte[256];
                rnd.nextBytes(a);
                a[0] = 0x01;
                byte[] m1 = new byte[32];
                rnd.nextBytes(m1);
                String body = "{\"clientPublicA\":\"" + ByteArray.copyOf(a).toBase64Url() + "\",\"clientProofM1\":\""
                        + ByteArray.copyOf(m1).toBase64Url() + "\"}";
                HttpRequest req = HttpRequest.newBuilder(URI.create(server.url("/v1/remote/sessions/" + sid + "/proof")))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
                answers.add(pool.submit(() -> {
                    go.await();
                    return server.http.send(req, HttpResponse.BodyHandlers.ofString()).body();
                }));
            }
            go.countDown();
            int checked = 0;
            for (Future<String> f : answers) {
                String body = f.get();
                if (body.contains("remote-srp-failed")) {
                    checked++;
                } else {
                    assertThat(body).contains("remote-session-invalid");
                }
            }
            // Each checked proof is one guess of the secret against this B: exactly one may be checked.
            assertThat(checked).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- issue: bogus proofs lock per (device, source), with backoff; the RP sees and clears ------------------

    @Test
    void X1279_9_4_bogusProofsFromOneSource_doNotLockTheDeviceForOtherSources_rpSeesAndClears() throws Exception {
        DeviceCredential d = fx.device("peggy", "cli");
        SecureSessions nodeSessions = new SecureSessions(new RemoteStore(new Jdbc(server.node.store().dataSource())),
                server.node.keyService(), new SecureRandom(), Clock.systemUTC(), FreshnessPolicy.DEFAULT);
        String attacker = "198.51.100.0/24";
        String owner = "203.0.113.0/24";
        SecureRandom rnd = new SecureRandom();
        for (int i = 0; i < SecureSessions.MAX_FAILURES; i++) {
            SecureSessions.Offer o = nodeSessions.begin("chan", d.deviceId(), attacker);
            byte[] m1 = new byte[32];
            rnd.nextBytes(m1);
            SrpClientSession bogus = SrpClientSession.start(SrpParameters.DEFAULT, d.deviceId(),
                    SecretBytes.copyOf(new byte[32]), o.salt(), rnd);
            ByteArray proof = bogus.computeProof(o.serverPublicB());
            assertThatThrownBy(() -> nodeSessions.verify(o.sessionId(), bogus.clientPublicA(), proof))
                    .isInstanceOfSatisfying(org.countersign.server.remote.RemoteException.class,
                            e -> assertThat(e.kind()).isEqualTo(org.countersign.server.remote.RemoteException.Kind.SRP_FAILED));
        }
        // The attacker's source is locked ...
        assertThatThrownBy(() -> nodeSessions.begin("chan", d.deviceId(), attacker))
                .isInstanceOfSatisfying(org.countersign.server.remote.RemoteException.class,
                        e -> assertThat(e.kind()).isEqualTo(org.countersign.server.remote.RemoteException.Kind.DEVICE_LOCKED));
        // ... the owner's is not: the genuine device opens its channel from its own network.
        SecureSessions.Offer o = nodeSessions.begin("chan", d.deviceId(), owner);
        SrpClientSession srp = SrpClientSession.start(SrpParameters.DEFAULT, d.deviceId(), d.secret(), o.salt(), rnd);
        ByteArray m1 = srp.computeProof(o.serverPublicB());
        assertThat(nodeSessions.verify(o.sessionId(), srp.clientPublicA(), m1).serverProofM2().length()).isPositive();
        // The RP sees the lock and clears it.
        var locks = server.get("/v1/remote/devices/" + d.deviceId() + "/srp-lockouts", fx.apiKey);
        assertThat(locks.status()).isEqualTo(200);
        assertThat(locks.json().get("lockouts").size()).isEqualTo(1);
        assertThat(locks.json().get("lockouts").get(0).get("source").asText()).isEqualTo(attacker);
        assertThat(locks.json().get("lockouts").get(0).get("lockedUntil").isNull()).isFalse();
        assertThat(server.delete("/v1/remote/devices/" + d.deviceId() + "/srp-lockouts", fx.apiKey).status())
                .isEqualTo(200);
        assertThat(nodeSessions.begin("chan", d.deviceId(), attacker).sessionId()).isNotBlank();
        // Another tenant's key cannot see this device.
        assertThat(server.get("/v1/remote/devices/" + d.deviceId() + "/srp-lockouts",
                server.createTenant("other")).status()).isEqualTo(404);
    }

    @Test
    void backoffDoublesAfterTheFifthFailure_andIsCapped() {
        assertThat(SecureSessions.lockFor(5)).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(SecureSessions.lockFor(6)).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(SecureSessions.lockFor(40)).isEqualTo(java.time.Duration.ofMinutes(15));
    }

    // ---- hostile input on the public routes: 400 problems, never 500 ------------------------------------------

    @Test
    void hostileInput_publicRemoteRoutes_missingFieldsBadBase64_are400Problems_never500() throws Exception {
        DeviceCredential d = fx.device("quinn", "cli");
        String sid = server.post("/v1/remote/sessions", null, "{\"tenant\":\"chan\",\"deviceId\":\""
                + d.deviceId() + "\"}").json().get("sessionId").asText();
        String[][] cases = {
            {"/v1/remote/devices", "{}"},
            {"/v1/remote/devices", "{\"tenant\":\"chan\"}"},
            {"/v1/remote/devices", "{\"tenant\":\"chan\",\"enrolmentCode\":\"x\",\"deviceId\":\"d1\","
                    + "\"srpGroup\":\"RFC5054_2048\",\"srpHash\":\"SHA256\",\"salt\":\"A\",\"verifier\":\"AAAA\"}"},
            {"/v1/remote/devices", "{\"tenant\":\"chan\",\"enrolmentCode\":\"x\",\"deviceId\":\"d1\","
                    + "\"srpGroup\":\"NOPE\",\"srpHash\":\"SHA256\",\"salt\":\"AAAA\",\"verifier\":\"AAAA\"}"},
            {"/v1/remote/devices", "{\"tenant\":\"chan\",\"enrolmentCode\":\"x\",\"deviceId\":\"d1\"}"},
            {"/v1/remote/sessions", "{}"},
            {"/v1/remote/sessions", "{\"tenant\":\"chan\"}"},
            {"/v1/remote/sessions", "{\"deviceId\":\"x\"}"},
            {"/v1/remote/sessions/" + sid + "/proof", "{}"},
            {"/v1/remote/sessions/" + sid + "/proof", "{\"clientPublicA\":\"A\",\"clientProofM1\":\"AAAA\"}"},
            {"/v1/remote/sessions/" + sid + "/proof", "{\"clientPublicA\":\"AAAAA\",\"clientProofM1\":\"A\"}"},
            {"/v1/remote/sessions/" + sid + "/proof", "{\"clientPublicA\":\"AAAA\"}"},
            {"/v1/remote/sessions/short/proof", "{\"clientPublicA\":\"AAAA\",\"clientProofM1\":\"AAAA\"}"},
        };
        for (String[] c : cases) {
            var r = server.post(c[0], null, c[1]);
            assertThat(r.status()).as(c[0] + " " + c[1] + " -> " + r.body()).isBetween(400, 499);
            assertThat(r.contentType()).contains("application/problem+json");
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        String[][] rp = {
            {"/v1/remote/enrolments", "{}"},
            {"/v1/remote/enrolments", "{\"userId\":\"quinn\"}"},
            {"/v1/remote/enrolments", "{\"deviceType\":\"cli\"}"},
            {"/v1/remote/grants", "{}"},
            {"/v1/remote/grants", "{\"userId\":\"quinn\",\"operation\":\"DANCE\"}"},
            {"/v1/remote/authentications", "{}"},
            {"/v1/remote/authentications", "{\"userId\":\"quinn\",\"risk\":{\"extraActions\":9}}"},
            {"/v1/remote/authentications", "{\"userId\":\"quinn\",\"transactionValue\":-5}"},
        };
        for (String[] c : rp) {
            var r = server.post(c[0], fx.apiKey, c[1]);
            assertThat(r.status()).as(c[0] + " " + c[1] + " -> " + r.body()).isBetween(400, 499);
            assertThat(r.body()).doesNotContain("Exception");
        }
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
