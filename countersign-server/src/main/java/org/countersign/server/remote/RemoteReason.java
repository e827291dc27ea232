package org.countersign.server.remote;

/**
 * Every reason code of the remote flow (X.1279), the one vocabulary of the {@code reasonCodes} problem member, the
 * sealed result's {@code reasons} and audit details. The names are wire values: never rename one. Reasons that the
 * engines, the liveness judge and the secure channel report under their own enums are here under the same names
 * ({@link #of}); RemoteReasonTest keeps every one of those enums covered.
 */
public enum RemoteReason {
    // ---- the flow's own (challenge, grants, consent, live capture) ----
    OUTCOME_NOT_READY,
    OUTCOME_ALREADY_CONSUMED,
    GRANT_INVALID,
    GRANT_REQUIRED,
    CONSENT_REQUIRED,
    NOT_OPENED_BY_RP,
    NOT_REGISTERED,
    CHALLENGE_EXPIRED,
    CHALLENGE_ALREADY_ANSWERED,
    LIVE_CAPTURE_UNKNOWN,
    LIVE_CAPTURE_REQUIRED,
    LIVE_BATCH_OUT_OF_TURN,
    PROMPTS_INCOMPLETE,
    PROMPT_NOT_FOLLOWED,
    SCREEN_LIGHT_NOT_FOLLOWED,
    SECOND_MODALITY_REQUIRED,
    FRAME_COUNT_MISMATCH,
    TOO_MANY_FRAMES,
    DEVICE_LOCKED,

    // ---- liveness judge (LivenessReason) ----
    TOO_FEW_FRAMES,
    FRAMES_OUT_OF_ORDER,
    FRAME_RATE_TOO_LOW,
    TIME_LIMIT_EXCEEDED,
    TOO_FEW_ACTIONS,
    ACTION_MISSING,
    ACTIONS_OUT_OF_ORDER,
    NO_3D_MOTION,
    IDENTITY_CHANGED,
    REFERENCE_MISMATCH,
    PRESENTATION_ATTACK,
    STILL_IMAGE,
    DUPLICATED_FRAMES,
    MOTION_REPLAYED,
    FRAME_REPLAYED,
    QUALITY_TOO_LOW,
    NO_FACE,
    SEVERAL_FACES,
    CLIENT_MEASUREMENTS_DISAGREE,

    // ---- face and fingerprint engines (ReasonCode) ----
    IMAGE_UNREADABLE,
    IMAGE_TOO_LARGE,
    IMAGE_TOO_SMALL,
    FACE_TOO_SMALL,
    FACE_NOT_CENTRED,
    IMAGE_BLURRED,
    UNDER_EXPOSED,
    OVER_EXPOSED,
    POSE_OUT_OF_RANGE,
    TOO_FEW_MINUTIAE,
    TEMPLATE_FORMAT_MISMATCH,
    TEMPLATE_CORRUPT,
    ENGINE_FAILURE,

    // ---- secure channel (ChannelException.Reason) ----
    CHANNEL_REPLAY,
    CHANNEL_TAMPERED,
    CHANNEL_STALE,
    CHANNEL_WRONG_SESSION,
    CHANNEL_WRONG_DIRECTION,
    CHANNEL_WRONG_TYPE,
    CHANNEL_WRONG_NONCE,
    CHANNEL_MALFORMED,
    CHANNEL_EXHAUSTED,

    // ---- SRP handshake (SrpException.Reason) ----
    SRP_BAD_PUBLIC_VALUE,
    SRP_BAD_CLIENT_PROOF,
    SRP_BAD_SERVER_PROOF,
    SRP_STATE;

    /** The same reason as a lower layer's code of the same name. */
    public static RemoteReason of(Enum<?> lower) {
        return valueOf(lower.name());
    }
}
