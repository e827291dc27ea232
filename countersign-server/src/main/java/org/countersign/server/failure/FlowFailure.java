package org.countersign.server.failure;

/**
 * A refusal by one of the flows: the caller asked for something the protocol or the policy does not allow. Each
 * flow has exactly one final subclass with an enum reason (the closed set of its failures) and typed data; the HTTP
 * layer alone turns a failure into an RFC 9457 problem ({@code http.FailureProblems}), so services never see
 * status codes or problem URIs.
 *
 * <p>Not {@code sealed}: the subclasses live in their flows' packages and the server is not a named module, where
 * Java allows a sealed type's subclasses in one package only. {@code ArchitectureTest} keeps the set closed instead.
 */
public abstract class FlowFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected FlowFailure(String detail) {
        super(detail, null, false, false); // no stack trace: these are expected outcomes, not bugs
    }

    /**
     * The stable word for this refusal that audit records carry after {@code refused:}: the identifier of the
     * problem type it is answered with (FailureProblemsTest keeps the two equal, so existing chains keep their words).
     */
    public abstract String problemCode();

    /** What a developer can act on; goes into the problem's {@code detail}. */
    public String detail() {
        return getMessage();
    }
}
