package org.countersign.biometrics.api;

import org.countersign.core.bytes.ByteArray;

/**
 * What a caller needs from one modality, without knowing any model: check a sample, turn it into a template,
 * score two templates, and decide against a threshold stated as a target false-match rate.
 */
public interface BiometricEngine extends AutoCloseable {
    Modality modality();

    /** Format id of the templates this engine produces (see {@link Template#format()}). */
    String templateFormat();

    /**
     * Decodes and assesses the encoded image and extracts a template.
     *
     * @throws BiometricException with a reason code when the sample is unusable
     */
    Template extract(ByteArray encodedImage) throws BiometricException;

    /** Similarity of two templates of this engine's format; higher means more alike. */
    double compare(Template probe, Template reference) throws BiometricException;

    /** The score threshold at which this engine's calibrated false-match rate is at most {@code targetFmr}. */
    double thresholdForFalseMatchRate(double targetFmr);

    @Override
    void close();
}
