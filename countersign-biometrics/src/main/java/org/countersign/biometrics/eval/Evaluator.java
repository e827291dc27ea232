package org.countersign.biometrics.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.countersign.biometrics.api.BiometricEngine;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Modality;
import org.countersign.biometrics.api.PresentationAttackDetector;
import org.countersign.biometrics.face.FaceEngine;
import org.countersign.biometrics.liveness.JudgePolicy;
import org.countersign.biometrics.protect.TemplateProtector;
import org.countersign.core.bytes.ByteArray;

/**
 * Runs a whole evaluation over a data folder and produces the JSON report and the DET plot: the one entry point
 * for the command line and for tests.
 */
public final class Evaluator {
    /** Target FMRs reported for every verification run. */
    public static final double[] TARGET_FMRS = {0.01, 0.001};
    /** Threshold at which APCER/BPCER are reported when the caller gives none. */
    public static final double DEFAULT_PAD_THRESHOLD = 0.5;

    private final ProgressListener progress;

    public Evaluator(ProgressListener progress) {
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** What a verification run produced. */
    public record VerificationOutcome(Reports.VerificationReport report, ByteArray detPng, String summaryLine) {}

    /** What a PAD run produced. */
    public record PadOutcome(Reports.PadReport report, ByteArray detPng, String summaryLine) {}

    /** Options of a verification run. */
    public record VerificationOptions(Double dpi, int multiImpressionEnrolment, TemplateProtector protector,
            SecureRandom random) {
        /** Plain run: no multi-impression comparison, no protection. */
        public static VerificationOptions plain() {
            return new VerificationOptions(null, 0, null, null);
        }
    }

    public VerificationOutcome verification(BiometricEngine engine, Path data, VerificationOptions options)
            throws IOException, BiometricException {
        List<Sample> samples = Datasets.verification(data);
        VerificationEvaluation.Extraction extraction = VerificationEvaluation.extractAll(engine, samples, progress);
        List<LabelledTemplate> templates = extraction.templates();
        Scores scores = VerificationEvaluation.scoreAllPairs(engine, templates, progress);
        ErrorRateCurve curve = new ErrorRateCurve(scores);
        List<String> notes = new ArrayList<>();

        List<OperatingPoint> atFmr = new ArrayList<>();
        for (double target : TARGET_FMRS) {
            OperatingPoint p = curve.atFmr(target);
            atFmr.add(p);
            if (!p.resolvable()) {
                notes.add(String.format("FMR %s cannot be resolved with %d impostor comparisons (need >= %d)",
                        percent(target), scores.impostorCount(), (long) Math.ceil(1 / target)));
            } else if (!p.supported()) {
                notes.add(String.format("FMR %s: %d impostor comparisons are below the rule of three (%d);"
                        + " treat the FNMR there as indicative", percent(target), scores.impostorCount(),
                        (long) Math.ceil(3 / target)));
            }
        }
        List<Reports.CalibrationCheck> calibration = new ArrayList<>();
        for (double target : new double[] {0.01, 0.001, 0.0001}) {
            double t = engine.thresholdForFalseMatchRate(target);
            calibration.add(new Reports.CalibrationCheck(target, t, curve.fmrAt(t), curve.fnmrAt(t)));
        }

        List<DetPlot.Series> series = new ArrayList<>();
        series.add(DetPlot.Series.of(label("all pairs", curve), curve));

        Reports.MultiImpressionReport multi = null;
        if (options.multiImpressionEnrolment() >= 2) {
            MultiImpressionEvaluation.Result r = MultiImpressionEvaluation.run(engine, templates,
                    options.multiImpressionEnrolment(), progress);
            ErrorRateCurve single = new ErrorRateCurve(r.single());
            ErrorRateCurve several = new ErrorRateCurve(r.multi());
            multi = new Reports.MultiImpressionReport(r.enrolImpressions(), r.subjects(), r.multi().genuineCount(),
                    r.multi().impostorCount(), single.equalErrorRate(), several.equalErrorRate(), single.atFmr(0.01),
                    several.atFmr(0.01));
            series.add(DetPlot.Series.of(label("enrol 1 impression", single), single));
            series.add(DetPlot.Series.of(label("enrol " + r.enrolImpressions() + ", best of", several), several));
        }

        Reports.ProtectionReport protection = null;
        if (options.protector() != null) {
            ProtectionEvaluation.Result r = ProtectionEvaluation.run(templates, engine::compare, options.protector(),
                    options.random() == null ? new SecureRandom() : options.random(), progress);
            protection = new Reports.ProtectionReport(TemplateProtector.SCHEME,
                    options.protector().parameters().inputDimension(), options.protector().parameters().outputBits(),
                    r.subjects(), r.templates(), r.rawEer(), r.protectedEer(), r.deltaEer(), r.rawGenuine(),
                    r.rawImpostor(), r.protectedGenuine(), r.protectedImpostor(), r.linkageMated(),
                    r.linkageNonMated(), r.linkageEer(), r.renewedSameSample());
            ErrorRateCurve protectedCurve = new ErrorRateCurve(r.protectedScores());
            series.add(DetPlot.Series.of(label("protected", protectedCurve), protectedCurve));
        }

        Reports.ProtectedMatchReport protectedMatch = null;
        if (options.protector() != null && engine instanceof FaceEngine face) {
            // The comparison the remote flow makes, at the threshold its policy derives from the target FMR.
            JudgePolicy.IdentityRules identity = JudgePolicy.defaults().identity();
            ProtectedMatchEvaluation.Measurement m = ProtectedMatchEvaluation.measure(face.analyzer(), samples,
                    face.analyzer().settings().quality(), progress);
            ProtectedMatchEvaluation.Result r = ProtectedMatchEvaluation.run(m, face.analyzer().settings().quality(),
                    options.protector(),
                    options.random() == null ? new SecureRandom() : options.random(), identity.probes(),
                    identity.protectedTargetFmr(), identity.protectedMatchThreshold(), progress);
            protectedMatch = new Reports.ProtectedMatchReport(TemplateProtector.SCHEME, r.bestOf(), r.subjects(),
                    r.samples(), r.failuresToEnrol(), r.fteRate(), r.fteSources(), r.bestOfScores().genuineCount(),
                    r.bestOfScores().impostorCount(), r.targetFmr(), r.threshold(), r.fmr(), r.fnmr(),
                    r.thresholdAtTarget(), r.yawBuckets());
            if (r.bestOfScores().impostorCount() < Math.ceil(3 / r.targetFmr())) {
                notes.add(String.format("protected FMR %s: %d impostor decisions are below the rule of three (%d)",
                        percent(r.targetFmr()), r.bestOfScores().impostorCount(),
                        (long) Math.ceil(3 / r.targetFmr())));
            }
        }

        String modality = engine.modality().name().toLowerCase(java.util.Locale.ROOT);
        LinkedHashSet<String> subjects = new LinkedHashSet<>();
        samples.forEach(s -> subjects.add(s.subject()));
        Reports.VerificationReport report = new Reports.VerificationReport(modality,
                data.getFileName() == null ? data.toString() : data.getFileName().toString(),
                engine.templateFormat(), engine.modality() == Modality.FINGERPRINT ? options.dpi() : null,
                samples.size(), subjects.size(), templates.size(), extraction.failures(), scores.genuineCount(),
                scores.impostorCount(), curve.equalErrorRate(), atFmr, calibration, Summary.of(scores.genuine()),
                Summary.of(scores.impostor()), multi, protection, protectedMatch, notes,
                curve.points().stream().map(p -> new Reports.CurvePoint(p.threshold(), p.fmr(), p.fnmr())).toList(),
                scores.genuine(), scores.impostor());

        DetPlot plot = DetPlot.forVerification("DET, " + modality + ", " + report.dataset(),
                scores.impostorCount(), scores.genuineCount());
        ByteArray png = plot.renderPng(series);

        StringBuilder line = new StringBuilder("summary modality=").append(modality)
                .append(" eer=").append(fmt(curve.equalErrorRate().rate()));
        for (OperatingPoint p : atFmr) {
            line.append(" fnmr@fmr").append(trim(p.targetFmr())).append('=').append(fmt(p.fnmr()));
            if (!p.resolvable()) {
                // Too few impostor comparisons to observe this FMR: the figure is an upper-bound guess only.
                line.append(" resolved@fmr").append(trim(p.targetFmr())).append("=false");
            }
        }
        line.append(" genuine=").append(scores.genuineCount()).append(" impostor=").append(scores.impostorCount())
                .append(" fte=").append(extraction.failures().size());
        if (protection != null) {
            line.append(" protected_eer=").append(fmt(protection.protectedEer()))
                    .append(" linkage_eer=").append(fmt(protection.linkageEer()));
        }
        if (protectedMatch != null) {
            line.append(" protected_target_fmr=").append(trim(protectedMatch.targetFmr()))
                    .append(" protected_threshold=").append(fmt(protectedMatch.threshold()))
                    .append(" protected_fmr=").append(fmt(protectedMatch.fmr()))
                    .append(" protected_fnmr=").append(fmt(protectedMatch.fnmr()))
                    .append(" fte_rate=").append(fmt(protectedMatch.fteRate()));
        }
        return new VerificationOutcome(report, png, line.toString());
    }

    public PadOutcome presentationAttack(PresentationAttackDetector detector, Path data, double threshold)
            throws IOException {
        Datasets.PadDataset dataset = Datasets.presentationAttacks(data);
        PadEvaluation.Result result = PadEvaluation.run(detector, dataset, progress);
        PadMetrics metrics = result.metrics();
        PadMetrics.PadOperatingPoint at = metrics.atThreshold(threshold);
        EqualErrorRate eer = metrics.equalErrorRate();
        Reports.PadReport report = new Reports.PadReport("pad",
                data.getFileName() == null ? data.toString() : data.getFileName().toString(),
                metrics.bonaFideCount(), metrics.attackCount(), result.failures(), at, eer, metrics.atApcer(0.05),
                metrics.atApcer(0.10), Summary.of(result.bonaFideScores()), Summary.of(result.attackScores()),
                List.of("attack score >= threshold means 'attack'; APCER over one attack species (printed photo)"),
                metrics.points().stream().map(p -> new Reports.PadCurvePoint(p.threshold(), p.apcer(), p.bpcer()))
                        .toList(),
                result.bonaFideScores(), result.attackScores());
        DetPlot plot = new DetPlot("DET, presentation attacks, " + report.dataset(),
                "Attack presentation classification error rate (APCER)",
                "Bona fide classification error rate (BPCER)",
                DetPlot.decadeFor(Math.max(metrics.attackCount(), metrics.bonaFideCount())))
                .withNote(metrics.bonaFideCount() + " bona fide and " + metrics.attackCount() + " attack presentations");
        ByteArray png = plot.renderPng(List.of(
                new DetPlot.Series(String.format("PAD EER %.2f%%", 100 * eer.rate()), metrics.detPoints())));
        String line = "summary modality=pad apcer=" + fmt(at.apcer()) + " bpcer=" + fmt(at.bpcer())
                + " threshold=" + fmt(threshold) + " eer=" + fmt(eer.rate()) + " bona_fide=" + metrics.bonaFideCount()
                + " attack=" + metrics.attackCount() + " failures=" + result.failures().size();
        return new PadOutcome(report, png, line);
    }

    private static String label(String name, ErrorRateCurve curve) {
        return String.format(java.util.Locale.ROOT, "%s (EER %.2f%%)", name, 100 * curve.equalErrorRate().rate());
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    private static String trim(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String percent(double v) {
        return trim(v * 100) + " %";
    }
}
