package org.countersign.biometrics.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.face.FrameSignals;
import org.countersign.biometrics.face.QualityPolicy;
import org.countersign.biometrics.face.QualityReport;
import org.countersign.biometrics.face.SignalOptions;
import org.countersign.biometrics.protect.KeyedTransform;
import org.countersign.biometrics.protect.ProtectedTemplate;
import org.countersign.biometrics.protect.TemplateProtector;
import org.countersign.biometrics.protect.TransformKey;
import org.countersign.core.bytes.ByteArray;

/**
 * The face comparison measured where the remote flow uses it (X.1279 7.3.4, B-S2): in the protected domain
 * (BioHashing codes, each subject under its own key, the probe transformed with the reference owner's key), one
 * decision being the best of up to {@code bestOf} probes against one reference, as the server compares up to three
 * quality-checked frames of a capture. Yields the threshold for a target false-match rate on these scores, the
 * FMR and FNMR measured at the threshold in use, both per probe-yaw bucket (single probes), and the failures to
 * enrol under the enrolment quality policy.
 *
 * <p>Samples are split the way the server splits them: a <em>reference</em> must pass the enrolment policy in
 * full (its pose limits are a parameter, so wider ones can be measured without running the models again); a
 * <em>probe</em> may fail on pose only (the server exempts pose for capture frames, whose actions move the
 * head). A sample with no face, or failing on anything but pose, is neither.
 */
public final class ProtectedMatchEvaluation {
    /** Upper edges of the |yaw proxy| buckets FMR and FNMR are reported in; the last bucket is open. */
    public static final double[] YAW_EDGES = {0.15, 0.30, 0.45, 0.60};

    private ProtectedMatchEvaluation() {}

    /** One sample as the face analyzer saw it: its template (when a face was found), yaw and quality report. */
    public record Measured(String subject, String source, Template template, double yaw, QualityReport quality) {
        public Measured {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(quality, "quality");
        }

        /**
         * Passes {@code enrolment} in full: no failure other than pose in the measured report (the other limits are
         * the measuring policy's), and yaw and pitch within {@code enrolment}'s pose limits.
         */
        public boolean enrolable(QualityPolicy enrolment) {
            return probe() && Math.abs(quality.yaw()) <= enrolment.maxAbsYaw()
                    && quality.pitch() >= enrolment.minPitch() && quality.pitch() <= enrolment.maxPitch();
        }

        /** Usable as a verification probe: no failure other than pose. */
        public boolean probe() {
            return quality.failures().stream().allMatch(r -> r == ReasonCode.POSE_OUT_OF_RANGE);
        }
    }

    /** Measured samples and the ones where no face was found (they count as failures to enrol). */
    public record Measurement(List<Measured> samples, List<ExtractionFailure> noFace) {
        public Measurement {
            samples = List.copyOf(samples);
            noFace = List.copyOf(noFace);
        }
    }

    /** FMR and FNMR of single probes whose |yaw| lies in [{@code from}, {@code to}). */
    public record YawBucket(double from, double to, int genuine, int impostor, double fnmr, double fmr) {}

    /**
     * @param subjects            subjects with at least one reference
     * @param samples             samples given, faces found or not
     * @param failuresToEnrol     samples that cannot become a reference (no face, or a failed enrolment check)
     * @param fteSources          those samples' names and first reason
     * @param bestOf              probes per decision
     * @param bestOfScores        best-of-N protected scores, genuine and impostor decisions
     * @param targetFmr           the false-match rate the threshold is meant to give
     * @param thresholdAtTarget   lowest threshold whose measured FMR on these decisions is at most the target
     * @param threshold           the threshold in use, at which the rates below are measured
     * @param fmr                 measured FMR of best-of-N decisions at {@code threshold}
     * @param fnmr                measured FNMR of best-of-N decisions at {@code threshold}
     * @param yawBuckets          single-probe FMR and FNMR at {@code threshold} per probe |yaw|
     */
    public record Result(int subjects, int samples, int failuresToEnrol, List<String> fteSources, int bestOf,
            Scores bestOfScores, double targetFmr, double thresholdAtTarget, double threshold, double fmr,
            double fnmr, List<YawBucket> yawBuckets) {
        public double fteRate() {
            return samples == 0 ? 0 : failuresToEnrol / (double) samples;
        }
    }

