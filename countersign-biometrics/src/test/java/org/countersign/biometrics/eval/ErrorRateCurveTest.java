package org.countersign.biometrics.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Hand-computed score sets; decision rule "match when score >= threshold" (ISO/IEC 19795-1). */
class ErrorRateCurveTest {

    @Test
    void exactCrossingAtAnObservedThreshold() {
        // genuine 0.6 0.7 0.8 0.9 ; impostor 0.1 0.2 0.3 0.65
        // t = 0.65: FMR = 1/4 (0.65), FNMR = 1/4 (0.6)  -> EER 0.25 at 0.65
        ErrorRateCurve c = new ErrorRateCurve(new Scores(new double[] {0.6, 0.7, 0.8, 0.9},
                new double[] {0.1, 0.2, 0.3, 0.65}));
        assertThat(c.fmrAt(0.6)).isEqualTo(0.25);
        assertThat(c.fnmrAt(0.6)).isEqualTo(0.0);
        assertThat(c.fmrAt(0.3)).isEqualTo(0.5);
        assertThat(c.fnmrAt(0.7)).isEqualTo(0.25);
        assertThat(c.fmrAt(0.66)).isEqualTo(0.0);
        EqualErrorRate eer = c.equalErrorRate();
        assertThat(eer.rate()).isEqualTo(0.25);
        assertThat(eer.threshold()).isEqualTo(0.65);
    }

    @Test
    void interpolatedCrossingBetweenOperatingPoints() {
        // genuine 0.5 0.9 ; impostor 0.4 0.6 0.7
        // t = 0.6: FMR 2/3, FNMR 1/2 ; t = 0.7: FMR 1/3, FNMR 1/2
        // halfway: FMR = FNMR = 1/2 at t = 0.65
        ErrorRateCurve c = new ErrorRateCurve(new Scores(new double[] {0.5, 0.9}, new double[] {0.4, 0.6, 0.7}));
        EqualErrorRate eer = c.equalErrorRate();
        assertThat(eer.rate()).isCloseTo(0.5, within(1e-12));
        assertThat(eer.threshold()).isCloseTo(0.65, within(1e-12));
    }

    @Test
    void perfectSeparationGivesZeroEer() {
        ErrorRateCurve c = new ErrorRateCurve(new Scores(new double[] {5, 6}, new double[] {1, 2, 3}));
        assertThat(c.equalErrorRate().rate()).isZero();
    }

    @Test
    void fnmrAtTargetFmrAndResolution() {
        // 10 impostors 1..10 ; genuine 8 9 10 11 12
        double[] impostor = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        ErrorRateCurve c = new ErrorRateCurve(new Scores(new double[] {8, 9, 10, 11, 12}, impostor));
        // FMR <= 0.1 first reached at t = 10 (only the impostor 10 accepted); FNMR there = 2/5 (8, 9).
        OperatingPoint p = c.atFmr(0.1);
        assertThat(p.threshold()).isEqualTo(10.0);
        assertThat(p.fmr()).isEqualTo(0.1);
        assertThat(p.fnmr()).isEqualTo(0.4);
        assertThat(p.resolvable()).isTrue();
        assertThat(p.supported()).isFalse(); // rule of three needs 30
        // FMR <= 0.01 needs 100 impostors: not resolvable; the point is FMR 0 above the largest score.
        OperatingPoint q = c.atFmr(0.01);
        assertThat(q.resolvable()).isFalse();
        assertThat(q.fmr()).isZero();
        assertThat(q.fnmr()).isEqualTo(0.6);
    }

    @Test
    void curveIsMonotonic() {
        java.util.Random r = new java.util.Random(1);
        double[] g = r.doubles(200, 0.3, 1).toArray();
        double[] i = r.doubles(500, 0, 0.6).toArray();
        var points = new ErrorRateCurve(new Scores(g, i)).points();
        for (int k = 1; k < points.size(); k++) {
            assertThat(points.get(k).fmr()).isLessThanOrEqualTo(points.get(k - 1).fmr());
            assertThat(points.get(k).fnmr()).isGreaterThanOrEqualTo(points.get(k - 1).fnmr());
        }
        assertThat(points.get(0).fmr()).isEqualTo(1.0);
        assertThat(points.get(points.size() - 1).fnmr()).isEqualTo(1.0);
    }
}
