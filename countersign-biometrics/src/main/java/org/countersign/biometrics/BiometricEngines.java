package org.countersign.biometrics;

import org.countersign.biometrics.api.BiometricEngine;
import org.countersign.biometrics.api.PresentationAttackDetector;
import org.countersign.biometrics.fingerprint.FingerprintEngine;

/** Entry point: opens the default engines. Callers own (and close) what they open. */
public final class BiometricEngines {
    private BiometricEngines() {}

    // ---- face (owned by the face engine) -------------------------------------------------------

    /** The default face engine with the bundled model pack. */
    public static BiometricEngine face() {
        throw new UnsupportedOperationException("face engine not available yet");
    }

    /** The default presentation-attack detector (face). */
    public static PresentationAttackDetector presentationAttackDetector() {
        throw new UnsupportedOperationException("presentation-attack detector not available yet");
    }

    // ---- fingerprint (owned by the fingerprint engine) -----------------------------------------

    /** The fingerprint engine for images scanned at {@code dpi}. */
    public static BiometricEngine fingerprint(double dpi) {
        return new FingerprintEngine(dpi);
    }
}
