package org.countersign.biometrics.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.countersign.biometrics.api.BiometricEngine;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.fingerprint.FingerprintEngine;
import org.countersign.core.bytes.ByteArray;

/**
 * Technology evaluation in the sense of ISO/IEC 19795-1: extract every sample once, then compare every pair
 * once (the later sample as probe, the earlier as reference). Pairs of one subject are genuine (mated)
 * comparisons, all others impostor (non-mated) comparisons.
 */
public final class VerificationEvaluation {
    private VerificationEvaluation() {}

    /** Result of extraction over a data set. */
    public record Extraction(List<LabelledTemplate> templates, List<ExtractionFailure> failures) {
        public Extraction {
            templates = List.copyOf(templates);
            failures = List.copyOf(failures);
        }
    }

    public static Extraction extractAll(BiometricEngine engine, List<Sample> samples, ProgressListener progress) {
        List<LabelledTemplate> templates = new ArrayList<>(samples.size());
        List<ExtractionFailure> failures = new ArrayList<>();
        int done = 0;
        for (Sample sample : samples) {
            String source = sample.file().getFileName().toString();
            try {
                Template t = engine.extract(ByteArray.copyOf(Files.readAllBytes(sample.file())));
                templates.add(new LabelledTemplate(sample.subject(), source, t));
            } catch (BiometricException e) {
                failures.add(new ExtractionFailure(source, e.reason(), e.getMessage()));
            } catch (IOException e) {
                failures.add(new ExtractionFailure(source, ReasonCode.IMAGE_UNREADABLE, "cannot read file: " + e));
            }
            progress.progress("extract", ++done, samples.size());
        }
        return new Extraction(templates, failures);
    }

    /** Scores every unordered pair once with {@code engine}. */
    public static Scores scoreAllPairs(BiometricEngine engine, List<LabelledTemplate> templates,
            ProgressListener progress) throws BiometricException {
        if (engine instanceof FingerprintEngine fingerprints) {
            return scoreAllPairs(templates, progress, fingerprints);
        }
        return scoreAllPairs(templates, engine::compare, progress);
    }

    /** Scores every unordered pair once with {@code scorer}. */
    public static Scores scoreAllPairs(List<LabelledTemplate> templates, Scorer scorer, ProgressListener progress)
            throws BiometricException {
        return scoreAllPairs(templates, progress, probe -> reference -> scorer.score(probe, reference));
    }

    private static Scores scoreAllPairs(List<LabelledTemplate> templates, ProgressListener progress,
            FingerprintEngine engine) throws BiometricException {
        return scoreAllPairs(templates, progress, probe -> {
            FingerprintEngine.PreparedProbe prepared = engine.matcherFor(probe);
            return prepared::score;
        });
    }

    private interface ProbeScorer {
        ReferenceScorer prepare(Template probe) throws BiometricException;
    }

    private interface ReferenceScorer {
        double score(Template reference) throws BiometricException;
    }

    private static Scores scoreAllPairs(List<LabelledTemplate> templates, ProgressListener progress,
            ProbeScorer scorer) throws BiometricException {
        List<Double> genuine = new ArrayList<>();
        List<Double> impostor = new ArrayList<>();
        int n = templates.size();
        long total = (long) n * (n - 1) / 2;
        long done = 0;
        for (int i = 1; i < n; i++) {
            LabelledTemplate probe = templates.get(i);
            ReferenceScorer prepared = scorer.prepare(probe.template());
            for (int j = 0; j < i; j++) {
                LabelledTemplate reference = templates.get(j);
                double s = prepared.score(reference.template());
                (probe.subject().equals(reference.subject()) ? genuine : impostor).add(s);
            }
            done += i;
            progress.progress("compare", (int) Math.min(done, Integer.MAX_VALUE), (int) Math.min(total, Integer.MAX_VALUE));
        }
        return new Scores(toArray(genuine), toArray(impostor));
    }

    static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
