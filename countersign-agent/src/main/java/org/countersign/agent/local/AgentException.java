package org.countersign.agent.local;

import java.util.Locale;
import java.util.Objects;

/** Why the agent refused to act; the RP agent can show {@link #reason()} to the user. */
public final class AgentException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** The challenge is expired, for another relying party, or malformed (27553-1 A.3.2 e / A.3.3 e). */
        CHALLENGE_INVALID,
        /** The challenge is not signed by the pinned Countersign server key: another server or an edit (SR-C-5). */
        SERVER_NOT_AUTHENTIC,
        /** The calling app or page is not an origin of the relying party this agent serves (SR-C-3). */
        ORIGIN_REFUSED,
        /** No credential on this device answers the challenge. */
        UNKNOWN_CREDENTIAL,
        /** The sample could not be used (no face, poor quality, several faces). */
        SAMPLE_REJECTED,
        /** Presentation-attack detection flagged the sample (T.B.3). */
        PRESENTATION_ATTACK,
        /** The probe did not match the reference: the key stays locked (SR-M-11). */
        NO_MATCH,
        /** Too many failed local verifications: the credential is locked until it is registered again. */
        LOCKED,
        /** The device store could not be read or written, or failed its integrity check. */
        STORAGE;

        public String code() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;

    public AgentException(Reason reason, String detail) {
        super(detail);
        this.reason = Objects.requireNonNull(reason);
    }

    public AgentException(Reason reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = Objects.requireNonNull(reason);
    }

    public Reason reason() {
        return reason;
    }
}
