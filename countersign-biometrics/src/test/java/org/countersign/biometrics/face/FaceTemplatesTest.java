package org.countersign.biometrics.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import org.countersign.biometrics.api.Template;
import org.junit.jupiter.api.Test;

/** The template byte layout other modules rely on, and the calibration table's lookup rule (no model needed). */
class FaceTemplatesTest {
    @Test
    void templateIs512BigEndianFloatsOfTheNormalisedEmbedding() throws Exception {
        float[] embedding = new float[FaceTemplates.DIMENSION];
        embedding[0] = 3;
        embedding[1] = 4;
        Template t = FaceTemplates.encode("face/arcface-512/test-1", embedding);
        byte[] bytes = t.data().toByteArray();
        assertThat(bytes).hasSize(2048);
        ByteBuffer big = ByteBuffer.wrap(bytes); // big-endian by default
        assertThat(big.getFloat(0)).isCloseTo(0.6f, within(1e-7f));
        assertThat(big.getFloat(4)).isCloseTo(0.8f, within(1e-7f));
        assertThat(FaceTemplates.decode(t, "face/arcface-512/test-1")[1]).isCloseTo(0.8f, within(1e-7f));
    }

    @Test
    void D_2_thresholdTableIsMonotoneAndRejectsNonsense() {
        FaceCalibration c = FaceCalibration.BUNDLED;
        assertThat(c.thresholdFor(1e-2)).isLessThan(c.thresholdFor(1e-3));
        assertThat(c.thresholdFor(1e-3)).isLessThan(c.thresholdFor(1e-4));
        assertThat(c.thresholdFor(1e-7)).isEqualTo(c.thresholdFor(1e-5));
        assertThat(c.thresholdFor(0.5)).isEqualTo(c.thresholdFor(1e-2));
        assertThatThrownBy(() -> c.thresholdFor(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
