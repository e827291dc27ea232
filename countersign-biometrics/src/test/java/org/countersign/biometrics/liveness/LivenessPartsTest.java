package org.countersign.biometrics.liveness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.countersign.core.bytes.ByteArray;
import org.junit.jupiter.api.Test;

/** The pieces of the liveness judgement that need no face model: challenges, replay store, plane fitting. */
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
}
