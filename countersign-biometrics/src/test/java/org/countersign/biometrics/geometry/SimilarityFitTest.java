package org.countersign.biometrics.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SimilarityFitTest {
    static final double[] POINTS = {38.3, 51.7, 73.5, 51.5, 56.0, 71.7, 41.5, 92.4, 70.7, 92.2};

    /** Rotation by {@code angle}, scale {@code s}, then a shift: the map the fit must recover. */
    static double[] moved(double[] p, double angle, double s, double dx, double dy) {
        double[] q = new double[p.length];
        for (int i = 0; i < p.length / 2; i++) {
            double x = p[2 * i], y = p[2 * i + 1];
            q[2 * i] = s * (Math.cos(angle) * x - Math.sin(angle) * y) + dx;
            q[2 * i + 1] = s * (Math.sin(angle) * x + Math.cos(angle) * y) + dy;
        }
        return q;
    }

    @Test
    void anExactSimilarityIsRecoveredWithNoResidual() {
        double[] to = moved(POINTS, 0.3, 1.7, 12, -5);
        SimilarityFit fit = SimilarityFit.of(POINTS, to);
        assertThat(fit.a()).isCloseTo(1.7 * Math.cos(0.3), within(1e-9));
        assertThat(fit.b()).isCloseTo(1.7 * Math.sin(0.3), within(1e-9));
        assertThat(fit.residual(POINTS, to)).isCloseTo(0, within(1e-9));
    }

    @Test
    void theInverseMapsTheTargetBackOntoTheSource() {
        double[] to = moved(POINTS, -0.5, 0.8, 3, 40);
        double[] m = SimilarityFit.of(POINTS, to).inverseAffine();
        for (int i = 0; i < POINTS.length / 2; i++) {
            double x = to[2 * i], y = to[2 * i + 1];
            assertThat(m[0] * x + m[1] * y + m[2]).isCloseTo(POINTS[2 * i], within(1e-9));
            assertThat(m[3] * x + m[4] * y + m[5]).isCloseTo(POINTS[2 * i + 1], within(1e-9));
        }
    }

    @Test
    void aShapeChangeBeyondASimilarityLeavesAResidual() {
        double[] to = moved(POINTS, 0.1, 1.0, 0, 0);
        to[4] += 6; // the nose tip moves on its own, as when a head turns
        assertThat(SimilarityFit.of(POINTS, to).residual(POINTS, to)).isGreaterThan(1.0);
    }

    @Test
    void coincidingPointsAreDegenerate() {
        double[] same = {5, 5, 5, 5, 5, 5};
        SimilarityFit fit = SimilarityFit.of(same, new double[] {1, 2, 3, 4, 5, 6});
        assertThat(fit.degenerate()).isTrue();
        assertThat(fit.residual(same, new double[] {1, 2, 3, 4, 5, 6})).isZero();
        assertThatThrownBy(fit::inverseAffine).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SimilarityFit.of(new double[] {1, 2}, new double[] {1, 2, 3, 4}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
