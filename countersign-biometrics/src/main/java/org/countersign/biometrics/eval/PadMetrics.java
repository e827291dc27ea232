package org.countersign.biometrics.eval;

/**
 * Presentation-attack detection error rates in ISO/IEC 30107-3 terms, for detectors whose score grows with the
 * likelihood of an attack and which call a presentation an attack when {@code score >= threshold}:
 * APCER is the share of attack presentations classified as bona fide, BPCER the share of bona fide
 * presentations classified as attacks. (30107-3 reports APCER per attack instrument species and takes the
 * worst; our data sets have one species, printed photos, so the two coincide.)
 */
public final class PadMetrics {
    private final ErrorRateCurve curve;
    private final int attackCount;
    private final int bonaFideCount;

    /** @param attackScores scores of attack presentations; @param bonaFideScores of bona fide ones */
    public PadMetrics(double[] attackScores, double[] bonaFideScores) {
        // Attacks play the role of "genuine" (should score high): FNMR = APCER, FMR = BPCER.
        this.curve = new ErrorRateCurve(new Scores(attackScores, bonaFideScores));
        this.attackCount = attackScores.length;
        this.bonaFideCount = bonaFideScores.length;
    }

    public int attackCount() {
        return attackCount;
    }

    public int bonaFideCount() {
        return bonaFideCount;
    }

    public PadOperatingPoint atThreshold(double threshold) {
        return new PadOperatingPoint(threshold, curve.fnmrAt(threshold), curve.fmrAt(threshold));
    }

    /** The PAD equal error rate, where APCER = BPCER. */
    public EqualErrorRate equalErrorRate() {
        return curve.equalErrorRate();
    }

    /** BPCER at the lowest-security threshold whose APCER is at most {@code targetApcer} (e.g. BPCER20 at 5 %). */
    public PadOperatingPoint atApcer(double targetApcer) {
        // APCER rises with the threshold: take the highest threshold still within the target.
        PadOperatingPoint best = atThreshold(Double.NEGATIVE_INFINITY);
        for (OperatingPoint p : curve.points()) {
            if (p.fnmr() <= targetApcer) {
                best = new PadOperatingPoint(p.threshold(), p.fnmr(), p.fmr());
            }
        }
        return best;
    }

    /** APCER and BPCER at every threshold where either changes, thresholds ascending. */
    public java.util.List<PadOperatingPoint> points() {
        return curve.points().stream().map(p -> new PadOperatingPoint(p.threshold(), p.fnmr(), p.fmr())).toList();
    }

    /** Points for a DET plot: x = APCER, y = BPCER. */
    public java.util.List<double[]> detPoints() {
        return curve.points().stream().map(p -> new double[] {p.fnmr(), p.fmr()}).toList();
    }

    /** APCER and BPCER at one threshold. */
    public record PadOperatingPoint(double threshold, double apcer, double bpcer) {}
}
