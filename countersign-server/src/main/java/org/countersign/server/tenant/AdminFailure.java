package org.countersign.server.tenant;

import java.util.Objects;
import org.countersign.server.failure.FlowFailure;

/** A refusal of installation administration: relying parties, their keys and their settings. */
public final class AdminFailure extends FlowFailure {
    private static final long serialVersionUID = 1L;

    /** The refusals; {@link #problemCode()} names the problem type each is answered with. */
    public enum Reason {
        NOT_FOUND("not-found"),
        CONFLICT("conflict"),
        INVALID("validation-failed");

        private final String problemCode;

        Reason(String problemCode) {
            this.problemCode = problemCode;
        }

        public String problemCode() {
            return problemCode;
        }
    }

    private final Reason reason;

    private AdminFailure(Reason reason, String detail) {
        super(detail);
        this.reason = Objects.requireNonNull(reason);
    }

    public static AdminFailure notFound(String what) {
        return new AdminFailure(Reason.NOT_FOUND, what + " not found");
    }

    public static AdminFailure conflict(String detail) {
        return new AdminFailure(Reason.CONFLICT, detail);
    }

    public static AdminFailure invalid(String detail) {
        return new AdminFailure(Reason.INVALID, detail);
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String problemCode() {
        return reason.problemCode();
    }
}
