package org.countersign.biometrics.face;

import java.util.List;
import java.util.Optional;
import org.countersign.biometrics.api.ReasonCode;

/**
 * Every quality measure of one sample and the reason codes of the checks it failed, in the order the checks
 * run (one face, size, centring, pose, exposure, blur). Values are {@code NaN} when no single face was found.
 */
public record QualityReport(
        int faceCount,
        double faceSidePx,
        double centreOffsetX,
        double centreOffsetY,
        double sharpness,
        double meanLevel,
        double darkFraction,
        double brightFraction,
        double yaw,
        double pitch,
        List<ReasonCode> failures) {
    public QualityReport {
        failures = List.copyOf(failures);
    }

    public boolean passed() {
        return failures.isEmpty();
    }

    public Optional<ReasonCode> firstFailure() {
        return failures.stream().findFirst();
    }
}
