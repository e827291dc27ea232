package org.countersign.biometrics.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.liveness.Explanation.Outcome;
import org.countersign.biometrics.liveness.LivenessJudgement.Live;
import org.countersign.biometrics.liveness.LivenessJudgement.Refused;
import org.countersign.core.bytes.ByteArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The server's liveness judgement on real material (A-S2, A-S3, A-S4, D-1; X.1279 App. III). No clip shows one
 * person doing every action on request, so multi-action captures are stitched from real clips and stills of one
 * person; each test name says what it was built from.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LivenessJudgeRealDataTest {
    private static final Instant ISSUED = Instant.parse("2025-03-01T10:00:00Z");
    private static final long STEP = 100; // the clips are 10 fps

    private FaceAnalyzer analyzer;
    private final SecureRandom random = new SecureRandom();

    @BeforeAll
    void open() throws Exception {
        analyzer = FaceAnalyzer.open();
    }

    @AfterAll
    void close() {
        analyzer.close();
    }

    private LivenessJudge judge(FrameHashStore store) {
        return new LivenessJudge(analyzer, store,
                Clock.fixed(ISSUED.plusSeconds(12), ZoneOffset.UTC));
    }

    private LivenessJudge judge() {
        return judge(new InMemoryFrameHashStore(Duration.ofHours(1)));
    }

    private LivenessChallenge challenge(Action... actions) {
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        return new LivenessChallenge(List.of(actions), Duration.ofSeconds(10), ByteArray.copyOf(nonce), ISSUED);
    }

    private static LivenessJudgement print(String label, LivenessJudgement j) {
        System.out.println("== " + label + ": " + (j instanceof Refused r ? "REFUSED " + r.reasons() : "LIVE"));
        System.out.print(j.explanation().describe());
        return j;
    }

    /**
     * Single-action clips at a floor of one action: live, and every asked action was matched. (Should the floor
     * rise above one, the only refusal allowed here is the floor itself.)
     */
    static void assertPassesApartFromFloor(LivenessJudgement j) {
        if (j instanceof Refused r) {
            assertThat(LivenessChallenge.MINIMUM_ACTIONS).as("refused: %s", r.reasons()).isGreaterThan(1);
            assertThat(r.reasons()).containsExactly(LivenessReason.TOO_FEW_ACTIONS);
        }
        assertThat(matched(j)).containsExactlyElementsOf(j.explanation().asked());
    }

    /** Refusal reasons other than the floor of actions (empty when live). */
    static List<LivenessReason> reasons(LivenessJudgement j) {
        return j instanceof Refused r ? r.reasons().stream().filter(x -> x != LivenessReason.TOO_FEW_ACTIONS).toList()
                : List.of();
    }

    static List<Action> matched(LivenessJudgement j) {
        return j.explanation().seen().stream().filter(Explanation.ActionSeen::matched)
                .map(Explanation.ActionSeen::action).toList();
    }

    private static Outcome outcome(LivenessJudgement j, String check) {
        return j.explanation().check(check).orElseThrow(() -> new AssertionError("no check " + check)).outcome();
    }

    @Test
    void blinkClip_realBlinkDetected() throws Exception {
        List<CapturedFrame> frames = LivenessFrames.capture(LivenessFrames.clip("blink_frontal_male1", 1, 40), STEP);
        LivenessJudgement j = print("blink clip, BLINK", judge().judge(challenge(Action.BLINK), frames,
                Optional.empty(), JudgePolicy.defaults()));
        assertPassesApartFromFloor(j);
        assertThat(matched(j))
                .containsExactly(Action.BLINK);
        assertThat(outcome(j, "depth")).isEqualTo(Outcome.NOT_APPLICABLE);
    }

    @Test
    void blinkClip_judgementCarriesEveryFramesSignalsAndTheProbes_soTheServerNeedNotRunTheModelAgain()
            throws Exception {
        // Issue 12/14: the server used to decode and analyse frames again after the judge. The judgement must carry
        // what it needs, typed: every frame's cheap-path signals and the quality-passing embeddings.
        List<CapturedFrame> frames = LivenessFrames.capture(LivenessFrames.clip("blink_frontal_male1", 1, 40), STEP);
        LivenessJudgement j = judge().judge(challenge(Action.BLINK), frames, Optional.empty(), JudgePolicy.defaults());
        assertThat(j.observed()).hasSize(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            assertThat(j.observed().get(i).sequence()).isEqualTo(frames.get(i).sequence());
        }
        assertThat(j.observed()).allSatisfy(o -> assertThat(o.signals()).isPresent());
        assertThat(j.probes()).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        // A probe's template is the one the analyzer gives that frame with the costly path.
        LivenessJudgement.SampledFrame p = j.probes().get(0);
        var again = analyzer.analyse(analyzer.decode(frames.get(p.sequence()).encoded()),
                new org.countersign.biometrics.face.SignalOptions(true, false));
        assertThat(analyzer.compare(again.template().orElseThrow(), p.template())).isGreaterThan(0.999);
        assertThat(j.medianAttackScore()).isPresent();
        assertThat(j.medianAttackScore().getAsDouble()).isEqualTo(j.explanation()
                .check(Explanation.Kind.PRESENTATION_ATTACK).orElseThrow().measured().get("medianAttackScore"));
    }

    @Test
    void nodClip_realNodPassesNodChallenge() throws Exception {
        List<CapturedFrame> frames = LivenessFrames.capture(LivenessFrames.clip("nod_male2_istock", 1, 80), STEP);
        LivenessJudgement j = print("nod clip, NOD", judge().judge(challenge(Action.NOD), frames, Optional.empty(),
                JudgePolicy.defaults()));
        assertPassesApartFromFloor(j);
        assertThat(outcome(j, "depth")).isEqualTo(Outcome.PASSED);
    }

    @Test
    void stationaryClip_failsHeadAndMouthActions_spontaneousBlinkIsAKnownLimit() throws Exception {
        List<CapturedFrame> frames = LivenessFrames.capture(
                LivenessFrames.clip("stationary_male4_istock", 1, 80), STEP);
        LivenessJudgement j = print("stationary clip, all four", judge().judge(
                challenge(Action.NOD, Action.SHAKE, Action.OPEN_MOUTH, Action.BLINK), frames, Optional.empty(),
                JudgePolicy.defaults()));
        assertThat(j).isInstanceOf(Refused.class);
        assertThat(reasons(j)).contains(LivenessReason.ACTION_MISSING);
        assertThat(outcome(j, "action.NOD")).isEqualTo(Outcome.FAILED);
        assertThat(outcome(j, "action.SHAKE")).isEqualTo(Outcome.FAILED);
        assertThat(outcome(j, "action.OPEN_MOUTH")).isEqualTo(Outcome.FAILED);
        // The subject blinks on his own at 0.6-0.7 s; a spontaneous blink cannot be told from a requested one.
        assertThat(outcome(j, "action.BLINK")).isEqualTo(Outcome.PASSED);
    }

    @Test
    void photoAttackStill_repeated_refusedAsStillImage() throws Exception {
        ByteArray still = LivenessFrames.file("liveness/photo-attack/still_blink_subject_eyes_open.png");
        List<ByteArray> same = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            same.add(still);
        }
        LivenessJudgement j = print("photo still x20, NOD", judge().judge(challenge(Action.NOD),
                LivenessFrames.capture(same, STEP), Optional.empty(), JudgePolicy.defaults()));
        assertThat(j).isInstanceOf(Refused.class);
        assertThat(reasons(j)).contains(LivenessReason.STILL_IMAGE, LivenessReason.ACTION_MISSING);
    }

    @Test
    void planarWarpOfOneStill_tiltedAndRotatedPhoto_refusedAsNo3dMotion() throws Exception {
        BufferedImage photo = LivenessFrames.decode(
                LivenessFrames.file("liveness/photo-attack/still_blink_subject_eyes_open.png"));
        List<ByteArray> frames = new ArrayList<>();
        double[] turns = {0, 0, 0, 10, 20, 30, 40, 30, 20, 10, 0, -10, -20, -30, -40, -30, -20, -10, 0, 0};
        for (int i = 0; i < turns.length; i++) {
            frames.add(LivenessFrames.encode(
                    LivenessFrames.tiltedPhoto(photo, turns[i], 4 * Math.sin(i / 3.0), 1.2), "png"));
        }
        LivenessJudgement j = print("tilted photo, SHAKE", judge().judge(challenge(Action.SHAKE),
                LivenessFrames.capture(frames, STEP), Optional.empty(), JudgePolicy.defaults()));
        assertThat(j).isInstanceOf(Refused.class);
        assertThat(reasons(j)).contains(LivenessReason.NO_3D_MOTION);
    }

    @Test
    void nuaaPrintAttackFrames_refusedAsPresentationAttack() throws Exception {
        List<ByteArray> frames = LivenessFrames.files("pad/nuaa/attack/0001").stream().limit(12)
                .map(LivenessFrames::bytes).toList();
        LivenessJudgement j = print("NUAA print attack, no action", judge().judge(challenge(),
                LivenessFrames.capture(frames, STEP), Optional.empty(), JudgePolicy.defaults()));
        assertThat(j).isInstanceOf(Refused.class);
        assertThat(reasons(j)).contains(LivenessReason.PRESENTATION_ATTACK);
    }

    @Test
    void cgiMultiangleSyntheticHead_refused() throws Exception {
        List<ByteArray> frames = LivenessFrames.files("faces/human-samples").stream()
                .filter(p -> p.getFileName().toString().startsWith("cgi-multiangle-"))
                .map(LivenessFrames::bytes).toList();
        LivenessJudgement j = print("CGI multi-angle, SHAKE", judge().judge(challenge(Action.SHAKE),
                LivenessFrames.capture(frames, STEP), Optional.empty(), JudgePolicy.defaults()));
        assertThat(j).isInstanceOf(Refused.class);
    }

    @Test
    void stitchedTwoPeople_nodClipThenBlinkClip_refusedAsIdentityChanged() throws Exception {
        List<ByteArray> frames = new ArrayList<>(LivenessFrames.clip("nod_male2_istock", 1, 12));
        frames.addAll(LivenessFrames.clip("blink_frontal_male1", 1, 12));
        LivenessJudgement j = print("two people, BLINK", judge().judge(challenge(Action.BLINK),
                LivenessFrames.capture(frames, STEP), Optional.empty(), JudgePolicy.defaults()));
        assertThat(j).isInstanceOf(Refused.class);
        assertThat(reasons(j)).contains(LivenessReason.IDENTITY_CHANGED);
    }

    /** stock-emotions-b: one person, eyes closed in b-1 and b-4, head turned one way; mirrors give the other way. */
    private static List<ByteArray> stockEmotionsBBlinkThenShake() {
        String dir = "faces/human-samples/stock-emotions-b-";
        ByteArray b1 = LivenessFrames.file(dir + "1.jpg");
        ByteArray b2 = LivenessFrames.file(dir + "2.jpg");
        ByteArray b4 = LivenessFrames.file(dir + "4.jpg");
        ByteArray b7 = LivenessFrames.file(dir + "7.jpg");
        ByteArray b8 = LivenessFrames.file(dir + "8.jpg");
        ByteArray m2 = LivenessFrames.encode(LivenessFrames.mirror(LivenessFrames.decode(b2)), "jpg");
        ByteArray m8 = LivenessFrames.encode(LivenessFrames.mirror(LivenessFrames.decode(b8)), "jpg");
        return List.of(b8, b2, b8, b1, b2, b4, b2, b7, m8, m2, b8);
    }

    @Test
    void stitchedFromStillsAndMirrors_stockEmotionsB_blinkThenShakeDetected() throws Exception {
        LivenessJudgement j = print("stock-emotions-b stills, BLINK SHAKE", judge().judge(
                challenge(Action.BLINK, Action.SHAKE), LivenessFrames.capture(stockEmotionsBBlinkThenShake(), STEP),
                Optional.empty(), JudgePolicy.defaults()));
        assertPassesApartFromFloor(j);
        assertThat(matched(j))
                .containsExactly(Action.BLINK, Action.SHAKE);
    }

    @Test
    void stitchedFromStillsAndMirrors_stockEmotionsB_wrongOrder_refusedAsActionsOutOfOrder() throws Exception {
        LivenessJudgement j = print("stock-emotions-b stills, SHAKE BLINK", judge().judge(
                challenge(Action.SHAKE, Action.BLINK), LivenessFrames.capture(stockEmotionsBBlinkThenShake(), STEP),
                Optional.empty(), JudgePolicy.defaults()));
        assertThat(j).isInstanceOf(Refused.class);
        assertThat(reasons(j)).containsExactly(LivenessReason.ACTIONS_OUT_OF_ORDER);
    }

    @Test
    void blinkClip_recordedCaptureReplayed_reencodedAgainstNewChallengeRefused_sameBytesRefusedAsReplayed()
            throws Exception {
        InMemoryFrameHashStore store = new InMemoryFrameHashStore(Duration.ofHours(1));
        List<ByteArray> recorded = LivenessFrames.clip("blink_frontal_male1", 1, 30);
        LivenessJudgement first = judge(store).judge(challenge(Action.BLINK), LivenessFrames.capture(recorded, STEP),
                Optional.empty(), JudgePolicy.defaults());
        assertPassesApartFromFloor(first);

        // The attacker re-encodes the recording so that no frame hash matches, and answers a new challenge.
        List<ByteArray> reencoded = recorded.stream()
                .map(b -> LivenessFrames.encode(LivenessFrames.decode(b), "jpg")).toList();
        LivenessJudgement second = print("re-encoded replay, NOD BLINK", judge(store).judge(
                challenge(Action.NOD, Action.BLINK), LivenessFrames.capture(reencoded, STEP), Optional.empty(),
                JudgePolicy.defaults()));
        assertThat(second).isInstanceOf(Refused.class);
        assertThat(reasons(second)).contains(LivenessReason.ACTION_MISSING)
                .doesNotContain(LivenessReason.FRAME_REPLAYED);

        // The same bytes again, even against a challenge they would satisfy.
        LivenessJudgement third = print("byte-identical replay, BLINK", judge(store).judge(challenge(Action.BLINK),
                LivenessFrames.capture(recorded, STEP), Optional.empty(), JudgePolicy.defaults()));
        assertThat(third).isInstanceOf(Refused.class);
        assertThat(reasons(third)).containsExactly(LivenessReason.FRAME_REPLAYED);
    }

    @Test
    void blinkClip_comparedWithReference_matchesOwnStillAndNotAnotherPerson() throws Exception {
        Template own = analyzer.template(analyzer.decode(
                LivenessFrames.file("liveness/photo-attack/still_blink_subject_eyes_open.png")));
        Template other = analyzer.template(analyzer.decode(
                LivenessFrames.file("faces/human-samples/stock-emotions-a-1.jpg")));
        List<ByteArray> clip = LivenessFrames.clip("blink_frontal_male1", 41, 58);
        LivenessJudgement same = print("blink clip vs own reference", judge().judge(challenge(Action.BLINK),
                LivenessFrames.capture(clip, STEP), Optional.of(own), JudgePolicy.defaults()));
        assertPassesApartFromFloor(same);
        assertThat(outcome(same, "reference")).isEqualTo(Outcome.PASSED);
        LivenessJudgement different = print("blink clip vs other reference", judge().judge(challenge(Action.BLINK),
                LivenessFrames.capture(clip, STEP), Optional.of(other), JudgePolicy.defaults()));
        assertThat(different).isInstanceOf(Refused.class);
        assertThat(reasons(different)).containsExactly(LivenessReason.REFERENCE_MISMATCH);
    }

    private static List<ByteArray> blinkClip(int from, int to) {
        return LivenessFrames.clip("blink_frontal_male1", from, to);
    }

    @Test
    void sequenceRules_tooFewFrames_outOfOrder_slowRate_lateSubmission() throws Exception {
        List<ByteArray> clip = blinkClip(1, 12);
        LivenessJudgement few = judge().judge(challenge(Action.BLINK),
                LivenessFrames.capture(clip.subList(0, 5), STEP), Optional.empty(), JudgePolicy.defaults());
        assertThat(reasons(few)).containsExactly(LivenessReason.TOO_FEW_FRAMES);

        List<CapturedFrame> swapped = new ArrayList<>(LivenessFrames.capture(clip, STEP));
        CapturedFrame a = swapped.get(4);
        swapped.set(4, swapped.get(5));
        swapped.set(5, a);
        LivenessJudgement disorder = judge().judge(challenge(Action.BLINK), swapped, Optional.empty(),
                JudgePolicy.defaults());
        assertThat(reasons(disorder)).containsExactly(LivenessReason.FRAMES_OUT_OF_ORDER);

        LivenessJudgement slow = judge().judge(challenge(Action.BLINK), LivenessFrames.capture(clip, 700),
                Optional.empty(), JudgePolicy.defaults());
        assertThat(reasons(slow)).containsExactly(LivenessReason.FRAME_RATE_TOO_LOW);

        LivenessJudgement tooLong = judge().judge(new LivenessChallenge(List.of(Action.BLINK), Duration.ofSeconds(1),
                        ByteArray.copyOf(new byte[32]), ISSUED), LivenessFrames.capture(clip, STEP), Optional.empty(),
                JudgePolicy.defaults());
        assertThat(reasons(tooLong)).containsExactly(LivenessReason.TIME_LIMIT_EXCEEDED);

        LivenessJudge late = new LivenessJudge(analyzer, new InMemoryFrameHashStore(Duration.ofHours(1)),
                Clock.fixed(ISSUED.plusSeconds(60), ZoneOffset.UTC));
        LivenessJudgement expired = late.judge(challenge(Action.BLINK), LivenessFrames.capture(clip, STEP),
                Optional.empty(), JudgePolicy.defaults());
        assertThat(reasons(expired)).containsExactly(LivenessReason.TIME_LIMIT_EXCEEDED);
        assertThat(outcome(expired, "analysis")).isEqualTo(Outcome.SKIPPED);
    }

    @Test
    void blinkClip_clientMeasurementsRecordedNeverTrusted_refusedOnlyWhenPolicyAsks() throws Exception {
        List<ByteArray> clip = blinkClip(1, 20);
        List<CapturedFrame> frames = new ArrayList<>();
        for (int i = 0; i < clip.size(); i++) {
            // A lying client: claims a wide head turn on every frame.
            frames.add(new CapturedFrame(clip.get(i), i * STEP, i,
                    Optional.of(new ClientMeasurement(0.7, 0.45, 0.0, 0.05))));
        }
        LivenessJudgement recorded = judge().judge(challenge(Action.BLINK), frames, Optional.empty(),
                JudgePolicy.defaults());
        assertPassesApartFromFloor(recorded);
        Explanation.Check client = recorded.explanation().check("client").orElseThrow();
        assertThat(client.measured().get("disagreeFraction")).isGreaterThan(0.9);

        JudgePolicy strict = JudgePolicy.defaults().withClient(new JudgePolicy.ClientRules(0.15, 0.10, 0.5, 0.10, 0.2));
        LivenessJudgement refused = judge().judge(challenge(Action.BLINK), frames, Optional.empty(), strict);
        assertThat(reasons(refused)).containsExactly(LivenessReason.CLIENT_MEASUREMENTS_DISAGREE);
    }
}
