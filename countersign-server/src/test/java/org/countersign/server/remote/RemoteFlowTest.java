package org.countersign.server.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.countersign.agent.remote.DeviceCredential;
import org.countersign.agent.remote.RemoteChallenge;
import org.countersign.agent.remote.RemoteException;
import org.countersign.agent.remote.RemoteResult;
import org.countersign.agent.remote.RemoteSession;
import org.countersign.biometrics.attack.AttackKit;
import org.countersign.biometrics.liveness.Action;
import org.countersign.biometrics.liveness.CapturedFrame;
import org.countersign.biometrics.liveness.JudgePolicy;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.keys.SealedBlob;
import org.countersign.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The X.1279 §8.2 flows end to end over HTTPS with the server's liveness judge on real frames, and the attacks
 * that must fail. Test names say which real material each capture was built from.
 *
 * <p>The tenant's policy limits the actions so that the real clips can answer: the blink clip performs a blink and
 * nothing else; a two-action test uses stills of one person joined with mirrored stills (a head shake).
 *
 * <p>The server refuses a capture whose motion retraces one of the same user's earlier captures, however
 * re-encoded (X.1279 App. III item 4). So no user's genuine captures here share frames: the blink clip is cut into
 * three stretches, each with its own blinks (frames 1–20, 21–40, 41–58), and a test that needs more genuine
 * captures than a user has stretches uses a user of its own. Every capture is also encoded at a JPEG quality no
 * other capture of the same frames uses, since frame hashes are remembered across users.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteFlowTest {
    TestServer server;
    RemoteFixture fx;
    DeviceCredential sam;
    List<ByteArray> samRegistrationFrames;
    RemoteResult samRegistration;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.onPostgres(c -> c);
        fx = new RemoteFixture(server, "flow");
        fx.policy(RemoteFixture.onlyActions(1, "BLINK"));
        sam = fx.device("sam", "cli");
        samRegistrationFrames = Frames.jpegs(Frames.clip("blink_frontal_male1", 1, 20), 0.85f);
        RemoteSession s = fx.client.login(sam);
        RemoteChallenge c = s.request("REGISTER", "sam", null, null, null, fx.grant("sam", "REGISTER"));
        samRegistration = s.capture(c, Frames.capture(samRegistrationFrames), List.of(Action.BLINK));
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    private RemoteResult authenticate(DeviceCredential d, List<ByteArray> frames) throws Exception {
        RemoteSession s = fx.client.login(d);
        RemoteChallenge c = s.request("AUTHENTICATE", d.userId(), null, null, fx.open(d.userId()), null);
        return s.capture(c, Frames.capture(frames), c.actions());
    }

    /** The attacker fails either way: a refused decision, or an unusable capture (422). */
    private void assertAttackerFails(DeviceCredential d, List<ByteArray> frames, String... expectedReasons)
            throws Exception {
        List<String> reasons;
        try {
            RemoteResult r = authenticate(d, frames);
            assertThat(r.outcome()).isEqualTo("REFUSED");
            reasons = r.reasons();
        } catch (RemoteException e) {
            assertThat(e.status()).isEqualTo(422);
            reasons = e.reasonCodes();
        }
        assertThat(reasons).isNotEmpty();
        if (expectedReasons.length > 0) {
            assertThat(reasons).contains(expectedReasons);
        }
    }

    @Test
    void X1279_8_2_1_registration_blinkClipRealFrames_acceptedAndStoredOnlyProtectedAndSealed() throws Exception {
        assertThat(samRegistration.outcome()).as(samRegistration.toString()).isEqualTo("ACCEPTED");
        assertThat(samRegistration.assurance().path("actionsSeen").toString()).contains("BLINK");
        assertThat(samRegistration.assurance().path("referenceProtection").asText()).contains("biohash");
        // A-S6, D-3: the stored row holds two sealed blobs, nothing else; no table holds a frame.
        try (var c = server.node.store().dataSource().getConnection();
                var rs = c.createStatement().executeQuery("select reference, transform_key, source from"
                        + " remote_references where tenant_id = 'flow' and user_id = 'sam'")) {
            assertThat(rs.next()).isTrue();
            assertThat(SealedBlob.decode(ByteArray.copyOf(rs.getBytes(1))).keyId()).isNotBlank();
            assertThat(SealedBlob.decode(ByteArray.copyOf(rs.getBytes(2))).keyId()).isNotBlank();
            assertThat(rs.getString(3)).isEqualTo("capture");
        }
        try (var c = server.node.store().dataSource().getConnection();
                var rs = c.createStatement().executeQuery("select count(*) from remote_frame_hashes")) {
            rs.next();
            assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(40);
        }
    }

    @Test
    void X1279_8_2_2_authentication_laterFramesOfTheSameBlinkClip_accepted_andTheRpReadsTheSameOutcome()
            throws Exception {
        RemoteSession s = fx.client.login(sam);
        RemoteChallenge c = s.request("AUTHENTICATE", "sam", null, null, fx.open("sam"), null);
        assertThat(c.actions()).containsExactly(Action.BLINK);
        RemoteResult r = s.capture(c, Frames.capture(Frames.jpegs(Frames.clip("blink_frontal_male1", 21, 40), 0.85f)),
                List.of(Action.BLINK));
        assertThat(r.outcome()).as(r.toString()).isEqualTo("ACCEPTED");
        assertThat(r.assurance().path("comparisonScore").asDouble())
                .isGreaterThanOrEqualTo(r.assurance().path("matchThreshold").asDouble());
        // B-S2: the protected comparison runs at the threshold the policy's target FMR gives in that domain.
        assertThat(r.assurance().path("matchThreshold").asDouble())
                .isEqualTo(JudgePolicy.defaults().identity().protectedMatchThreshold());
        assertThat(r.assurance().path("padPerformed").asBoolean()).isTrue();
        var view = server.get("/v1/remote/challenges/" + c.challengeId(), fx.apiKey).json();
        assertThat(view.get("outcome").asText()).isEqualTo("ACCEPTED");
        assertThat(view.get("status").asText()).isEqualTo("answered");
        assertThat(view.get("consumed").asBoolean()).isFalse();
        // The judge's explanation travels with the outcome, check by check.
        assertThat(view.path("assurance").path("explanation").toString()).contains("action.BLINK", "PASSED");
        // X.1279 §8.2.2, A-S5: the RP consumes an outcome once; a second use is refused.
        var consumed = server.post("/v1/remote/challenges/" + c.challengeId() + "/consume", fx.apiKey, "{}");
        assertThat(consumed.status()).isEqualTo(200);
        assertThat(consumed.json().get("consumed").asBoolean()).isTrue();
        var again = server.post("/v1/remote/challenges/" + c.challengeId() + "/consume", fx.apiKey, "{}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).contains("OUTCOME_ALREADY_CONSUMED");
    }

    @Test
    void X1279_7_3_3_sameQualityFloorAtRegistrationAndAuthentication_smallFaceRefusedAtBoth() throws Exception {
        // The blink clip scaled to a third: the face is far below the quality policy's minimum side. Frames 59–78,
        // which no capture of sam's holds, so that the two refusals cannot differ by a replay.
        List<ByteArray> small = Frames.clip("blink_frontal_male1", 59, 78).stream().map(img -> {
            int w = img.getWidth() / 3;
            int h = img.getHeight() / 3;
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            var g = out.createGraphics();
            g.drawImage(img, 0, 0, w, h, null);
            g.dispose();
            return Frames.jpeg(out, 0.9f);
        }).toList();
        DeviceCredential xena = fx.device("xena", "cli");
        RemoteSession rs = fx.client.login(xena);
        RemoteChallenge reg = rs.request("REGISTER", "xena", null, null, null, fx.grant("xena", "REGISTER"));
        List<String> atRegistration = refusalReasons(() -> rs.capture(reg, Frames.capture(small), List.of()));
        RemoteSession as = fx.client.login(sam);
        RemoteChallenge auth = as.request("AUTHENTICATE", "sam", null, null, fx.open("sam"), null);
        List<ByteArray> smallAgain = small.stream().map(b -> Frames.jpeg(Frames.read(b), 0.88f)).toList();
        List<String> atAuthentication = refusalReasons(() -> as.capture(auth, Frames.capture(smallAgain), List.of()));
        assertThat(atRegistration).isNotEmpty();
        assertThat(atAuthentication).isEqualTo(atRegistration);
    }

    interface CaptureCall {
        RemoteResult call() throws Exception;
    }

    /** Reasons of a refusal, whether sealed (REFUSED) or a 422; fails if the capture was accepted. */
    private static List<String> refusalReasons(CaptureCall c) throws Exception {
        try {
            RemoteResult r = c.call();
            assertThat(r.outcome()).as(r.toString()).isNotEqualTo("ACCEPTED");
            return r.reasons();
        } catch (RemoteException e) {
            assertThat(e.status()).isEqualTo(422);
            return e.reasonCodes();
        }
    }

    // ---- X.1279 §8.2.1 pre-condition: reference overwrite ------------------------------------------------------

    @Test
    void X1279_8_2_1_replacementWithoutGrant_byAnotherFace_isRefused_andTheVictimsReferenceStays() throws Exception {
        // The attacker holds ivy's enrolled device and registers their own face over ivy's, without a grant.
        DeviceCredential ivy = fx.device("ivy", "cli");
        RemoteSession s = fx.client.login(ivy);
        RemoteChallenge first = s.request("REGISTER", "ivy", null, null, null, fx.grant("ivy", "REGISTER"));
        assertThat(s.capture(first, Frames.capture(Frames.jpegs(Frames.clip("blink_frontal_male1", 1, 20), 0.63f)),
                List.of()).outcome()).isEqualTo("ACCEPTED");
        RemoteChallenge c = s.request("REGISTER", "ivy", null, null);
        assertThat(c.raw().path("operation").asText()).isEqualTo("REGISTER");
        RemoteResult r = s.capture(c, Frames.capture(Frames.jpegs(Frames.clip("stationary_male4_istock", 1, 40),
                0.80f)), List.of());
        assertThat(r.outcome()).as(r.toString()).isEqualTo("REFUSED");
        assertThat(r.reasons()).containsExactly("REFERENCE_MISMATCH");
        assertThat(r.assurance().path("authorisation").asText()).isEqualTo("match");
        // The attacker's face still does not pass as ivy (other frames of the attacker: not a replay).
        RemoteResult asIvy = authenticate(ivy, Frames.jpegs(Frames.clip("stationary_male4_istock", 41, 80), 0.78f));
        assertThat(asIvy.outcome()).isEqualTo("REFUSED");
    }

    @Test
    void X1279_8_2_1_replacementWithoutGrant_matchingTheCurrentReference_oneActionTenant_needsASecondFactor()
            throws Exception {
        DeviceCredential uma = fx.device("uma", "cli");
        RemoteSession s = fx.client.login(uma);
        RemoteChallenge reg = s.request("REGISTER", "uma", null, null, null, fx.grant("uma", "REGISTER"));
        assertThat(s.capture(reg, Frames.capture(Frames.jpegs(Frames.clip("blink_frontal_male1", 1, 20), 0.72f)),
                List.of()).outcome()).isEqualTo("ACCEPTED");
        // Issue 11: the registration rule's extra action is not cut back. This tenant allows one action, so the
        // action it cannot ask becomes a second-modality requirement; without the RP's grant nothing stands for
        // it, and the matching face alone does not replace the reference.
        RemoteChallenge again = s.request("REGISTER", "uma", null, null);
        assertThat(again.rules()).contains("operation.registration", "policy.actionsExhausted");
        assertThat(again.secondModalityRequired()).isTrue();
        RemoteResult r = s.capture(again, Frames.capture(Frames.jpegs(Frames.clip("blink_frontal_male1", 21, 40),
                0.90f)), List.of());
        assertThat(r.outcome()).as(r.toString()).isEqualTo("SECOND_FACTOR_REQUIRED");
        assertThat(r.assurance().path("authorisation").asText()).isEqualTo("match");
        assertThat(r.assurance().path("comparisonScore").asDouble())
                .isGreaterThanOrEqualTo(r.assurance().path("matchThreshold").asDouble());
        try (var c = server.node.store().dataSource().getConnection();
                var rs = c.createStatement().executeQuery("select action, details::text from audit_events where"
                        + " tenant_id = 'flow' and subject = 'uma' and action like 'remote.reference.%'"
                        + " order by seq")) {
            List<String> actions = new ArrayList<>();
            while (rs.next()) {
                actions.add(rs.getString(1) + " " + rs.getString(2));
            }
            assertThat(actions).hasSize(1);
            assertThat(actions.get(0)).startsWith("remote.reference.write").contains("grant");
        }
    }

    @Test
    void X1279_8_2_1_grantIsSingleUse_andAGrantedRegistrationIsAudited() throws Exception {
        DeviceCredential vic = fx.device("vic", "cli");
        RemoteSession s = fx.client.login(vic);
        String grant = fx.grant("vic", "REGISTER");
        RemoteChallenge reg = s.request("REGISTER", "vic", null, null, null, grant);
        assertThat(s.capture(reg, Frames.capture(Frames.jpegs(Frames.clip("blink_frontal_male1", 1, 20), 0.68f)),
                List.of()).outcome()).isEqualTo("ACCEPTED");
        assertThatThrownBy(() -> s.request("REGISTER", "vic", null, null, null, grant))
                .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.reasonCodes())
                        .containsExactly("GRANT_INVALID"));
    }

    @Test
    void X1279_8_2_3_deregistrationWithoutGrant_isRefused() throws Exception {
        RemoteSession s = fx.client.login(sam);
        assertThatThrownBy(() -> s.request("DEREGISTER", "sam", null, null))
                .isInstanceOfSatisfying(RemoteException.class, e -> {
                    assertThat(e.problemType()).isEqualTo("remote-grant-invalid");
                    assertThat(e.reasonCodes()).containsExactly("GRANT_REQUIRED");
                });
    }

    // ---- X.1279 §8.2.2, A-S5: the RP opens the authentication and its risk data cannot be lowered ---------------

    @Test
    void X1279_8_2_2_authenticationNotOpenedByTheRp_isRefused() throws Exception {
        RemoteSession s = fx.client.login(sam);
        assertThatThrownBy(() -> s.request("AUTHENTICATE", "sam", null, 1L))
                .isInstanceOfSatisfying(RemoteException.class, e -> {
                    assertThat(e.problemType()).isEqualTo("remote-challenge-invalid");
                    assertThat(e.reasonCodes()).containsExactly("NOT_OPENED_BY_RP");
                });
        // An authentication opened for another user cannot be taken by this device; one opened for sam is taken once.
        server.post("/v1/users", fx.apiKey, "{\"userId\":\"wendy\"}");
        String forNina = fx.open("wendy");
        assertThatThrownBy(() -> s.request("AUTHENTICATE", "sam", null, null, forNina, null))
                .isInstanceOf(RemoteException.class);
        String id = fx.open("sam");
        assertThat(server.get("/v1/remote/challenges/" + id, fx.apiKey).json().get("status").asText())
                .isEqualTo("opened");
        assertThat(s.request("AUTHENTICATE", "sam", null, null, id, null).challengeId()).isEqualTo(id);
        assertThatThrownBy(() -> s.request("AUTHENTICATE", "sam", null, null, id, null))
                .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.reasonCodes())
                        .containsExactly("NOT_OPENED_BY_RP"));
    }

    @Test
    void X1279_8_2_2_deviceClaimsCannotLowerTheRpsRisk() throws Exception {
        RemoteSession s = fx.client.login(sam);
        var calm = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().createObjectNode()
                .put("emulator", false).put("rooted", false).put("osName", "android").put("osVersion", "14");
        RemoteChallenge c = s.request("AUTHENTICATE", "sam", calm, 1L,
                fx.open("sam", 20_000L, "{\"rooted\":true}"), null);
        assertThat(c.rules()).contains("device.rooted", "operation.secondModalityValue", "operation.highValue");
        assertThat(c.secondModalityRequired()).isTrue();
        // A device may raise the value, though.
        RemoteChallenge raised = s.request("AUTHENTICATE", "sam", calm, 50_000L, fx.open("sam", 5L, null), null);
        assertThat(raised.rules()).contains("operation.secondModalityValue");
    }

    @Test
    void X1279_8_2_2_A_S5_secondModalityRequired_genuineFaceIsNotAccepted_untilTheRpAddsItsFactor()
            throws Exception {
        RemoteSession s = fx.client.login(sam);
        RemoteChallenge c = s.request("AUTHENTICATE", "sam", null, null,
                fx.open("sam", null, "{\"secondModality\":true}"), null);
        assertThat(c.secondModalityRequired()).isTrue();
        RemoteResult r = s.capture(c, Frames.capture(Frames.jpegs(Frames.clip("blink_frontal_male1", 41, 58), 0.66f)),
                List.of(Action.BLINK));
        assertThat(r.outcome()).as(r.toString()).isEqualTo("SECOND_FACTOR_REQUIRED");
        assertThat(r.reasons()).containsExactly("SECOND_MODALITY_REQUIRED");
        assertThat(r.assurance().path("comparisonScore").asDouble())
                .isGreaterThanOrEqualTo(r.assurance().path("matchThreshold").asDouble());
        assertThat(server.get("/v1/remote/challenges/" + c.challengeId(), fx.apiKey).json().get("outcome").asText())
                .isEqualTo("SECOND_FACTOR_REQUIRED");
    }

    @Test
    void X1279_7_3_3_referencesPerDeviceType_kioskRegistrationKeptApart_andUsedForTheKiosk() throws Exception {
        // Three genuine captures of one user: kim has a user of her own, one blink-clip stretch per capture.
        DeviceCredential kimCli = fx.device("kim", "cli");
        RemoteSession cli = fx.client.login(kimCli);
        RemoteChallenge first = cli.request("REGISTER", "kim", null, null, null, fx.grant("kim", "REGISTER"));
        assertThat(cli.capture(first, Frames.capture(Frames.jpegs(Frames.clip("blink_frontal_male1", 1, 20), 0.64f)),
                List.of()).outcome()).isEqualTo("ACCEPTED");
        DeviceCredential kiosk = fx.device("kim", "kiosk");
        RemoteSession s = fx.client.login(kiosk);
        RemoteChallenge reg = s.request("REGISTER", "kim", null, null, null, fx.grant("kim", "REGISTER"));
        assertThat(s.capture(reg, Frames.capture(Frames.jpegs(Frames.clip("blink_frontal_male1", 21, 40), 0.70f)),
                List.of()).outcome()).isEqualTo("ACCEPTED");
        RemoteChallenge auth = s.request("AUTHENTICATE", "kim", null, null, fx.open("kim"), null);
        RemoteResult r = s.capture(auth, Frames.capture(Frames.jpegs(Frames.clip("blink_frontal_male1", 41, 58),
                0.70f)), List.of());
        assertThat(r.outcome()).as(r.toString()).isEqualTo("ACCEPTED");
        assertThat(r.assurance().path("referenceDeviceType").asText()).isEqualTo("kiosk");
        try (var c = server.node.store().dataSource().getConnection();
                var rs = c.createStatement().executeQuery("select device_type from remote_references where"
                        + " tenant_id = 'flow' and user_id = 'kim' order by device_type")) {
            List<String> types = new ArrayList<>();
            while (rs.next()) {
                types.add(rs.getString(1));
            }
            assertThat(types).containsExactly("cli", "kiosk");
        }
    }

    @Test
    void attack_oneStillFrameRepeated_photoOfTheBlinkSubject_refusedAsStillImage() throws Exception {
        // Quality 0.92: at 0.85 this still (a frame of the blink clip) would match a registered frame byte for byte.
        ByteArray still = Frames.jpeg(Frames.file("liveness/photo-attack/still_blink_subject_eyes_open.png"), 0.92f);
        List<ByteArray> frames = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            frames.add(still);
        }
        assertAttackerFails(sam, frames, "STILL_IMAGE");
    }

    @Test
    void attack_printedPhoto_nuaaImposterFrames_refusedAsPresentationAttack() throws Exception {
        List<BufferedImage> imgs = Frames.files("pad/nuaa/attack/0001", "").stream().limit(12).map(Frames::read)
                .toList();
        assertAttackerFails(sam, Frames.jpegs(imgs, 0.85f), "PRESENTATION_ATTACK");
    }

    @Test
    void attack_cgiFace_multiangleSyntheticHeadStills_refused() throws Exception {
        List<BufferedImage> imgs = Frames.files("faces/human-samples", "cgi-multiangle-").stream().map(Frames::read)
                .toList();
        assertAttackerFails(sam, Frames.jpegs(imgs, 0.85f));
    }

    @Test
    void attack_recordedRegistrationCaptureReplayed_toNewChallenge_refusedAsReplayed_reencodedRefusedByActions()
            throws Exception {
        // Byte-identical replay of the recorded registration capture.
        assertAttackerFails(sam, samRegistrationFrames, "FRAME_REPLAYED");
        // Re-encoded so that no hash matches, against a fresh two-action challenge the recording cannot answer.
        fx.policy(RemoteFixture.onlyActions(2, "BLINK", "OPEN_MOUTH"));
        try {
            assertAttackerFails(sam, Frames.jpegs(Frames.clip("blink_frontal_male1", 1, 20), 0.80f),
                    "ACTION_MISSING");
        } finally {
            fx.policy(RemoteFixture.onlyActions(1, "BLINK"));
        }
    }

    @Test
    void X1279_App3_4_reencodedReplayOfAnAcceptedAuthentication_freshChallengeSameActions_refusedAsMotionReplayed()
            throws Exception {
        // Issue 11: a re-encoded replay of a user's earlier capture must not pass when the fresh challenge happens
        // to draw the same actions. Rhea registers (frames 1-20) and authenticates (frames 21-40); the attacker
        // keeps the authentication's frames and replays them through the attack kit's pipeline: crop, rescale,
        // gamma, another JPEG quality, some frames dropped and some sent twice, so no frame hash matches.
        DeviceCredential rhea = fx.device("rhea", "cli");
        RemoteSession s = fx.client.login(rhea);
        RemoteChallenge reg = s.request("REGISTER", "rhea", null, null, null, fx.grant("rhea", "REGISTER"));
        assertThat(s.capture(reg, Frames.capture(Frames.jpegs(Frames.clip("blink_frontal_male1", 1, 20), 0.61f)),
                List.of()).outcome()).isEqualTo("ACCEPTED");
        List<ByteArray> genuine = Frames.jpegs(Frames.clip("blink_frontal_male1", 21, 40), 0.61f);
        RemoteResult accepted = authenticate(rhea, genuine);
        assertThat(accepted.outcome()).as(accepted.toString()).isEqualTo("ACCEPTED");

        List<ByteArray> replay = AttackKit.reencodedReplay(genuine.stream().map(ByteArray::toByteArray).toList(), 11)
                .stream().map(ByteArray::copyOf).toList();
        assertThat(replay).noneMatch(genuine::contains);
        RemoteSession again = fx.client.login(rhea);
        RemoteChallenge c = again.request("AUTHENTICATE", "rhea", null, null, fx.open("rhea"), null);
        assertThat(c.actions()).containsExactly(Action.BLINK);   // the same actions as the recorded capture
        RemoteResult r = again.capture(c, Frames.capture(replay), c.actions());
        assertThat(r.outcome()).as(r.toString()).isEqualTo("REFUSED");
        assertThat(r.reasons()).contains("MOTION_REPLAYED");
        assertThat(r.assurance().path("explanation").toString()).contains("motionReplay");
    }

    @Test
    void attack_actionsInWrongOrder_stockEmotionsBStillsJoinedWithMirrors_blinkThenShake_refused() throws Exception {
        fx.policy(RemoteFixture.onlyActions(2, "BLINK", "SHAKE"));
        try {
            RemoteSession s = fx.client.login(sam);
            RemoteChallenge c = s.request("AUTHENTICATE", "sam", null, null, fx.open("sam"), null);
            // The recording shows BLINK then SHAKE; ask until the server's random order is the other one.
            for (int i = 0; i < 30 && !c.actions().equals(List.of(Action.SHAKE, Action.BLINK)); i++) {
                c = s.request("AUTHENTICATE", "sam", null, null, fx.open("sam"), null);
            }
            assertThat(c.actions()).containsExactly(Action.SHAKE, Action.BLINK);
            String dir = "faces/human-samples/stock-emotions-b-";
            BufferedImage b1 = Frames.file(dir + "1.jpg");
            BufferedImage b2 = Frames.file(dir + "2.jpg");
            BufferedImage b4 = Frames.file(dir + "4.jpg");
            BufferedImage b7 = Frames.file(dir + "7.jpg");
            BufferedImage b8 = Frames.file(dir + "8.jpg");
            List<BufferedImage> seq = List.of(b8, b2, b8, b1, b2, b4, b2, b7, Frames.mirror(b8), Frames.mirror(b2), b8);
            // Identical stills must stay byte-identical within the capture, as the judge's still check expects.
            List<ByteArray> frames = seq.stream().map(i -> Frames.jpeg(i, 0.9f)).toList();
            RemoteResult r = s.capture(c, Frames.capture(frames), List.of(Action.BLINK, Action.SHAKE));
            assertThat(r.outcome()).isEqualTo("REFUSED");
            assertThat(r.reasons()).contains("ACTIONS_OUT_OF_ORDER");
        } finally {
            fx.policy(RemoteFixture.onlyActions(1, "BLINK"));
        }
    }

    @Test
    void attack_differentPerson_stationaryClipWithASpontaneousBlink_refusedAsReferenceMismatch() throws Exception {
        RemoteResult r = authenticate(sam, Frames.jpegs(Frames.clip("stationary_male4_istock", 1, 40), 0.85f));
        assertThat(r.outcome()).as(r.toString()).isEqualTo("REFUSED");
        assertThat(r.reasons()).containsExactly("REFERENCE_MISMATCH");
        assertThat(r.assurance().path("comparisonScore").asDouble())
                .isLessThan(r.assurance().path("matchThreshold").asDouble());
    }

    @Test
    void X1279_8_2_3_deregistration_livenessAuthenticationFirst_thenReferenceRemoved() throws Exception {
        DeviceCredential tom = fx.device("tom", "cli");
        RemoteSession s = fx.client.login(tom);
        RemoteChallenge reg = s.request("REGISTER", "tom", null, null, null, fx.grant("tom", "REGISTER"));
        assertThat(s.capture(reg, Frames.capture(Frames.jpegs(Frames.clip("blink_frontal_male1", 1, 20), 0.75f)),
                List.of()).outcome()).isEqualTo("ACCEPTED");
        RemoteChallenge dereg = s.request("DEREGISTER", "tom", null, null, null, fx.grant("tom", "DEREGISTER"));
        assertThat(dereg.rules()).contains("operation.deregistration");
        RemoteResult r = s.capture(dereg, Frames.capture(Frames.jpegs(Frames.clip("blink_frontal_male1", 21, 40),
                0.75f)), List.of());
        assertThat(r.outcome()).as(r.toString()).isEqualTo("ACCEPTED");
        assertThatThrownBy(() -> s.request("AUTHENTICATE", "tom", null, null, fx.open("tom"), null))
                .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.problemType())
                        .isEqualTo("remote-not-registered"));
    }

    @Test
    void badInput_truncatedNonImageTooFewTooManyOutOfOrder_zeroAndSeveralFaces_answeredTwice_4xxNothingStored()
            throws Exception {
        DeviceCredential nina = fx.device("nina", "cli");
        RemoteSession s = fx.client.login(nina);
        List<ByteArray> good = Frames.jpegs(Frames.clip("blink_frontal_male1", 59, 70), 0.7f);

        List<ByteArray> truncated = new ArrayList<>(good);
        byte[] t = good.get(3).toByteArray();
        truncated.set(3, ByteArray.copyOf(Arrays.copyOf(t, t.length / 2)));
        assertUnusable(s, Frames.capture(truncated), "IMAGE_UNREADABLE");

        List<ByteArray> text = new ArrayList<>(good);
        text.set(2, ByteArray.ofUtf8("this is not an image at all"));
        assertUnusable(s, Frames.capture(text), "IMAGE_UNREADABLE");

        assertUnusable(s, Frames.capture(good.subList(0, 3)), "TOO_FEW_FRAMES");

        List<ByteArray> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add(good.get(i % good.size()));
        }
        assertUnusable(s, Frames.capture(many), "TOO_MANY_FRAMES");

        List<CapturedFrame> swapped = new ArrayList<>(Frames.capture(good));
        CapturedFrame a = swapped.get(4);
        swapped.set(4, swapped.get(5));
        swapped.set(5, a);
        assertUnusable(s, swapped, "FRAMES_OUT_OF_ORDER");

        // Zero faces: crops of a real photograph of an empty scene.
        BufferedImage bg = Frames.file("faces/human-samples/background.jpg");
        List<ByteArray> empty = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int w = bg.getWidth() / 2;
            int h = bg.getHeight() / 2;
            empty.add(Frames.jpeg(bg.getSubimage(i * (bg.getWidth() - w) / 10, i * (bg.getHeight() - h) / 10, w, h),
                    0.85f));
        }
        assertUnusable(s, Frames.capture(empty), "NO_FACE");

        // Several faces: real group photographs and their mirror images.
        List<ByteArray> groups = new ArrayList<>();
        for (var p : Frames.files("faces/human-samples", "group-")) {
            BufferedImage g = Frames.read(p);
            groups.add(Frames.jpeg(g, 0.5f));
            groups.add(Frames.jpeg(Frames.mirror(g), 0.5f));
        }
        assertUnusable(s, Frames.capture(groups), "SEVERAL_FACES");

        // Nothing partial: none of the refused registrations left a reference behind.
        assertThatThrownBy(() -> s.request("AUTHENTICATE", "nina", null, null, fx.open("nina"), null))
                .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.problemType())
                        .isEqualTo("remote-not-registered"));

        // A challenge is answered once.
        RemoteChallenge c = s.request("REGISTER", "nina", null, null, null, fx.grant("nina", "REGISTER"));
        assertThatThrownBy(() -> s.capture(c, Frames.capture(good.subList(0, 3)), List.of()))
                .isInstanceOf(RemoteException.class);
        assertThatThrownBy(() -> s.capture(c, Frames.capture(good), List.of()))
                .isInstanceOfSatisfying(RemoteException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.reasonCodes()).containsExactly("CHALLENGE_ALREADY_ANSWERED");
                });
    }

    private void assertUnusable(RemoteSession s, List<CapturedFrame> frames, String reason) throws Exception {
        RemoteChallenge c = s.request("REGISTER", "nina", null, null, null, fx.grant("nina", "REGISTER"));
        assertThatThrownBy(() -> s.capture(c, frames, List.of())).isInstanceOfSatisfying(RemoteException.class, e -> {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(422);
            assertThat(e.problemType()).isEqualTo("remote-capture-unusable");
            assertThat(e.reasonCodes()).contains(reason);
        });
    }
}
