package org.countersign.biometrics.geometry;

/**
 * The least-squares similarity (rotation, uniform scale, translation) taking one set of 2-D points onto another:
 * {@code to ≈ [[a, -b], [b, a]] (from - fromCentroid) + toCentroid}. Face alignment uses it to warp a face onto
 * the embedding model's landmark template; the liveness judge uses its residual to see how much a face changed
 * beyond moving in the image plane. One closed form for both (Umeyama's, without reflection).
 *
 * @param spread the sum of squared distances of {@code from} to its centroid; near zero when every point coincides
 */
public record SimilarityFit(double a, double b, double fromX, double fromY, double toX, double toY, double spread) {

    /** Below this spread the points give no direction and the fit means nothing. */
    private static final double DEGENERATE = 1e-12;

    /** Fits {@code from} onto {@code to}: points interleaved x, y, the same count in both. */
    public static SimilarityFit of(double[] from, double[] to) {
        if (from.length != to.length || from.length < 2 || from.length % 2 != 0) {
            throw new IllegalArgumentException("need point pairs of equal count");
        }
        int n = from.length / 2;
        double fx = 0, fy = 0, tx = 0, ty = 0;
        for (int i = 0; i < n; i++) {
            fx += from[2 * i];
            fy += from[2 * i + 1];
            tx += to[2 * i];
            ty += to[2 * i + 1];
        }
        fx /= n;
        fy /= n;
        tx /= n;
        ty /= n;
        double spread = 0, dot = 0, cross = 0;
        for (int i = 0; i < n; i++) {
            double x = from[2 * i] - fx, y = from[2 * i + 1] - fy;
            double u = to[2 * i] - tx, v = to[2 * i + 1] - ty;
            spread += x * x + y * y;
            dot += x * u + y * v;
            cross += x * v - y * u;
        }
        double a = spread < DEGENERATE ? 0 : dot / spread;
        double b = spread < DEGENERATE ? 0 : cross / spread;
        return new SimilarityFit(a, b, fx, fy, tx, ty, spread);
    }

    public boolean degenerate() {
        return spread < DEGENERATE;
    }

    /** Root-mean-square distance, in units of {@code to}, between the mapped {@code from} and {@code to}; 0 when degenerate. */
    public double residual(double[] from, double[] to) {
        if (degenerate()) {
            return 0;
        }
        int n = from.length / 2;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double x = from[2 * i] - fromX, y = from[2 * i + 1] - fromY;
            double du = a * x - b * y - (to[2 * i] - toX);
            double dv = b * x + a * y - (to[2 * i + 1] - toY);
            sum += du * du + dv * dv;
        }
        return Math.sqrt(sum / n);
    }

    /**
     * The inverse map, from {@code to} coordinates back to {@code from} coordinates, as six affine coefficients
     * {@code [m00, m01, m02, m10, m11, m12]}: {@code from = [[a, b], [-b, a]] (to - toCentroid) / (a² + b²) + fromCentroid}.
     */
    public double[] inverseAffine() {
        if (degenerate()) {
            throw new IllegalStateException("no similarity: the points coincide");
        }
        double k = a * a + b * b;
        double ia = a / k;
        double ib = b / k;
        return new double[] {
            ia, ib, fromX - ia * toX - ib * toY,
            -ib, ia, fromY + ib * toX - ia * toY,
        };
    }
}
