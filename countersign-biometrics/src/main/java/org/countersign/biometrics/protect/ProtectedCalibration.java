package org.countersign.biometrics.protect;

import java.util.List;
import org.countersign.biometrics.api.OperatingPoint;

/**
 * Score thresholds per target false-match rate for comparisons with a protected face reference as the remote flow
 * makes them (B-S2, ISO/IEC 19795-1): BioHashing codes of {@link TemplateProtector#faceDefaults()}, the probe
 * transformed with the reference owner's key, the best of {@link #bestOf()} probes deciding. Read off measured
 * impostor decisions; the raw cosine calibration does not carry over, because 256 sign bits add noise to every
 * score and the best of several probes gives an impostor several chances.
 *
 * @param source  what was measured, for reports
 * @param bestOf  probes per decision the points were measured with
 * @param points  operating points, each: at {@code threshold} the measured FMR was at most {@code fmr}
 */
public record ProtectedCalibration(String source, int bestOf, List<Point> points) {
    /** One operating point. */
    public record Point(double fmr, double threshold) implements OperatingPoint {}

    /**
     * Measured with {@code ProtectedMatchCalibrationTest} ({@code eval.ProtectedMatchEvaluation}): the face-api.js
     * crops and the ORL set together, every enrolable sample a reference under its own subject's key, the other
     * subjects' probes in groups of three as impostors, references under the default enrolment policy: 1,164
     * genuine and 49,344 impostor decisions. Measured thresholds 0.4164 (FMR 1e-2), 0.5141 (1e-3) and 0.5758 (1e-4,
     * about five impostor decisions above it: the rule of three barely holds), each rounded up; FNMR there 0.09 %,
     * 0.26 % and 0.69 %. The raw cosine threshold 0.40 (FMR 1e-3 on raw scores) gives 1.4 % FMR in this domain.
     */
    public static final ProtectedCalibration BUNDLED = new ProtectedCalibration(
            "faceapi 8x5 + ORL 38x10, best of 3, biohash 256 bits (ProtectedMatchCalibrationTest)", 3,
            List.of(new Point(1e-2, 0.417), new Point(1e-3, 0.515), new Point(1e-4, 0.576)));

    public ProtectedCalibration {
        points = List.copyOf(points);
        if (points.isEmpty() || bestOf < 1) {
            throw new IllegalArgumentException("need calibration points and bestOf >= 1");
        }
    }

    /**
     * The lowest calibrated threshold whose measured FMR is at most {@code targetFmr}. A target below every
     * calibrated FMR gets the strictest threshold, which the data cannot show to reach it.
     */
    public double thresholdFor(double targetFmr) {
        return OperatingPoint.thresholdFor(points, targetFmr);
    }
}
