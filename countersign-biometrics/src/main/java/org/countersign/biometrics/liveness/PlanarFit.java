package org.countersign.biometrics.liveness;

import org.countersign.biometrics.geometry.SimilarityFit;

/**
 * Least-squares fits of point correspondences between two frames, used to tell a flat picture from a head
 * (X.1279 App. III item 2: the face angle must change as a real 3-D head's does).
 *
 * <p>Every view of a flat picture, however it is tilted, rotated or moved, is related to every other view by
 * one plane-to-plane homography; a real head is not flat, so when it turns, points at different depths (nose tip
 * against cheeks and brows) move by different amounts and no single homography fits them all. The homography is
 * estimated by the normalised direct linear transform (Hartley's normalisation, then the right singular vector
 * of the stacked equations with the smallest singular value, found here as the eigenvector of AᵀA).
 */
final class PlanarFit {
    private PlanarFit() {}

    /**
     * Root-mean-square transfer error, in pixels of {@code to}, of the best homography mapping {@code from}
     * to {@code to}. Points are interleaved x, y; at least four.
     */
    static double homographyResidual(double[] from, double[] to) {
        double[] h = homography(from, to);
        int n = from.length / 2;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double x = from[2 * i];
            double y = from[2 * i + 1];
            double w = h[6] * x + h[7] * y + h[8];
            double u = (h[0] * x + h[1] * y + h[2]) / w;
            double v = (h[3] * x + h[4] * y + h[5]) / w;
            double du = u - to[2 * i];
            double dv = v - to[2 * i + 1];
            sum += du * du + dv * dv;
        }
        return Math.sqrt(sum / n);
    }

    /**
     * Root-mean-square error, in pixels of {@code to}, of the best similarity (rotation, uniform scale,
     * translation) mapping {@code from} to {@code to}: how much the face changed beyond moving in the image plane.
     */
    static double similarityResidual(double[] from, double[] to) {
        return SimilarityFit.of(from, to).residual(from, to);
    }

    /** The 3×3 homography (row-major, 9 values) mapping {@code from} to {@code to} by normalised DLT. */
    static double[] homography(double[] from, double[] to) {
        int n = from.length / 2;
        if (n < 4 || to.length != from.length) {
            throw new IllegalArgumentException("need at least four point pairs of equal count");
        }
        double[] t1 = normaliser(from);
        double[] t2 = normaliser(to);
        double[][] ata = new double[9][9];
        double[] row1 = new double[9];
        double[] row2 = new double[9];
        for (int i = 0; i < n; i++) {
            double x = t1[0] * from[2 * i] + t1[1];
            double y = t1[0] * from[2 * i + 1] + t1[2];
            double u = t2[0] * to[2 * i] + t2[1];
            double v = t2[0] * to[2 * i + 1] + t2[2];
            row1[0] = 0; row1[1] = 0; row1[2] = 0;
            row1[3] = -x; row1[4] = -y; row1[5] = -1;
            row1[6] = v * x; row1[7] = v * y; row1[8] = v;
            row2[0] = x; row2[1] = y; row2[2] = 1;
            row2[3] = 0; row2[4] = 0; row2[5] = 0;
            row2[6] = -u * x; row2[7] = -u * y; row2[8] = -u;
            for (int r = 0; r < 9; r++) {
                for (int c = r; c < 9; c++) {
                    ata[r][c] += row1[r] * row1[c] + row2[r] * row2[c];
                }
            }
        }
        for (int r = 0; r < 9; r++) {
            for (int c = 0; c < r; c++) {
                ata[r][c] = ata[c][r];
            }
        }
        double[] hn = smallestEigenvector(ata);
        // H = T2^-1 · Hn · T1, with T = [[s, 0, tx], [0, s, ty], [0, 0, 1]].
        double[] m = multiply(hn, new double[] {t1[0], 0, t1[1], 0, t1[0], t1[2], 0, 0, 1});
        double s = t2[0];
        double[] inv2 = {1 / s, 0, -t2[1] / s, 0, 1 / s, -t2[2] / s, 0, 0, 1};
        return multiply(inv2, m);
    }

    /** Scale and translation taking the points' centroid to the origin and their mean distance to √2. */
    private static double[] normaliser(double[] p) {
        int n = p.length / 2;
        double cx = 0, cy = 0;
        for (int i = 0; i < n; i++) {
            cx += p[2 * i];
            cy += p[2 * i + 1];
        }
        cx /= n;
        cy /= n;
        double d = 0;
        for (int i = 0; i < n; i++) {
            d += Math.hypot(p[2 * i] - cx, p[2 * i + 1] - cy);
        }
        d /= n;
        double s = d < 1e-12 ? 1 : Math.sqrt(2) / d;
        return new double[] {s, -s * cx, -s * cy};
    }

    private static double[] multiply(double[] a, double[] b) {
        double[] c = new double[9];
        for (int r = 0; r < 3; r++) {
            for (int k = 0; k < 3; k++) {
                double sum = 0;
                for (int j = 0; j < 3; j++) {
                    sum += a[3 * r + j] * b[3 * j + k];
                }
                c[3 * r + k] = sum;
            }
        }
        return c;
    }

    /** Eigenvector of the smallest eigenvalue of a symmetric matrix, by cyclic Jacobi rotations. */
    static double[] smallestEigenvector(double[][] symmetric) {
        int n = symmetric.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = symmetric[i].clone();
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off < 1e-22) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p], vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (a[i][i] < a[best][best]) {
                best = i;
            }
        }
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = v[i][best];
        }
        return e;
    }
}
