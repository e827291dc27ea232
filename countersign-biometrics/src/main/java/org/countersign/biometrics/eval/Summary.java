package org.countersign.biometrics.eval;

import java.util.Arrays;

/** Descriptive statistics of one score distribution. Quantiles use linear interpolation between order statistics. */
public record Summary(int count, double mean, double standardDeviation, double min, double p05, double median,
        double p95, double max) {

    public static Summary of(double[] values) {
        if (values.length == 0) {
            return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] s = values.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElseThrow();
        double var = 0;
        for (double v : s) {
            var += (v - mean) * (v - mean);
        }
        double sd = s.length > 1 ? Math.sqrt(var / (s.length - 1)) : 0;
        return new Summary(s.length, mean, sd, s[0], quantile(s, 0.05), quantile(s, 0.5), quantile(s, 0.95),
                s[s.length - 1]);
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
