package org.countersign.biometrics.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.countersign.biometrics.api.BiometricEngine;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.fingerprint.MultiImpressionReference;

/**
 * Compares enrolment from one impression with enrolment from the first {@code k} impressions of each subject
 * (best score over them), on the same probes: every remaining impression of every subject, scored against every
 * subject's reference.
 */
public final class MultiImpressionEvaluation {
    private MultiImpressionEvaluation() {}

    /** Scores for single- and multi-impression references over the same probes. */
    public record Result(int enrolImpressions, int subjects, Scores single, Scores multi) {}

    public static Result run(BiometricEngine engine, List<LabelledTemplate> templates, int enrolImpressions,
            ProgressListener progress) throws BiometricException {
        if (enrolImpressions < 2) {
            throw new IllegalArgumentException("multi-impression enrolment needs at least 2 impressions");
        }
        Map<String, List<Template>> bySubject = new LinkedHashMap<>();
        for (LabelledTemplate t : templates) {
            bySubject.computeIfAbsent(t.subject(), s -> new ArrayList<>()).add(t.template());
        }
        // Only subjects with at least one probe left after enrolment take part.
        bySubject.values().removeIf(list -> list.size() <= enrolImpressions);
        Map<String, MultiImpressionReference> multi = new LinkedHashMap<>();
        Map<String, MultiImpressionReference> single = new LinkedHashMap<>();
        for (Map.Entry<String, List<Template>> e : bySubject.entrySet()) {
            multi.put(e.getKey(), new MultiImpressionReference(e.getValue().subList(0, enrolImpressions)));
            single.put(e.getKey(), new MultiImpressionReference(e.getValue().subList(0, 1)));
        }
        List<Double> gSingle = new ArrayList<>();
        List<Double> iSingle = new ArrayList<>();
        List<Double> gMulti = new ArrayList<>();
        List<Double> iMulti = new ArrayList<>();
        int subjectIndex = 0;
        for (Map.Entry<String, List<Template>> e : bySubject.entrySet()) {
            List<Template> probes = e.getValue().subList(enrolImpressions, e.getValue().size());
            for (Template probe : probes) {
                for (String owner : multi.keySet()) {
                    boolean mated = owner.equals(e.getKey());
                    (mated ? gSingle : iSingle).add(single.get(owner).score(engine, probe));
                    (mated ? gMulti : iMulti).add(multi.get(owner).score(engine, probe));
                }
            }
            progress.progress("multi-impression", ++subjectIndex, bySubject.size());
        }
        return new Result(enrolImpressions, bySubject.size(),
                new Scores(VerificationEvaluation.toArray(gSingle), VerificationEvaluation.toArray(iSingle)),
                new Scores(VerificationEvaluation.toArray(gMulti), VerificationEvaluation.toArray(iMulti)));
    }
}
