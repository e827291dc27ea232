package org.countersign.biometrics.protect;

/**
 * How a stored reference is transformed, in the levels of ISO/IEC 27553-1 Table C.2, for the assurance vector
 * of requirement B-S2. Encryption (sealing) comes on top of every level and is not what the level measures.
 */
public enum ReferenceProtectionLevel {
    /** The reference is the raw feature template (only sealing protects it), e.g. SourceAFIS minutiae. */
    NONE,
    /** A one-way transform that cannot be renewed. */
    IRREVERSIBLE,
    /** A keyed one-way transform: a new key revokes the old reference and unlinks the new one from it. */
    RENEWABLE
}
