package org.countersign.biometrics.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * FMR and FNMR as functions of the threshold (ISO/IEC 19795-1): a comparison is a match when
 * {@code score >= threshold}, so FMR(t) is the share of impostor scores at or above t and FNMR(t) the share of
 * genuine scores below t. Operating points are taken at every distinct observed score plus one above the
 * largest, which is every threshold where either rate can change.
 */
public final class ErrorRateCurve {
    private final double[] genuine;
    private final double[] impostor;
    private final double[] thresholds;
    private final double[] fmr;
    private final double[] fnmr;

    public ErrorRateCurve(Scores scores) {
        if (scores.genuineCount() == 0 || scores.impostorCount() == 0) {
            throw new IllegalArgumentException("need at least one genuine and one impostor score");
        }
        this.genuine = scores.sortedGenuine();
        this.impostor = scores.sortedImpostor();
        double[] all = new double[genuine.length + impostor.length];
        System.arraycopy(genuine, 0, all, 0, genuine.length);
        System.arraycopy(impostor, 0, all, genuine.length, impostor.length);
        double[] distinct = Arrays.stream(all).sorted().distinct().toArray();
        int n = distinct.length + 1;
        thresholds = Arrays.copyOf(distinct, n);
        thresholds[n - 1] = Math.nextUp(distinct[distinct.length - 1]);
        fmr = new double[n];
        fnmr = new double[n];
        for (int i = 0; i < n; i++) {
            fmr[i] = fmrAt(thresholds[i]);
            fnmr[i] = fnmrAt(thresholds[i]);
        }
    }

    public int genuineCount() {
        return genuine.length;
    }

    public int impostorCount() {
        return impostor.length;
    }

    /** Share of impostor scores {@code >= threshold}. */
    public double fmrAt(double threshold) {
        return (double) (impostor.length - lowerBound(impostor, threshold)) / impostor.length;
    }

    /** Share of genuine scores {@code < threshold}. */
    public double fnmrAt(double threshold) {
        return (double) lowerBound(genuine, threshold) / genuine.length;
    }

    /**
     * The equal error rate: FMR falls and FNMR rises as the threshold grows; between the last operating point
     * with FMR above FNMR and the next one, both rates are interpolated linearly and the crossing is taken. When
     * a threshold gives FMR = FNMR exactly, that value is returned.
     */
    public EqualErrorRate equalErrorRate() {
        for (int i = 0; i < thresholds.length; i++) {
            double d = fmr[i] - fnmr[i];
            if (d == 0) {
                return new EqualErrorRate(fmr[i], thresholds[i]);
            }
            if (d < 0) {
                if (i == 0) {
                    return new EqualErrorRate((fmr[0] + fnmr[0]) / 2, thresholds[0]);
                }
                double d0 = fmr[i - 1] - fnmr[i - 1];
                double a = d0 / (d0 - d);
                double rate = fmr[i - 1] + a * (fmr[i] - fmr[i - 1]);
                double t = thresholds[i - 1] + a * (thresholds[i] - thresholds[i - 1]);
                return new EqualErrorRate(rate, t);
            }
        }
        // Unreachable: at the top threshold FMR is 0 and FNMR is 1.
        throw new IllegalStateException("no crossing");
    }

    /** The lowest threshold whose FMR is at most {@code targetFmr}, with its FNMR. */
    public OperatingPoint atFmr(double targetFmr) {
        if (!(targetFmr > 0 && targetFmr < 1)) {
            throw new IllegalArgumentException("target FMR must be in (0, 1)");
        }
        int i = 0;
        while (fmr[i] > targetFmr) {
            i++;
        }
        return new OperatingPoint(targetFmr, thresholds[i], fmr[i], fnmr[i],
                impostor.length >= Math.ceil(1 / targetFmr - 1e-9),
                impostor.length >= Math.ceil(3 / targetFmr - 1e-9));
    }

    /** The operating point at a fixed threshold. */
    public OperatingPoint atThreshold(double threshold) {
        double f = fmrAt(threshold);
        return new OperatingPoint(f, threshold, f, fnmrAt(threshold), true, true);
    }

    /** All operating points, thresholds ascending (FMR non-increasing, FNMR non-decreasing). */
    public List<OperatingPoint> points() {
        List<OperatingPoint> out = new ArrayList<>(thresholds.length);
        for (int i = 0; i < thresholds.length; i++) {
            out.add(new OperatingPoint(fmr[i], thresholds[i], fmr[i], fnmr[i], true, true));
        }
        return out;
    }

    /** Index of the first element {@code >= key} in a sorted array. */
    private static int lowerBound(double[] sorted, double key) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
