package org.countersign.server.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.countersign.server.failure.FlowFailure;
import org.countersign.server.local.LocalFailure;
import org.countersign.server.oob.OobFailure;
import org.countersign.server.remote.RemoteException;
import org.countersign.server.remote.RemoteReason;
import org.countersign.server.tenant.AdminFailure;

/**
 * The one place where a flow's failure becomes an RFC 9457 problem: its type (URI, status, title), the extension
 * members its typed data becomes, and the {@code Retry-After} header of lockouts. The switches are over each flow's
 * closed reason enum, so a new reason does not compile until it has a problem type here.
 */
final class FailureProblems {
    private FailureProblems() {}

    /** What the HTTP layer answers for one failure. */
    record Answer(ProblemType type, Map<String, Object> extensions, Optional<Long> retryAfterSeconds) {}

    static Answer of(FlowFailure f) {
        if (f instanceof OobFailure o) {
            Map<String, Object> ext = new LinkedHashMap<>();
            o.retryAfterSeconds().ifPresent(s -> ext.put("retryAfterSeconds", s));
            o.attemptsLeft().ifPresent(n -> ext.put("attemptsLeft", n));
            o.decidedStatus().ifPresent(s -> ext.put("status", s));
            return new Answer(type(o.reason()), ext, o.retryAfterSeconds());
        }
        if (f instanceof RemoteException r) {
            Map<String, Object> ext = new LinkedHashMap<>();
            if (!r.reasons().isEmpty()) {
                ext.put("reasonCodes", r.reasons().stream().map(RemoteReason::name).toList());
            }
            r.retryAfterSeconds().ifPresent(s -> ext.put("retryAfterSeconds", s));
            // No Retry-After header here: the remote lockout has only ever said it in the body.
            return new Answer(type(r.kind()), ext, Optional.empty());
        }
        if (f instanceof LocalFailure l) {
            Map<String, Object> ext = new LinkedHashMap<>();
            if (!l.unmet().isEmpty()) {
                ext.put("unmet", l.unmet());
            }
            l.assurance().ifPresent(a -> ext.put("assurance", a));
            l.noticeVersion().ifPresent(v -> ext.put("noticeVersion", v));
            if (l.reason().named()) {
                ext.put("reason", l.reason().code());
            }
            return new Answer(type(l.reason()), ext, Optional.empty());
        }
        if (f instanceof AdminFailure a) {
            return new Answer(type(a.reason()), Map.of(), Optional.empty());
        }
        // ArchitectureTest allows no other subclass; reaching this is a programming error (answered 500).
        throw new IllegalStateException("no problem type for " + f.getClass().getName());
    }

    static ProblemType type(OobFailure.Reason r) {
        return switch (r) {
            case REQUEST_PENDING -> ProblemType.OOB_REQUEST_PENDING;
            case NO_AUTHENTICATOR -> ProblemType.NO_AUTHENTICATOR;
            case ENROLMENT_CODE_INVALID -> ProblemType.ENROLMENT_CODE_INVALID;
            case ENROLMENT_LOCKED -> ProblemType.ENROLMENT_LOCKED;
            case SIGNATURE_INVALID -> ProblemType.AUTHENTICATOR_SIGNATURE_INVALID;
            case SIGNATURE_MALFORMED -> ProblemType.SIGNATURE_MALFORMED;
            case AUTHENTICATOR_REVOKED -> ProblemType.AUTHENTICATOR_REVOKED;
            case PIN_INVALID -> ProblemType.AUTHENTICATOR_PIN_INVALID;
            case AUTHENTICATOR_MISMATCH -> ProblemType.AUTHENTICATOR_MISMATCH;
            case REQUEST_EXPIRED -> ProblemType.REQUEST_EXPIRED;
            case ALREADY_DECIDED -> ProblemType.REQUEST_ALREADY_DECIDED;
            case NOT_PENDING -> ProblemType.REQUEST_NOT_PENDING;
            case OFFSET_MISMATCH -> ProblemType.OFFSET_MISMATCH;
            case TERMINAL_NOT_BOUND -> ProblemType.TERMINAL_NOT_BOUND;
            case RECOVERY_CODE_INVALID -> ProblemType.RECOVERY_CODE_INVALID;
            case RECOVERY_LOCKED -> ProblemType.RECOVERY_LOCKED;
            case TENANT_DISABLED -> ProblemType.TENANT_DISABLED;
            case NOT_FOUND -> ProblemType.NOT_FOUND;
            case INVALID -> ProblemType.VALIDATION_FAILED;
            case CONFLICT -> ProblemType.CONFLICT;
        };
    }