    /** Analyses every sample once: template, yaw and the quality report under {@code enrolment}. */
    public static Measurement measure(FaceAnalyzer analyzer, List<Sample> samples, QualityPolicy enrolment,
            ProgressListener progress) throws BiometricException {
        List<Measured> out = new ArrayList<>();
        List<ExtractionFailure> noFace = new ArrayList<>();
        int done = 0;
        for (Sample s : samples) {
            String source = s.file().getFileName().toString();
            try {
                var image = analyzer.decode(ByteArray.copyOf(Files.readAllBytes(s.file())));
                FrameSignals sig = analyzer.analyse(image, new SignalOptions(true, false));
                QualityReport q = analyzer.assess(image, enrolment);
                out.add(new Measured(s.subject(), source, sig.template().orElseThrow(), sig.yaw(), q));
            } catch (BiometricException e) {
                if (e.reason() == ReasonCode.ENGINE_FAILURE) {
                    throw e;
                }
                noFace.add(new ExtractionFailure(source, e.reason(), e.getMessage()));
            } catch (IOException e) {
                noFace.add(new ExtractionFailure(source, ReasonCode.IMAGE_UNREADABLE, "cannot read file: " + e));
            }
            progress.progress("measure", ++done, samples.size());
        }
        return new Measurement(out, noFace);
    }

    /**
     * Runs the protected best-of-N comparison. Every enrolable sample is a reference in turn; its subject's other
     * probes, in name order and in groups of {@code bestOf}, make the genuine decisions, every other subject's
     * probes in the same groups the impostor decisions.
     */
    public static Result run(Measurement m, QualityPolicy enrolment, TemplateProtector protector,
            SecureRandom random, int bestOf, double targetFmr, double threshold, ProgressListener progress)
            throws BiometricException {
        if (bestOf < 1) {
            throw new IllegalArgumentException("bestOf must be at least 1");
        }
        List<Measured> all = m.samples();
        Map<String, List<Integer>> probesOf = new LinkedHashMap<>();
        Map<String, List<Integer>> refsOf = new LinkedHashMap<>();
        List<String> fte = new ArrayList<>();
        m.noFace().forEach(f -> fte.add(f.source() + " " + f.reason()));
        for (int i = 0; i < all.size(); i++) {
            Measured s = all.get(i);
            if (s.probe()) {
                probesOf.computeIfAbsent(s.subject(), k -> new ArrayList<>()).add(i);
            }
            if (s.enrolable(enrolment)) {
                refsOf.computeIfAbsent(s.subject(), k -> new ArrayList<>()).add(i);
            } else {
                fte.add(String.format(Locale.ROOT, "%s/%s %s (yaw %.2f, pitch %.2f)", s.subject(),
                        s.source(), s.probe() ? ReasonCode.POSE_OUT_OF_RANGE.name()
                                : s.quality().firstFailure().map(Enum::name).orElse("?"),
                        s.quality().yaw(), s.quality().pitch()));
            }
        }
        // Each reference owner's key; every probe transformed once under every key it will be compared with.
        Map<String, KeyedTransform> keys = new HashMap<>();
        Map<String, Map<Integer, ProtectedTemplate>> under = new HashMap<>();
        int k = 0;
        for (String owner : refsOf.keySet()) {
            KeyedTransform key = protector.transformFor(TransformKey.generate(random));
            keys.put(owner, key);
            Map<Integer, ProtectedTemplate> byProbe = new HashMap<>();
            for (List<Integer> ps : probesOf.values()) {
                for (int p : ps) {
                    byProbe.put(p, protector.protect(all.get(p).template(), key));
                }
            }
            for (int r : refsOf.get(owner)) {
                byProbe.putIfAbsent(r, protector.protect(all.get(r).template(), key));
            }
            under.put(owner, byProbe);
            progress.progress("protect", ++k, refsOf.size());
        }

        List<Double> genuine = new ArrayList<>();
        List<Double> impostor = new ArrayList<>();
        int[] bucketGenuine = new int[YAW_EDGES.length + 1];
        int[] bucketGenuineMiss = new int[YAW_EDGES.length + 1];
        int[] bucketImpostor = new int[YAW_EDGES.length + 1];
        int[] bucketImpostorHit = new int[YAW_EDGES.length + 1];
        k = 0;
        for (Map.Entry<String, List<Integer>> e : refsOf.entrySet()) {
            String owner = e.getKey();
            Map<Integer, ProtectedTemplate> p = under.get(owner);
            for (int r : e.getValue()) {
                ProtectedTemplate ref = p.get(r);
                for (Map.Entry<String, List<Integer>> other : probesOf.entrySet()) {
                    boolean mated = other.getKey().equals(owner);
                    List<Integer> candidates = other.getValue().stream().filter(i -> i != r).toList();
                    double[] single = new double[candidates.size()];
                    for (int c = 0; c < candidates.size(); c++) {
                        int probe = candidates.get(c);
                        single[c] = TemplateProtector.similarity(p.get(probe), ref);
                        int b = bucket(Math.abs(all.get(probe).yaw()));
                        if (mated) {
                            bucketGenuine[b]++;
                            bucketGenuineMiss[b] += single[c] < threshold ? 1 : 0;
                        } else {
                            bucketImpostor[b]++;
                            bucketImpostorHit[b] += single[c] >= threshold ? 1 : 0;
                        }
                    }
                    for (int[] group : groups(candidates.size(), bestOf)) {
                        double best = Double.NEGATIVE_INFINITY;
                        for (int c : group) {
                            best = Math.max(best, single[c]);
                        }
                        (mated ? genuine : impostor).add(best);
                    }
                }
            }
            progress.progress("compare", ++k, refsOf.size());
        }
        Scores scores = new Scores(VerificationEvaluation.toArray(genuine), VerificationEvaluation.toArray(impostor));
        List<YawBucket> buckets = new ArrayList<>();
        for (int b = 0; b <= YAW_EDGES.length; b++) {
            double from = b == 0 ? 0 : YAW_EDGES[b - 1];
            double to = b == YAW_EDGES.length ? Double.POSITIVE_INFINITY : YAW_EDGES[b];
            buckets.add(new YawBucket(from, to, bucketGenuine[b], bucketImpostor[b],
                    rate(bucketGenuineMiss[b], bucketGenuine[b]), rate(bucketImpostorHit[b], bucketImpostor[b])));
        }
        double[] g = scores.genuine();
        double[] im = scores.impostor();
        return new Result(refsOf.size(), all.size() + m.noFace().size(), fte.size(), fte, bestOf, scores, targetFmr,
                thresholdAt(im, targetFmr), threshold, share(im, threshold, true), share(g, threshold, false),
                buckets);
    }

