package org.countersign.biometrics.api;

/** The biometric characteristics Countersign compares. */
public enum Modality {
    FACE,
    FINGERPRINT
}
