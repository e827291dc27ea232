package org.countersign.biometrics.face.internal;

import org.countersign.biometrics.geometry.SimilarityFit;

/**
 * Least-squares similarity transform (rotation, uniform scale, translation; no reflection) from detected points
 * to a reference template, after Umeyama (IEEE TPAMI 13(4), 1991). In two dimensions the optimum has a closed form:
 * with both point sets centred, a = Σ(s·d)/Σ|s|² and b = Σ(s × d)/Σ|s|² give the linear part [[a, −b], [b, a]].
 */
public final class SimilarityAlignment {
    /** ArcFace reference positions of the five points in a 112×112 crop (InsightFace's published template). */
    public static final double[] ARCFACE_112 = {
        38.2946, 51.6963,
        73.5318, 51.5014,
        56.0252, 71.7366,
        41.5493, 92.3655,
        70.7299, 92.2041,
    };

    private SimilarityAlignment() {}

    /**
     * The map from output (template) coordinates back to source coordinates, as the six coefficients
     * {@link Sampler#warp} takes.
     */
    public static double[] templateToSource(double[] source, double[] template) {
        return SimilarityFit.of(source, template).inverseAffine();
    }
}
