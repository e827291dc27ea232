package org.countersign.biometrics.face.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The five-point alignment recovers a known similarity transform exactly (no model needed). */
class SimilarityAlignmentTest {
    @Test
    void recoversAKnownRotationScaleAndShift() {
        double angle = Math.toRadians(17);
        double scale = 2.3;
        double tx = 140;
        double ty = 75;
        double[] template = SimilarityAlignment.ARCFACE_112;
        double[] source = new double[template.length];
        for (int i = 0; i < template.length / 2; i++) {
            double u = template[2 * i];
            double v = template[2 * i + 1];
            source[2 * i] = scale * (Math.cos(angle) * u - Math.sin(angle) * v) + tx;
            source[2 * i + 1] = scale * (Math.sin(angle) * u + Math.cos(angle) * v) + ty;
        }
        double[] m = SimilarityAlignment.templateToSource(source, template);
        for (int i = 0; i < template.length / 2; i++) {
            double u = template[2 * i];
            double v = template[2 * i + 1];
            assertThat(m[0] * u + m[1] * v + m[2]).isCloseTo(source[2 * i], within(1e-9));
            assertThat(m[3] * u + m[4] * v + m[5]).isCloseTo(source[2 * i + 1], within(1e-9));
        }
    }

    @Test
    void laplacianVarianceIsZeroOnAFlatCropAndHighOnACheckerboard() {
        int size = 16;
        float[] flat = new float[size * size];
        java.util.Arrays.fill(flat, 120f);
        float[] checker = new float[size * size];
        for (int i = 0; i < checker.length; i++) {
            checker[i] = ((i / size + i % size) % 2 == 0) ? 0f : 255f;
        }
        assertThat(QualityMeasurer.laplacianVariance(flat, size)).isZero();
        assertThat(QualityMeasurer.laplacianVariance(checker, size)).isGreaterThan(1e5);
    }
}
