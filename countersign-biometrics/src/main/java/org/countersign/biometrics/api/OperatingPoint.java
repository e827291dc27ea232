package org.countersign.biometrics.api;

import java.util.List;

/**
 * A measured operating point of a comparison: at {@link #threshold()} the false-match rate was at most
 * {@link #fmr()} (ISO/IEC 19795-1). Calibrations of different score domains share the rule that turns a target FMR
 * into a threshold.
 */
public interface OperatingPoint {
    double fmr();

    double threshold();

    /**
     * The lowest threshold among {@code points} whose measured FMR is at most {@code targetFmr}. A target below every
     * measured FMR gets the strictest threshold: the data cannot show anything stricter, so such a target is not
     * actually assured.
     */
    static double thresholdFor(List<? extends OperatingPoint> points, double targetFmr) {
        if (!(targetFmr > 0) || targetFmr > 1) {
            throw new IllegalArgumentException("target FMR must lie in (0, 1]: " + targetFmr);
        }
        double strictest = Double.NEGATIVE_INFINITY;
        double best = Double.POSITIVE_INFINITY;
        for (OperatingPoint p : points) {
            strictest = Math.max(strictest, p.threshold());
            if (p.fmr() <= targetFmr) {
                best = Math.min(best, p.threshold());
            }
        }
        return Double.isInfinite(best) ? strictest : best;
    }
}
