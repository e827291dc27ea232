package org.countersign.biometrics.face;

import java.util.List;

/**
 * Score thresholds per target false-match rate for the bundled pack, read off measured impostor distributions.
 * To be filled from the calibration run (see FaceCalibrationReport in the tests).
 */
record FaceCalibration(String source, List<Point> points) {
    record Point(double fmr, double threshold) {}

    static final FaceCalibration BUNDLED = new FaceCalibration("placeholder", List.of(new Point(1e-3, 0.5)));

    FaceCalibration {
        points = List.copyOf(points);
    }

    /**
     * The threshold of the strictest calibrated point whose FMR is still at most {@code targetFmr}; below the
     * smallest calibrated FMR the strictest point is returned (the data cannot show anything stricter).
     */
    double thresholdFor(double targetFmr) {
        if (!(targetFmr > 0) || targetFmr > 1) {
            throw new IllegalArgumentException("target FMR must lie in (0, 1]: " + targetFmr);
        }
        double best = points.get(0).threshold();
        for (Point p : points) {
            if (p.fmr() <= targetFmr) {
                best = Math.min(best, p.threshold());
            }
        }
        return best;
    }
}
