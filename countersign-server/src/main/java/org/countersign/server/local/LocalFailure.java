package org.countersign.server.local;

import java.util.Locale;
import java.util.Map;
import org.countersign.server.http.ApiException;
import org.countersign.server.http.ProblemType;

/**
 * Why a local-mode ceremony was refused. Each reason maps to exactly one problem type and travels as the
 * {@code reason} member of the problem body, so a relying party can act on it without parsing text.
 */
public final class LocalFailure extends ApiException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        MALFORMED(ProblemType.LOCAL_MALFORMED_RESPONSE),
        UNSUPPORTED_ALGORITHM(ProblemType.LOCAL_MALFORMED_RESPONSE),
        CEREMONY_EXPIRED(ProblemType.LOCAL_CEREMONY_EXPIRED),
        BAD_CHALLENGE(ProblemType.LOCAL_VERIFICATION_FAILED),
        BAD_ORIGIN(ProblemType.LOCAL_VERIFICATION_FAILED),
        BAD_RP_ID(ProblemType.LOCAL_VERIFICATION_FAILED),
        BAD_TYPE(ProblemType.LOCAL_VERIFICATION_FAILED),
        BAD_SIGNATURE(ProblemType.LOCAL_VERIFICATION_FAILED),
        USER_NOT_VERIFIED(ProblemType.LOCAL_VERIFICATION_FAILED),
        USER_NOT_PRESENT(ProblemType.LOCAL_VERIFICATION_FAILED),
        COUNTER_REGRESSION(ProblemType.LOCAL_VERIFICATION_FAILED),
        UNKNOWN_CREDENTIAL(ProblemType.LOCAL_VERIFICATION_FAILED),
        CREDENTIAL_REVOKED(ProblemType.LOCAL_VERIFICATION_FAILED),
        WRONG_USER(ProblemType.LOCAL_VERIFICATION_FAILED),
        TRANSACTION_MISMATCH(ProblemType.LOCAL_VERIFICATION_FAILED),
        DUPLICATE_CREDENTIAL(ProblemType.CONFLICT),
        NONE_ATTESTATION_REFUSED(ProblemType.LOCAL_ATTESTATION_REFUSED),
        UNTRUSTED_ATTESTATION(ProblemType.LOCAL_ATTESTATION_REFUSED),
        BAD_ATTESTATION(ProblemType.LOCAL_ATTESTATION_REFUSED),
        ASSURANCE_INSUFFICIENT(ProblemType.LOCAL_ASSURANCE_INSUFFICIENT),
        CONSENT_REQUIRED(ProblemType.LOCAL_CONSENT_REQUIRED);

        private final ProblemType type;

        Reason(ProblemType type) {
            this.type = type;
        }

        public ProblemType type() {
            return type;
        }

        public String code() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;

    public LocalFailure(Reason reason, String detail) {
        this(reason, detail, Map.of());
    }

    public LocalFailure(Reason reason, String detail, Map<String, Object> extra) {
        super(reason.type(), detail, withReason(reason, extra));
        this.reason = reason;
    }

    private static Map<String, Object> withReason(Reason reason, Map<String, Object> extra) {
        var m = new java.util.LinkedHashMap<String, Object>(extra);
        m.put("reason", reason.code());
        return m;
    }

    public Reason reason() {
        return reason;
    }
}
