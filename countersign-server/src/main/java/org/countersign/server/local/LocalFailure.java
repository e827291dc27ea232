package org.countersign.server.local;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.countersign.server.failure.FlowFailure;

/**
 * Why a local-mode ceremony (ISO/IEC 27553-1) was refused. Each reason maps to exactly one problem type at the HTTP
 * edge; reasons of the ceremony itself also travel as the {@code reason} member of the problem body, so a relying
 * party can act on them without parsing text.
 */
public final class LocalFailure extends FlowFailure {
    private static final long serialVersionUID = 1L;

    /** The refusals; {@link #problemCode()} names the problem type each is answered with. */
    public enum Reason {
        MALFORMED("local-malformed-response"),
        UNSUPPORTED_ALGORITHM("local-malformed-response"),
        CEREMONY_EXPIRED("local-ceremony-expired"),
        BAD_CHALLENGE("local-verification-failed"),
        BAD_ORIGIN("local-verification-failed"),
        BAD_RP_ID("local-verification-failed"),
        BAD_TYPE("local-verification-failed"),
        BAD_SIGNATURE("local-verification-failed"),
        USER_NOT_VERIFIED("local-verification-failed"),
        USER_NOT_PRESENT("local-verification-failed"),
        COUNTER_REGRESSION("local-verification-failed"),
        UNKNOWN_CREDENTIAL("local-verification-failed"),
        CREDENTIAL_REVOKED("local-verification-failed"),
        WRONG_USER("local-verification-failed"),
        TRANSACTION_MISMATCH("local-verification-failed"),
        DUPLICATE_CREDENTIAL("conflict"),
        NONE_ATTESTATION_REFUSED("local-attestation-refused"),
        UNTRUSTED_ATTESTATION("local-attestation-refused"),
        BAD_ATTESTATION("local-attestation-refused"),
        ASSURANCE_INSUFFICIENT("local-assurance-insufficient"),
        CONSENT_REQUIRED("local-consent-required"),
        /** A user, credential or tenant the caller named does not exist: a plain 404 without a reason member. */
        NOT_FOUND("not-found"),
        /** A request value the service refuses: a plain 400 without a reason member. */
        INVALID("validation-failed");

        private final String problemCode;

        Reason(String problemCode) {
            this.problemCode = problemCode;
        }

        public String problemCode() {
            return problemCode;
        }

        /** The word the problem body's {@code reason} member and audit records carry. */
        public String code() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether the problem body names this reason: plain not-found and validation answers do not. */
        public boolean named() {
            return this != NOT_FOUND && this != INVALID;
        }
    }

    private final Reason reason;
    private final transient List<String> unmet;
    private final transient Optional<AssuranceVector> assurance;
    private final transient Optional<String> noticeVersion;

    public LocalFailure(Reason reason, String detail) {
        this(reason, detail, List.of(), Optional.empty(), Optional.empty());
    }

    private LocalFailure(Reason reason, String detail, List<String> unmet, Optional<AssuranceVector> assurance,
            Optional<String> noticeVersion) {
        super(detail);
        this.reason = Objects.requireNonNull(reason);
        this.unmet = List.copyOf(unmet);
        this.assurance = assurance;
        this.noticeVersion = noticeVersion;
    }

    static LocalFailure notFound(String what) {
        return new LocalFailure(Reason.NOT_FOUND, what + " not found");
    }

    static LocalFailure invalid(String detail) {
        return new LocalFailure(Reason.INVALID, detail);
    }

    /** B-S2: the registered assurance falls short of the relying party's minimum on the {@code unmet} items. */
    static LocalFailure assuranceInsufficient(String detail, List<String> unmet, AssuranceVector assurance) {
        return new LocalFailure(Reason.ASSURANCE_INSUFFICIENT, detail, unmet, Optional.of(assurance), Optional.empty());
    }

    static LocalFailure consentRequired(String detail, String noticeVersion) {
        return new LocalFailure(Reason.CONSENT_REQUIRED, detail, List.of(), Optional.empty(), Optional.of(noticeVersion));
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String problemCode() {
        return reason.problemCode();
    }

    /** The assurance items that fell short ({@link Reason#ASSURANCE_INSUFFICIENT}); empty otherwise. */
    public List<String> unmet() {
        return unmet;
    }

    /** The credential's registered assurance ({@link Reason#ASSURANCE_INSUFFICIENT}). */
    public Optional<AssuranceVector> assurance() {
        return assurance;
    }

    /** The privacy notice the user must consent to ({@link Reason#CONSENT_REQUIRED}). */
    public Optional<String> noticeVersion() {
        return noticeVersion;
    }
}
