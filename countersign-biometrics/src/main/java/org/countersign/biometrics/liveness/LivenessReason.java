package org.countersign.biometrics.liveness;

/**
 * Why the server refused a liveness capture. Stable names: they travel to clients and into audit records. Each
 * names the X.1279 App. III item (or other clause) it enforces.
 */
public enum LivenessReason {
    /** Fewer frames than the policy's minimum: not enough to judge motion or continuity. */
    TOO_FEW_FRAMES,
    /** Sequence numbers or capture times do not strictly increase: frames were reordered or spliced. */
    FRAMES_OUT_OF_ORDER,
    /** Mean frame rate below the minimum, or a gap between frames longer than allowed (App. III item 3). */
    FRAME_RATE_TOO_LOW,
    /** The capture lasted longer than the challenge allows, or arrived after the challenge expired (A-G3). */
    TIME_LIMIT_EXCEEDED,
    /**
     * The challenge asks for fewer than {@link LivenessChallenge#MINIMUM_ACTIONS} actions: no policy may lower the
     * floor, since a capture without requested actions is passed by a held photo (App. III item 1).
     */
    TOO_FEW_ACTIONS,
    /** A requested action was not seen anywhere in the capture (App. III item 1). */
    ACTION_MISSING,
    /** Every requested action was seen, but not in the requested order (App. III item 1). */
    ACTIONS_OUT_OF_ORDER,
    /** The face changed shape as a flat picture does, not as a 3-D head does (App. III items 2 and 5). */
    NO_3D_MOTION,
    /** The sampled frames do not show one and the same person (App. III item 3). */
    IDENTITY_CHANGED,
    /** The capture does not match the user's reference (X.1279 7.3.4). */
    REFERENCE_MISMATCH,
    /** The presentation-attack classifier scored the sampled frames as an attack (App. III item 5). */
    PRESENTATION_ATTACK,
    /** Consecutive frames are identical or nearly so across the capture: a still image was injected (item 5). */
    STILL_IMAGE,
    /**
     * Many consecutive frames show the same face geometry: a slide show of a few pictures repeated (item 5).
     */
    DUPLICATED_FRAMES,
    /**
     * The face's motion retraces an earlier submission of this subject frame by frame: a recording presented again,
     * even re-encoded (App. III item 4).
     */
    MOTION_REPLAYED,
    /** A frame was presented before, in this or an earlier capture session (App. III item 4, A-G3). */
    FRAME_REPLAYED,
    /** No sampled frame meets the quality policy (X.1279 7.3.3): ask the client to capture again. */
    QUALITY_TOO_LOW,
    /** Too many frames without a detectable face. */
    NO_FACE,
    /** Too many frames with more than one face of comparable size. */
    SEVERAL_FACES,
    /** The client's own measurements disagree with the server's on too many frames (policy opt-in). */
    CLIENT_MEASUREMENTS_DISAGREE
}
