package org.countersign.biometrics.liveness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.countersign.core.bytes.ByteArray;
import org.junit.jupiter.api.Test;

/**
 * The pieces of the liveness judgement that need no face model: challenges, replay store, plane fitting, the
 * open-mouth rule on measured values.
 */
class LivenessPartsTest {
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void X1279_App3_1_challengeFactory_distinctActionsInRandomOrderWithFreshNonce() {
        ChallengeFactory factory = new ChallengeFactory(new SecureRandom(), Clock.fixed(NOW, ZoneOffset.UTC));
        Set<List<Action>> orders = new HashSet<>();
        Set<ByteArray> nonces = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            LivenessChallenge c = factory.issue(4, Duration.ofSeconds(8));
            assertThat(c.actions()).hasSize(4).doesNotHaveDuplicates();
            assertThat(c.nonce().length()).isEqualTo(ChallengeFactory.NONCE_BYTES);
            assertThat(c.issuedAt()).isEqualTo(NOW);
            assertThat(c.expiresAt()).isEqualTo(NOW.plusSeconds(8));
            orders.add(c.actions());
            nonces.add(c.nonce());
        }
        // 24 orders of four actions; 400 draws miss one with probability below 24 · (23/24)^400 ≈ 1e-6.
        assertThat(orders).hasSize(24);
        assertThat(nonces).hasSize(400);
        assertThat(factory.issue(2, Duration.ofSeconds(3)).actions()).hasSize(2).doesNotHaveDuplicates();
        assertThatThrownBy(() -> factory.issue(0, Duration.ofSeconds(3))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> factory.issue(LivenessChallenge.MINIMUM_ACTIONS - 1, Duration.ofSeconds(3)))
                .isInstanceOf(IllegalArgumentException.class);
        Set<List<Action>> pairs = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            List<Action> two = factory.issue(2, Duration.ofSeconds(3)).actions();
            assertThat(two).hasSize(2).doesNotHaveDuplicates().containsAnyOf(Action.NOD, Action.SHAKE);
            pairs.add(two);
        }
        assertThat(pairs).hasSize(10); // every ordered pair with at least one head action
        assertThatThrownBy(() -> factory.issue(5, Duration.ofSeconds(3))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> factory.issue(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void challenge_refusesRepeatedActionsAndShortNonces() {
        ByteArray nonce = ByteArray.copyOf(new byte[32]);
        assertThatThrownBy(() -> new LivenessChallenge(List.of(Action.NOD, Action.NOD), Duration.ofSeconds(5), nonce,
                NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LivenessChallenge(List.of(Action.NOD), Duration.ofSeconds(5),
                ByteArray.copyOf(new byte[8]), NOW)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void A_G3_frameHashStore_secondSightingIsRefusedUntilRetentionEnds() {
        InMemoryFrameHashStore store = new InMemoryFrameHashStore(Duration.ofMinutes(10));
        ByteArray h = ByteArray.fromHex("00112233");
        assertThat(store.addIfAbsent(h, NOW)).isTrue();
        assertThat(store.addIfAbsent(h, NOW.plusSeconds(60))).isFalse();
        assertThat(store.addIfAbsent(ByteArray.fromHex("44"), NOW.plusSeconds(60))).isTrue();
        // Forgotten once older than the retention (the server keeps it longer than any challenge lives).
        assertThat(store.addIfAbsent(h, NOW.plus(Duration.ofMinutes(11)))).isTrue();
    }

    @Test
    void planarFit_viewsOfAPlaneFitAHomography_pointsAtDepthDoNot() {
        // A face-sized cloud: 20 points on a plane z = 0 and the same points with depth (a nose in front).
        double[][] pts = new double[20][3];
        SecureRandom r = new SecureRandom(new byte[] {1});
        for (int i = 0; i < pts.length; i++) {
            pts[i][0] = r.nextDouble() * 100 - 50;
            pts[i][1] = r.nextDouble() * 120 - 60;
            pts[i][2] = i % 4 == 0 ? 40 : r.nextDouble() * 10;
        }
        double[] frontFlat = project(pts, 0, false);
        double[] turnedFlat = project(pts, 30, false);
        double[] front3d = project(pts, 0, true);
        double[] turned3d = project(pts, 30, true);
        assertThat(PlanarFit.homographyResidual(frontFlat, turnedFlat)).isLessThan(1e-6);
        assertThat(PlanarFit.similarityResidual(frontFlat, turnedFlat)).isGreaterThan(1.0);
        assertThat(PlanarFit.homographyResidual(front3d, turned3d)).isGreaterThan(2.0);
        // A pure in-plane move is a similarity.
        double[] moved = new double[frontFlat.length];
        double c = Math.cos(0.3), s = Math.sin(0.3);
        for (int i = 0; i < frontFlat.length / 2; i++) {
            moved[2 * i] = 1.2 * (c * frontFlat[2 * i] - s * frontFlat[2 * i + 1]) + 7;
            moved[2 * i + 1] = 1.2 * (s * frontFlat[2 * i] + c * frontFlat[2 * i + 1]) - 3;
        }
        assertThat(PlanarFit.similarityResidual(frontFlat, moved)).isLessThan(1e-9);
    }

    /** Pinhole view (focal 500, distance 400) after turning about the vertical axis; depth ignored if flat. */
    private static double[] project(double[][] pts, double degrees, boolean withDepth) {
        double t = Math.toRadians(degrees);
        double[] out = new double[2 * pts.length];
        for (int i = 0; i < pts.length; i++) {
            double z = withDepth ? pts[i][2] : 0;
            double x = Math.cos(t) * pts[i][0] + Math.sin(t) * z;
            double zz = -Math.sin(t) * pts[i][0] + Math.cos(t) * z;
            double depth = 400 - zz;
            out[2 * i] = 500 * x / depth;
            out[2 * i + 1] = 500 * pts[i][1] / depth;
        }
        return out;
    }

    /**
     * App. III item 1, OPEN_MOUTH: the opening is a change from the capture's closed lips, not from the baseline
     * stretch. Mouth aspects of the nod clip's frames 41–64 as the face model measured them (docs/liveness.md):
     * the calmest stretch (56–58) has the lips parted at 0.15, the closed lips come only at frame 64 (0.04).
     */
    @Test
    void X1279_App3_1_openMouth_measuredFromTheClosedLips_smileWithPartedLipsAtRestStillCounts() {
        double[] mouth = {0.127, 0.094, 0.160, 0.262, 0.067, 0.077, 0.090, 0.124, 0.093, 0.127, 0.211, 0.296, 0.356,
            0.205, 0.094, 0.151, 0.135, 0.166, 0.130, 0.197, 0.199, 0.221, 0.085, 0.040};
        JudgePolicy.ActionRules rules = JudgePolicy.ActionRules.defaults();
        Explanation.Baseline calmest = new Explanation.Baseline(0, 0.7, 0, 0.18, 0.151, List.of(15, 16, 17));
        List<ActionDetector.Event> seen = ActionDetector.mouthOpenings(series(mouth), calmest, rules);
        assertThat(ActionDetector.closedMouth(series(mouth), calmest)).isEqualTo(0.040);
        // Frames 51–54 (positions 10–13) rise by 0.15 or more over 0.04: held 300 ms, the rule's minimum.
        assertThat(seen).singleElement().satisfies(e -> {
            assertThat(e.start()).isEqualTo(10);
            assertThat(e.end()).isEqualTo(13);
            assertThat(e.peak()).isCloseTo(0.316, offset(1e-9));
        });
        // The same opening one frame shorter (200 ms) is speech-like and does not count.
        double[] shorter = mouth.clone();
        shorter[13] = 0.150;
        assertThat(ActionDetector.mouthOpenings(series(shorter), calmest, rules)).isEmpty();
        // Cut before the closed lips at the end, the lowest frame is 0.067 (frame 45) and the laugh rises by 0.15
        // for 2 frames only: the rule passes the smile because the capture shows the lips closed.
        double[] neverClosed = Arrays.copyOf(mouth, 22);
        assertThat(ActionDetector.mouthOpenings(series(neverClosed), calmest, rules)).isEmpty();
    }

    private static ActionDetector.Series series(double[] mouth) {
        int n = mouth.length;
        long[] ms = new long[n];
        for (int i = 0; i < n; i++) {
            ms[i] = i * 100L;
        }
        return new ActionDetector.Series(ms, new double[n], new double[n], new double[n], new double[n], mouth);
    }
}
