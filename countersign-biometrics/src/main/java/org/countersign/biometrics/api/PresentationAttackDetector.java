package org.countersign.biometrics.api;

import org.countersign.core.bytes.ByteArray;

/**
 * Scores one face image for presentation attacks (ISO/IEC 30107-3 vocabulary: a bona fide presentation
 * versus an attack such as a printed photo or a screen).
 */
public interface PresentationAttackDetector {
    /** Probability-like score in [0, 1] that the image is an attack presentation; higher means more likely attack. */
    double attackScore(ByteArray encodedImage) throws BiometricException;
}
