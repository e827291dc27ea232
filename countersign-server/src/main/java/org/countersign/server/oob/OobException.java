package org.countersign.server.oob;

import java.util.Map;
import java.util.Optional;
import org.countersign.server.http.ApiException;
import org.countersign.server.http.ProblemType;

/**
 * A refusal of the out-of-band flow. Each factory names one failure and fixes its problem type, so a failure
 * cannot be reported under the wrong type; {@code retryAfterSeconds} becomes a {@code Retry-After} header.
 */
public final class OobException extends ApiException {
    private static final long serialVersionUID = 1L;
    private final transient Optional<Long> retryAfterSeconds;

    private OobException(ProblemType type, String detail, Map<String, Object> extensions, Optional<Long> retryAfter) {
        super(type, detail, extensions);
        this.retryAfterSeconds = retryAfter;
    }

    private static OobException of(ProblemType type, String detail) {
        return new OobException(type, detail, Map.of(), Optional.empty());
    }

    public Optional<Long> retryAfterSeconds() {
        return retryAfterSeconds;
    }

    static OobException requestPending() {
        return of(ProblemType.OOB_REQUEST_PENDING, "another server authentication request of this user is being shown;"
                + " wait until it is decided or expires (X.1280 §9.2.4)");
    }

    static OobException noAuthenticator() {
        return of(ProblemType.NO_AUTHENTICATOR, "the user has no active out-of-band authenticator; enrol one first");
    }

    static OobException enrolmentCodeInvalid() {
        return of(ProblemType.ENROLMENT_CODE_INVALID, "the enrolment code is wrong, already used or expired");
    }

    static OobException recoveryCodeInvalid() {
        return of(ProblemType.RECOVERY_CODE_INVALID, "the recovery code is wrong or already used");
    }

    static OobException recoveryLocked(long retryAfter) {
        return new OobException(ProblemType.RECOVERY_LOCKED, "too many wrong recovery codes for this user",
                Map.of("retryAfterSeconds", retryAfter), Optional.of(retryAfter));
    }

    static OobException signatureInvalid(String why) {
        return of(ProblemType.AUTHENTICATOR_SIGNATURE_INVALID, why);
    }

    static OobException signatureMalformed(String why) {
        return of(ProblemType.SIGNATURE_MALFORMED, why);
    }

    static OobException authenticatorRevoked() {
        return of(ProblemType.AUTHENTICATOR_REVOKED, "this authenticator has been revoked");
    }

    static OobException authenticatorMismatch() {
        return of(ProblemType.AUTHENTICATOR_MISMATCH, "this authenticator is not registered to the request's user");
    }

    static OobException requestExpired() {
        return of(ProblemType.REQUEST_EXPIRED, "the request's validity window has passed");
    }

    static OobException alreadyDecided(String status) {
        return new OobException(ProblemType.REQUEST_ALREADY_DECIDED, "the request is already " + status,
                Map.of("status", status), Optional.empty());
    }

    static OobException notPending() {
        return of(ProblemType.REQUEST_NOT_PENDING, "the request is queued behind another request of this user");
    }

    static OobException tenantDisabled() {
        return of(ProblemType.TENANT_DISABLED, "the relying party of this authenticator is disabled");
    }

    static OobException pinInvalid(int attemptsLeft) {
        return new OobException(ProblemType.AUTHENTICATOR_PIN_INVALID, "the approval signature does not verify: wrong PIN ("
                + attemptsLeft + (attemptsLeft == 1 ? " attempt" : " attempts") + " left before the authenticator is locked)",
                Map.of("attemptsLeft", attemptsLeft), Optional.empty());
    }

    static OobException enrolmentLocked(long retryAfter, String scope) {
        return new OobException(ProblemType.ENROLMENT_LOCKED, "too many wrong enrolment codes " + scope,
                Map.of("retryAfterSeconds", retryAfter), Optional.of(retryAfter));
    }

    static OobException offsetMismatch(String what) {
        return of(ProblemType.OFFSET_MISMATCH, what + " does not match the request");
    }

    static OobException terminalNotBound() {
        return of(ProblemType.TERMINAL_NOT_BOUND, "this sign-in must first be confirmed with a passkey on the computer"
                + " that started it (mode webauthn-bound); the relying party submits that assertion, then approve");
    }
}
