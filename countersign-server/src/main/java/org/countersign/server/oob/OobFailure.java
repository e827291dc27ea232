package org.countersign.server.oob;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.countersign.server.failure.FlowFailure;

/**
 * A refusal of the out-of-band flow (X.1280). Each factory names one failure and fixes its {@link Reason}, so a
 * failure cannot be reported under the wrong reason; the HTTP edge maps each reason to one problem type. Typed data
 * rides along: seconds to wait for lockouts (also the {@code Retry-After} header), PIN attempts left, and the state
 * of an already decided request.
 */
public final class OobFailure extends FlowFailure {
    private static final long serialVersionUID = 1L;

    /** Every way the flow refuses; {@link #code()} is the {@link #problemCode()} of the reason. */
    public enum Reason {
        REQUEST_PENDING("oob-request-pending"),
        NO_AUTHENTICATOR("no-authenticator"),
        ENROLMENT_CODE_INVALID("enrolment-code-invalid"),
        ENROLMENT_LOCKED("enrolment-locked"),
        SIGNATURE_INVALID("authenticator-signature-invalid"),
        SIGNATURE_MALFORMED("signature-malformed"),
        AUTHENTICATOR_REVOKED("authenticator-revoked"),
        PIN_INVALID("authenticator-pin-invalid"),
        AUTHENTICATOR_MISMATCH("authenticator-mismatch"),
        REQUEST_EXPIRED("request-expired"),
        ALREADY_DECIDED("request-already-decided"),
        NOT_PENDING("request-not-pending"),
        OFFSET_MISMATCH("offset-mismatch"),
        TERMINAL_NOT_BOUND("terminal-not-bound"),
        RECOVERY_CODE_INVALID("recovery-code-invalid"),
        RECOVERY_LOCKED("recovery-locked"),
        TENANT_DISABLED("tenant-disabled"),
        NOT_FOUND("not-found"),
        INVALID("validation-failed"),
        CONFLICT("conflict");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;
    private final transient Optional<Long> retryAfterSeconds;
    private final transient OptionalInt attemptsLeft;
    private final transient Optional<String> decidedStatus;

    private OobFailure(Reason reason, String detail, Optional<Long> retryAfterSeconds, OptionalInt attemptsLeft,
            Optional<String> decidedStatus) {
        super(detail);
        this.reason = Objects.requireNonNull(reason);
        this.retryAfterSeconds = retryAfterSeconds;
        this.attemptsLeft = attemptsLeft;
        this.decidedStatus = decidedStatus;
    }

    private static OobFailure of(Reason reason, String detail) {
        return new OobFailure(reason, detail, Optional.empty(), OptionalInt.empty(), Optional.empty());
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String problemCode() {
        return reason.code();
    }

    /** Lockouts: how long to wait before the next attempt is looked at. */
    public Optional<Long> retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** A wrong PIN: attempts left before the authenticator is locked. */
    public OptionalInt attemptsLeft() {
        return attemptsLeft;
    }

    /** A request already decided: its state (approved, rejected, cancelled, ...). */
    public Optional<String> decidedStatus() {
        return decidedStatus;
    }

    static OobFailure notFound(String what) {
        return of(Reason.NOT_FOUND, what + " not found");
    }

    static OobFailure invalid(String detail) {
        return of(Reason.INVALID, detail);
    }

    static OobFailure conflict(String detail) {
        return of(Reason.CONFLICT, detail);
    }

    static OobFailure requestPending() {
        return of(Reason.REQUEST_PENDING, "another server authentication request of this user is being shown;"
                + " wait until it is decided or expires (X.1280 §9.2.4)");
    }

    static OobFailure noAuthenticator() {
        return of(Reason.NO_AUTHENTICATOR, "the user has no active out-of-band authenticator; enrol one first");
    }

    static OobFailure enrolmentCodeInvalid() {
        return of(Reason.ENROLMENT_CODE_INVALID, "the enrolment code is wrong, already used or expired");
    }

    static OobFailure recoveryCodeInvalid() {
        return of(Reason.RECOVERY_CODE_INVALID, "the recovery code is wrong or already used");
    }

    static OobFailure recoveryLocked(long retryAfter) {
        return new OobFailure(Reason.RECOVERY_LOCKED, "too many wrong recovery codes for this user",
                Optional.of(retryAfter), OptionalInt.empty(), Optional.empty());
    }

    static OobFailure signatureInvalid(String why) {
        return of(Reason.SIGNATURE_INVALID, why);
    }

    static OobFailure signatureMalformed(String why) {
        return of(Reason.SIGNATURE_MALFORMED, why);
    }

    static OobFailure authenticatorRevoked() {
        return of(Reason.AUTHENTICATOR_REVOKED, "this authenticator has been revoked");
    }

    static OobFailure authenticatorMismatch() {
        return of(Reason.AUTHENTICATOR_MISMATCH, "this authenticator is not registered to the request's user");
    }

    static OobFailure requestExpired() {
        return of(Reason.REQUEST_EXPIRED, "the request's validity window has passed");
    }

    static OobFailure alreadyDecided(String status) {
        return new OobFailure(Reason.ALREADY_DECIDED, "the request is already " + status, Optional.empty(),
                OptionalInt.empty(), Optional.of(status));
    }

    static OobFailure notPending() {
        return of(Reason.NOT_PENDING, "the request is queued behind another request of this user");
    }

    static OobFailure tenantDisabled() {
        return of(Reason.TENANT_DISABLED, "the relying party of this authenticator is disabled");
    }

    static OobFailure pinInvalid(int attemptsLeft) {
        return new OobFailure(Reason.PIN_INVALID, "the approval signature does not verify: wrong PIN ("
                + attemptsLeft + (attemptsLeft == 1 ? " attempt" : " attempts") + " left before the authenticator is locked)",
                Optional.empty(), OptionalInt.of(attemptsLeft), Optional.empty());
    }

    static OobFailure enrolmentLocked(long retryAfter, String scope) {
        return new OobFailure(Reason.ENROLMENT_LOCKED, "too many wrong enrolment codes " + scope,
                Optional.of(retryAfter), OptionalInt.empty(), Optional.empty());
    }

    static OobFailure offsetMismatch(String what) {
        return of(Reason.OFFSET_MISMATCH, what + " does not match the request");
    }

    static OobFailure terminalNotBound() {
        return of(Reason.TERMINAL_NOT_BOUND, "this sign-in must first be confirmed with a passkey on the computer"
                + " that started it (mode webauthn-bound); the relying party submits that assertion, then approve");
    }
}
