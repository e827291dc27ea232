package org.countersign.biometrics.face.internal;

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
        int n = source.length / 2;
        double smx = 0, smy = 0, dmx = 0, dmy = 0;
        for (int i = 0; i < n; i++) {
            smx += source[2 * i];
            smy += source[2 * i + 1];
            dmx += template[2 * i];
            dmy += template[2 * i + 1];
        }
        smx /= n;
        smy /= n;
        dmx /= n;
        dmy /= n;
        double dot = 0, cross = 0, norm = 0;
        for (int i = 0; i < n; i++) {
            double sx = source[2 * i] - smx;
            double sy = source[2 * i + 1] - smy;
            double dx = template[2 * i] - dmx;
            double dy = template[2 * i + 1] - dmy;
            dot += sx * dx + sy * dy;
            cross += sx * dy - sy * dx;
            norm += sx * sx + sy * sy;
        }
        double a = dot / norm;
        double b = cross / norm;
        // Forward: d = [[a, -b], [b, a]] (s - sm) + dm. Inverse: s = [[a, b], [-b, a]] (d - dm) / (a² + b²) + sm.
        double k = a * a + b * b;
        double ia = a / k;
        double ib = b / k;
        return new double[] {
            ia, ib, smx - ia * dmx - ib * dmy,
            -ib, ia, smy + ib * dmx - ia * dmy,
        };
    }
}
