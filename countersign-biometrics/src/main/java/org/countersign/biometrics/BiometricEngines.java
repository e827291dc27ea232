package org.countersign.biometrics;

import org.countersign.biometrics.api.BiometricEngine;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.PresentationAttackDetector;
import org.countersign.biometrics.face.FaceEngine;
import org.countersign.biometrics.face.FacePad;
import org.countersign.biometrics.fingerprint.FingerprintEngine;

/** Entry point: opens the default engines. Callers own (and close) what they open. */
public final class BiometricEngines {
    private BiometricEngines() {}

    // ---- face (owned by the face engine) -------------------------------------------------------

    /** The default face engine with the bundled model pack. */
    public static BiometricEngine face() {
        try {
            return FaceEngine.open();
        } catch (BiometricException e) {
            // Only a missing or broken bundled model pack gets here: a deployment fault, not a sample problem.
            throw new IllegalStateException("face engine cannot start: " + e.getMessage(), e);
        }
    }

    /** The default presentation-attack detector (face). */
    public static PresentationAttackDetector presentationAttackDetector() {
        try {
            return FacePad.open();
        } catch (BiometricException e) {
            throw new IllegalStateException("presentation-attack detector cannot start: " + e.getMessage(), e);
        }
    }

    // ---- fingerprint (owned by the fingerprint engine) -----------------------------------------

    /** The fingerprint engine for images scanned at {@code dpi}. */
    public static BiometricEngine fingerprint(double dpi) {
        return new FingerprintEngine(dpi);
    }
}
