package org.countersign.biometrics.eval;

import java.util.Arrays;

/**
 * Comparison scores split into mated (genuine) and non-mated (impostor) comparisons, ISO/IEC 19795-1 terms.
 * Higher scores mean "more alike". For presentation-attack detection the same shape holds attack scores as
 * "positive" and bona fide scores as "negative" (see {@link PadMetrics}).
 */
public final class Scores {
    private final double[] genuine;
    private final double[] impostor;

    public Scores(double[] genuine, double[] impostor) {
        this.genuine = genuine.clone();
        this.impostor = impostor.clone();
        for (double s : this.genuine) {
            requireFinite(s);
        }
        for (double s : this.impostor) {
            requireFinite(s);
        }
    }

    public double[] genuine() {
        return genuine.clone();
    }

    public double[] impostor() {
        return impostor.clone();
    }

    public int genuineCount() {
        return genuine.length;
    }

    public int impostorCount() {
        return impostor.length;
    }

    double[] sortedGenuine() {
        double[] s = genuine.clone();
        Arrays.sort(s);
        return s;
    }

    double[] sortedImpostor() {
        double[] s = impostor.clone();
        Arrays.sort(s);
        return s;
    }

    private static void requireFinite(double s) {
        if (!Double.isFinite(s)) {
            throw new IllegalArgumentException("score is not finite: " + s);
        }
    }
}
