package org.countersign.biometrics.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ISO/IEC 30107-3 rates on a hand-computed set; "attack" when score >= threshold. */
class PadMetricsTest {
    // attacks 0.3 0.6 0.8 0.9 ; bona fide 0.1 0.2 0.4 0.7 0.05
    private final PadMetrics m = new PadMetrics(new double[] {0.3, 0.6, 0.8, 0.9},
            new double[] {0.1, 0.2, 0.4, 0.7, 0.05});

    @Test
    void apcerAndBpcerAtHalf() {
        PadMetrics.PadOperatingPoint p = m.atThreshold(0.5);
        assertThat(p.apcer()).isEqualTo(0.25); // 0.3 passes as bona fide
        assertThat(p.bpcer()).isEqualTo(0.2);  // 0.7 rejected as attack
    }

    @Test
    void padEer() {
        // t = 0.6: APCER 1/4, BPCER 1/5 ; t = 0.7: APCER 1/2 (0.3, 0.6), BPCER 1/5
        // t = 0.4: APCER 1/4, BPCER 2/5 ; so BPCER - APCER changes sign between 0.4 and 0.6:
        // t=0.4 (d = 0.4 - 0.25 = 0.15), t=0.6 (d = 0.2 - 0.25 = -0.05) -> a = 0.75, EER = 0.4 - 0.75*0.2 = 0.25
        EqualErrorRate eer = m.equalErrorRate();
        assertThat(eer.rate()).isCloseTo(0.25, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(eer.threshold()).isCloseTo(0.55, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void bpcerAtApcerTarget() {
        // APCER <= 0.25 allowed: highest such threshold is 0.6 (APCER 1/4), BPCER there 1/5.
        PadMetrics.PadOperatingPoint p = m.atApcer(0.25);
        assertThat(p.threshold()).isEqualTo(0.6);
        assertThat(p.apcer()).isEqualTo(0.25);
        assertThat(p.bpcer()).isEqualTo(0.2);
    }
}
