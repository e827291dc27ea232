package org.countersign.biometrics.face;

/**
 * Thresholds a face sample must meet (X.1279 7.2.1 environment detection, 7.2.4 and 7.3.3 quality). The server
 * owns the policy; clients receive it to pre-check frames.
 *
 * @param minFaceSidePx      smallest acceptable face box side in pixels
 * @param maxCentreOffset    largest distance of the face centre from the image centre, as a fraction of the
 *                           image's width (x) or height (y)
 * @param minSharpness       smallest variance of the Laplacian on the 112×112 grey face crop
 * @param minMeanLevel       darkest acceptable mean grey level of the face crop (0–255)
 * @param maxMeanLevel       brightest acceptable mean grey level
 * @param maxClippedFraction largest fraction of face pixels at ≤ 5 (dark) or ≥ 250 (bright)
 * @param maxAbsYaw          largest |yaw proxy| (0 frontal; turned faces reach 0.5–0.8)
 * @param minPitch           lowest pitch proxy (face tilted up)
 * @param maxPitch           highest pitch proxy (face tilted down)
 */
public record QualityPolicy(
        double minFaceSidePx,
        double maxCentreOffset,
        double minSharpness,
        double minMeanLevel,
        double maxMeanLevel,
        double maxClippedFraction,
        double maxAbsYaw,
        double minPitch,
        double maxPitch) {

    /**
     * Defaults chosen on the project's test images; see the face tests for the figures they rest on. The yaw limit
     * 0.60 (0.45 before) lets LFW-style photos enrol (failures to enrol on the face-api.js crops 5 % → 2.5 %)
     * while the protected comparison keeps its target FMR with references up to that pose ({@code
     * ProtectedMatchCalibrationTest}, docs/biometrics.md §4.4).
     */
    public static QualityPolicy defaults() {
        return new QualityPolicy(64, 0.30, 20, 45, 215, 0.25, 0.60, 0.25, 0.90);
    }
}
