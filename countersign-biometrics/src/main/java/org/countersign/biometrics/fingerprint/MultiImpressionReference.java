package org.countersign.biometrics.fingerprint;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.countersign.biometrics.api.BiometricEngine;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.core.bytes.ByteArray;

/**
 * A reference enrolled from several impressions of one finger. All templates are kept (no fusion into one
 * template: SourceAFIS has none, and each impression covers a different part of the finger), and a probe scores
 * the best of its comparisons with them, which lowers false non-matches caused by partial overlap.
 *
 * <p>Note that taking the maximum over {@code n} impressions also raises the false-match rate at a given
 * threshold (up to {@code n} chances); the evaluation measures both effects.
 */
public record MultiImpressionReference(List<Template> impressions) {
    public MultiImpressionReference {
        impressions = List.copyOf(Objects.requireNonNull(impressions, "impressions"));
        if (impressions.isEmpty()) {
            throw new IllegalArgumentException("at least one impression is needed");
        }
        String format = impressions.get(0).format();
        for (Template t : impressions) {
            if (!t.format().equals(format) || t.modality() != impressions.get(0).modality()) {
                throw new IllegalArgumentException("all impressions must share one template format");
            }
        }
    }

    /**
     * Extracts every impression. A reference needs all of them to be usable: a bad impression at enrolment is
     * better recaptured than silently dropped.
     */
    public static MultiImpressionReference enrol(BiometricEngine engine, List<ByteArray> images)
            throws BiometricException {
        if (images.isEmpty()) {
            throw new BiometricException(ReasonCode.IMAGE_UNREADABLE, "no impressions given");
        }
        List<Template> templates = new ArrayList<>(images.size());
        for (ByteArray image : images) {
            templates.add(engine.extract(image));
        }
        return new MultiImpressionReference(templates);
    }

    public String format() {
        return impressions.get(0).format();
    }

    /** Best score of {@code probe} over all impressions. */
    public double score(BiometricEngine engine, Template probe) throws BiometricException {
        if (engine instanceof FingerprintEngine fingerprints) {
            // Index the probe once for all impressions.
            FingerprintEngine.PreparedProbe prepared = fingerprints.matcherFor(probe);
            double best = Double.NEGATIVE_INFINITY;
            for (Template t : impressions) {
                best = Math.max(best, prepared.score(t));
            }
            return best;
        }
        double best = Double.NEGATIVE_INFINITY;
        for (Template t : impressions) {
            best = Math.max(best, engine.compare(probe, t));
        }
        return best;
    }
}