    static ProblemType type(RemoteException.Kind k) {
        return switch (k) {
            case ENROLMENT_INVALID -> ProblemType.REMOTE_ENROLMENT_INVALID;
            case DEVICE_EXISTS -> ProblemType.REMOTE_DEVICE_EXISTS;
            case DEVICE_REFUSED -> ProblemType.REMOTE_DEVICE_REFUSED;
            case DEVICE_LOCKED -> ProblemType.RATE_LIMITED;
            case SESSION_INVALID -> ProblemType.REMOTE_SESSION_INVALID;
            case SRP_FAILED -> ProblemType.REMOTE_SRP_FAILED;
            case CLIENT_MISMATCH -> ProblemType.REMOTE_CLIENT_MISMATCH;
            case CHANNEL_REFUSED -> ProblemType.REMOTE_CHANNEL_REFUSED;
            case CHALLENGE_INVALID -> ProblemType.REMOTE_CHALLENGE_INVALID;
            case NOT_REGISTERED -> ProblemType.REMOTE_NOT_REGISTERED;
            case CAPTURE_UNUSABLE -> ProblemType.REMOTE_CAPTURE_UNUSABLE;
            case ENGINE_UNAVAILABLE -> ProblemType.REMOTE_ENGINE_UNAVAILABLE;
            case GRANT_INVALID -> ProblemType.REMOTE_GRANT_INVALID;
            case CONSENT_REQUIRED -> ProblemType.REMOTE_CONSENT_REQUIRED;
            case INVALID -> ProblemType.VALIDATION_FAILED;
        };
    }

    static ProblemType type(LocalFailure.Reason r) {
        return switch (r) {
            case MALFORMED, UNSUPPORTED_ALGORITHM -> ProblemType.LOCAL_MALFORMED_RESPONSE;
            case CEREMONY_EXPIRED -> ProblemType.LOCAL_CEREMONY_EXPIRED;
            case BAD_CHALLENGE, BAD_ORIGIN, BAD_RP_ID, BAD_TYPE, BAD_SIGNATURE, USER_NOT_VERIFIED, USER_NOT_PRESENT,
                    COUNTER_REGRESSION, UNKNOWN_CREDENTIAL, CREDENTIAL_REVOKED, WRONG_USER, TRANSACTION_MISMATCH ->
                    ProblemType.LOCAL_VERIFICATION_FAILED;
            case DUPLICATE_CREDENTIAL -> ProblemType.CONFLICT;
            case NONE_ATTESTATION_REFUSED, UNTRUSTED_ATTESTATION, BAD_ATTESTATION -> ProblemType.LOCAL_ATTESTATION_REFUSED;
            case ASSURANCE_INSUFFICIENT -> ProblemType.LOCAL_ASSURANCE_INSUFFICIENT;
            case CONSENT_REQUIRED -> ProblemType.LOCAL_CONSENT_REQUIRED;
            case NOT_FOUND -> ProblemType.NOT_FOUND;
            case INVALID -> ProblemType.VALIDATION_FAILED;
        };
    }

    static ProblemType type(AdminFailure.Reason r) {
        return switch (r) {
            case NOT_FOUND -> ProblemType.NOT_FOUND;
            case CONFLICT -> ProblemType.CONFLICT;
            case INVALID -> ProblemType.VALIDATION_FAILED;
        };
    }
}
