package org.countersign.biometrics.api;

/**
 * Why the engine refused a sample. Stable names: they travel to clients in problem bodies and results.
 * Engines add codes here rather than inventing strings.
 */
public enum ReasonCode {
    /** Bytes are not a decodable image (corrupt, truncated, unsupported format). */
    IMAGE_UNREADABLE,
    /** Image dimensions exceed the configured pixel budget; refused before decoding. */
    IMAGE_TOO_LARGE,
    /** Image too small to hold a usable sample. */
    IMAGE_TOO_SMALL,
    NO_FACE,
    SEVERAL_FACES,
    FACE_TOO_SMALL,
    FACE_NOT_CENTRED,
    IMAGE_BLURRED,
    UNDER_EXPOSED,
    OVER_EXPOSED,
    POSE_OUT_OF_RANGE,
    /** Fingerprint image yielded too few minutiae. */
    TOO_FEW_MINUTIAE,
    /** Template format not produced by this engine (e.g. older model version): re-enrol. */
    TEMPLATE_FORMAT_MISMATCH,
    /** Template bytes are corrupt. */
    TEMPLATE_CORRUPT,
    /** The model runtime failed; the sample may be fine. */
    ENGINE_FAILURE
}