    /**
     * The lowest threshold (just above an observed impostor score) at which at most {@code fmr} of the impostor
     * decisions match; with too few impostors to observe the target, the threshold above the highest one.
     */
    public static double thresholdAt(double[] impostors, double fmr) {
        if (impostors.length == 0) {
            return Double.NaN;
        }
        double[] sorted = impostors.clone();
        Arrays.sort(sorted);
        int allowed = (int) Math.floor(fmr * sorted.length);
        return Math.nextUp(sorted[sorted.length - 1 - Math.min(allowed, sorted.length - 1)]);
    }

    /** Consecutive groups of {@code size} indexes out of {@code n}; a shorter rest only when it is the only group. */
    static List<int[]> groups(int n, int size) {
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start + size <= n; start += size) {
            int[] g = new int[size];
            for (int i = 0; i < size; i++) {
                g[i] = start + i;
            }
            out.add(g);
        }
        if (out.isEmpty() && n > 0) {
            int[] g = new int[n];
            for (int i = 0; i < n; i++) {
                g[i] = i;
            }
            out.add(g);
        }
        return out;
    }

    private static int bucket(double absYaw) {
        for (int b = 0; b < YAW_EDGES.length; b++) {
            if (absYaw < YAW_EDGES[b]) {
                return b;
            }
        }
        return YAW_EDGES.length;
    }

    private static double rate(int n, int of) {
        return of == 0 ? Double.NaN : n / (double) of;
    }

    /** Share of {@code scores} at or above ({@code atOrAbove}) or below the threshold. */
    private static double share(double[] scores, double t, boolean atOrAbove) {
        if (scores.length == 0) {
            return Double.NaN;
        }
        long n = Arrays.stream(scores).filter(s -> atOrAbove ? s >= t : s < t).count();
        return n / (double) scores.length;
    }
}
