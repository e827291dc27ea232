package org.countersign.biometrics.eval;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.protect.KeyedTransform;
import org.countersign.biometrics.protect.ProtectedTemplate;
import org.countersign.biometrics.protect.TemplateProtector;
import org.countersign.biometrics.protect.TransformKey;

/**
 * Measures what template protection costs and what it buys (ISO/IEC 24745 and ISO/IEC 30136 ideas):
 *
 * <ul>
 *   <li><b>Accuracy</b>: EER of raw scores versus EER in the protected domain, with one key per subject and the
 *       probe transformed with the reference owner's key (an impostor presents at someone else's account).
 *   <li><b>Unlinkability</b> (after Gomez-Barrero et al., "General framework to evaluate unlinkability in
 *       biometric template protection systems", IEEE TIFS 13(6), 2018): every subject is enrolled in two
 *       "applications" with independent keys. Mated pairs are one subject's references across the two keys;
 *       non-mated pairs are different subjects' references across the keys. If the two score distributions
 *       coincide, an attacker holding both databases cannot link them: the linkage EER is then near 50 %.
 *   <li><b>Renewal</b>: the same sample protected under an old and a new key, which should score at impostor
 *       level so that a leaked reference is revoked by re-keying.
 * </ul>
 */
public final class ProtectionEvaluation {
    private ProtectionEvaluation() {}

    public record Result(int subjects, int templates, double rawEer, double protectedEer, double deltaEer,
            Summary rawGenuine, Summary rawImpostor, Summary protectedGenuine, Summary protectedImpostor,
            Summary linkageMated, Summary linkageNonMated, double linkageEer, Summary renewedSameSample,
            Scores protectedScores) {}

    public static Result run(List<LabelledTemplate> templates, Scorer rawScorer, TemplateProtector protector,
            SecureRandom random, ProgressListener progress) throws BiometricException {
        Set<String> subjects = new LinkedHashSet<>();
        templates.forEach(t -> subjects.add(t.subject()));
        Map<String, KeyedTransform> keyA = new HashMap<>();
        Map<String, KeyedTransform> keyB = new HashMap<>();
        int k = 0;
        for (String s : subjects) {
            keyA.put(s, protector.transformFor(TransformKey.generate(random)));
            keyB.put(s, protector.transformFor(TransformKey.generate(random)));
            progress.progress("derive keys", ++k, subjects.size());
        }
        Scores raw = VerificationEvaluation.scoreAllPairs(templates, rawScorer, ProgressListener.NONE);

        int n = templates.size();
        // Each template protected under its own subject's two keys (the two applications).
        List<ProtectedTemplate> inA = new ArrayList<>(n);
        List<ProtectedTemplate> inB = new ArrayList<>(n);
        for (LabelledTemplate t : templates) {
            inA.add(protector.protect(t.template(), keyA.get(t.subject())));
            inB.add(protector.protect(t.template(), keyB.get(t.subject())));
        }
        List<Double> pGenuine = new ArrayList<>();
        List<Double> pImpostor = new ArrayList<>();
        List<Double> mated = new ArrayList<>();
        List<Double> nonMated = new ArrayList<>();
        List<Double> renewed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            LabelledTemplate probe = templates.get(i);
            renewed.add(TemplateProtector.similarity(inA.get(i), inB.get(i)));
            for (int j = 0; j < i; j++) {
                LabelledTemplate reference = templates.get(j);
                boolean same = probe.subject().equals(reference.subject());
                // Verification at the reference owner's account: the probe is transformed with the owner's key.
                double s = protector.compare(probe.template(), inA.get(j), keyA.get(reference.subject()));
                (same ? pGenuine : pImpostor).add(s);
                // Linkage attempt across the two applications.
                double link = TemplateProtector.similarity(inA.get(j), inB.get(i));
                (same ? mated : nonMated).add(link);
            }
            progress.progress("protected compare", i + 1, n);
        }
        Scores protectedScores = new Scores(VerificationEvaluation.toArray(pGenuine),
                VerificationEvaluation.toArray(pImpostor));
        double rawEer = new ErrorRateCurve(raw).equalErrorRate().rate();
        double protectedEer = new ErrorRateCurve(protectedScores).equalErrorRate().rate();
        double[] matedArray = VerificationEvaluation.toArray(mated);
        double[] nonMatedArray = VerificationEvaluation.toArray(nonMated);
        double linkageEer = new ErrorRateCurve(new Scores(matedArray, nonMatedArray)).equalErrorRate().rate();
        return new Result(subjects.size(), n, rawEer, protectedEer, protectedEer - rawEer,
                Summary.of(raw.genuine()), Summary.of(raw.impostor()),
                Summary.of(protectedScores.genuine()), Summary.of(protectedScores.impostor()),
                Summary.of(matedArray), Summary.of(nonMatedArray), linkageEer,
                Summary.of(VerificationEvaluation.toArray(renewed)), protectedScores);
    }
}
