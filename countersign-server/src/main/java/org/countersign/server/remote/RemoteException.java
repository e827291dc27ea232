package org.countersign.server.remote;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.countersign.server.failure.FlowFailure;

/**
 * A refusal of the remote biometric flow (X.1279). Each {@link Kind} is answered with one problem type at the HTTP
 * edge; the {@link RemoteReason}s (liveness, image, channel or flow reasons) travel as the {@code reasonCodes} member
 * so clients can act on them.
 */
public final class RemoteException extends FlowFailure {
    private static final long serialVersionUID = 1L;

    /** The failure kinds; {@link #problemCode()} names the problem type each is answered with. */
    public enum Kind {
        ENROLMENT_INVALID("remote-enrolment-invalid"),
        DEVICE_EXISTS("remote-device-exists"),
        DEVICE_REFUSED("remote-device-refused"),
        /** Too many failed SRP proofs from one source: a 429 with the seconds to wait. */
        DEVICE_LOCKED("rate-limited"),
        SESSION_INVALID("remote-session-invalid"),
        SRP_FAILED("remote-srp-failed"),
        CLIENT_MISMATCH("remote-client-mismatch"),
        CHANNEL_REFUSED("remote-channel-refused"),
        CHALLENGE_INVALID("remote-challenge-invalid"),
        NOT_REGISTERED("remote-not-registered"),
        CAPTURE_UNUSABLE("remote-capture-unusable"),
        ENGINE_UNAVAILABLE("remote-engine-unavailable"),
        GRANT_INVALID("remote-grant-invalid"),
        CONSENT_REQUIRED("remote-consent-required"),
        INVALID("validation-failed");

        private final String problemCode;

        Kind(String problemCode) {
            this.problemCode = problemCode;
        }

        public String problemCode() {
            return problemCode;
        }
    }

    private final Kind kind;
    private final transient List<RemoteReason> reasons;
    private final transient Optional<Long> retryAfterSeconds;

    public RemoteException(Kind kind, String detail) {
        this(kind, detail, List.of());
    }

    public RemoteException(Kind kind, String detail, List<RemoteReason> reasons) {
        this(kind, detail, reasons, Optional.empty());
    }

    private RemoteException(Kind kind, String detail, List<RemoteReason> reasons, Optional<Long> retryAfterSeconds) {
        super(detail);
        this.kind = Objects.requireNonNull(kind);
        this.reasons = List.copyOf(reasons);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Too many failed SRP proofs for a device from one source network; retry after the lock ends. */
    static RemoteException deviceLocked(long retryAfterSeconds) {
        return new RemoteException(Kind.DEVICE_LOCKED,
                "too many failed SRP proofs for this device from your network; retry later",
                List.of(RemoteReason.DEVICE_LOCKED), Optional.of(retryAfterSeconds));
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public String problemCode() {
        return kind.problemCode();
    }

    public List<RemoteReason> reasons() {
        return reasons;
    }

    /** The seconds to wait ({@link Kind#DEVICE_LOCKED}). */
    public Optional<Long> retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
