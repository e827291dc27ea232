package org.countersign.server.audit;

import java.util.Objects;
import java.util.Optional;
import org.countersign.server.failure.FlowFailure;

/**
 * How an audited operation ended: a {@link Result} and, for refusals, the stable code of why. {@link #wire()} is the
 * outcome string hashed into the chain ({@code success}, {@code refused}, {@code refused:<code>}, ...).
 */
public record AuditOutcome(Result result, Optional<String> code) {
    public static final AuditOutcome SUCCESS = new AuditOutcome(Result.SUCCESS, Optional.empty());
    public static final AuditOutcome REFUSED = new AuditOutcome(Result.REFUSED, Optional.empty());
    /** Done, but not enough on its own (a second factor is still needed). */
    public static final AuditOutcome INCOMPLETE = new AuditOutcome(Result.INCOMPLETE, Optional.empty());
    /** A credential was revoked as the result (a compromise report). */
    public static final AuditOutcome REVOKED = new AuditOutcome(Result.REVOKED, Optional.empty());

    public enum Result {
        SUCCESS("success"), REFUSED("refused"), INCOMPLETE("incomplete"), REVOKED("revoked");

        private final String wire;

        Result(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public AuditOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(code, "code");
    }

    /** Refused for a reason with a stable code (a problem type's identifier, a local reason code). */
    public static AuditOutcome refused(String code) {
        return new AuditOutcome(Result.REFUSED, Optional.of(code));
    }

    /** Refused with a flow failure: its problem code, the word the client's problem type ends with. */
    public static AuditOutcome refused(FlowFailure failure) {
        return refused(failure.problemCode());
    }

    public String wire() {
        return code.map(c -> result.wire() + ":" + c).orElse(result.wire());
    }
}
