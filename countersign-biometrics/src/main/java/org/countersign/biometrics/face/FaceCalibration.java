package org.countersign.biometrics.face;

import java.util.List;
import org.countersign.biometrics.api.OperatingPoint;

/**
 * Cosine-score thresholds per target false-match rate for the bundled pack, read off measured impostor score
 * distributions (ISO/IEC 19795-1: FMR at a threshold).
 *
 * <p>Calibration set, measured with {@code FaceCalibrationTest}: all pairs within the face-api.js crops (8 people ×
 * 5 colour images) and within the AT&T/ORL set (38 people × 10 greyscale 92×112 images, s1 and s2 left out),
 * giving 1,790 genuine and 71,000 impostor pairs. It is small and homogeneous: the 1e-4 point rests on about
 * seven impostor pairs, and no impostor pair scored 0.51 or more, which is the last point's only support.
 * Re-calibrate on operational data before relying on rates below 1e-3. Measured on that set: EER 0.22 %;
 * FNMR 0 % at FMR 1e-2, 0.28 % at 1e-3, 0.50 % at 1e-4.
 */
record FaceCalibration(String source, List<Point> points) {
    /** One operating point: at {@code threshold} the measured FMR was at most {@code fmr}. */
    record Point(double fmr, double threshold) implements OperatingPoint {}

    static final FaceCalibration BUNDLED = new FaceCalibration(
            "faceapi 8x5 + ORL 38x10, 71,000 impostor pairs (FaceCalibrationTest)",
            List.of(new Point(1e-2, 0.33), new Point(1e-3, 0.40), new Point(1e-4, 0.455),
                    new Point(1.0 / 71_000, 0.51)));

    FaceCalibration {
        points = List.copyOf(points);
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no calibration points");
        }
    }

    /**
     * The lowest calibrated threshold whose measured FMR is at most {@code targetFmr}. Targets below the
     * smallest calibrated FMR get the strictest threshold: the data cannot show anything stricter, so such a
     * target is not actually assured.
     */
    double thresholdFor(double targetFmr) {
        return OperatingPoint.thresholdFor(points, targetFmr);
    }
}
