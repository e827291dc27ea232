package org.countersign.biometrics.face;

import java.util.Objects;

/**
 * Engine-wide settings.
 *
 * @param maxPixels           pixel budget: images declaring more pixels are refused before decoding
 * @param minImageSide        smallest acceptable image side in pixels
 * @param detectionThreshold  detector score a face must reach
 * @param severalFacesRatio   a second face whose box area is at least this fraction of the largest face's area
 *                            makes the sample ambiguous ({@code SEVERAL_FACES}); smaller faces are background
 * @param intraOpThreads      ONNX Runtime intra-op threads per session
 * @param quality             the quality policy {@code extract} enforces
 */
public record FaceSettings(
        long maxPixels,
        int minImageSide,
        double detectionThreshold,
        double severalFacesRatio,
        int intraOpThreads,
        QualityPolicy quality) {
    public FaceSettings {
        Objects.requireNonNull(quality, "quality");
        if (maxPixels < 1 || minImageSide < 1 || intraOpThreads < 1) {
            throw new IllegalArgumentException("sizes and thread counts must be positive");
        }
        if (detectionThreshold <= 0 || detectionThreshold >= 1 || severalFacesRatio <= 0 || severalFacesRatio > 1) {
            throw new IllegalArgumentException("threshold and ratio must lie in (0, 1)");
        }
    }

    /** 24 MP budget, 48 px minimum side, detection score 0.7, second face at half the area, 2 threads. */
    public static FaceSettings defaults() {
        return new FaceSettings(24_000_000L, 48, 0.7, 0.5, 2, QualityPolicy.defaults());
    }

    public FaceSettings withQuality(QualityPolicy policy) {
        return new FaceSettings(maxPixels, minImageSide, detectionThreshold, severalFacesRatio, intraOpThreads, policy);
    }

    public FaceSettings withMaxPixels(long budget) {
        return new FaceSettings(budget, minImageSide, detectionThreshold, severalFacesRatio, intraOpThreads, quality);
    }
}
