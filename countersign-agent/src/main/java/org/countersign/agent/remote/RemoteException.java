package org.countersign.agent.remote;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.countersign.core.client.ProblemDocument;

/**
 * A refusal or failure seen by the remote capture agent. {@link #problemType()} is the server's problem slug
 * (for example {@code remote-capture-unusable}) when the server answered with a problem, and {@link #reasonCodes()}
 * its reason codes, so callers can tell "capture again" from "refused".
 */
public final class RemoteException extends Exception {
    private static final long serialVersionUID = 1L;
    private static final String UNREACHABLE = "unreachable";
    private final int status;
    private final String problemType;
    private final List<String> reasonCodes;
    private final transient Optional<ProblemDocument> problem;

    public RemoteException(int status, String problemType, String message, List<String> reasonCodes) {
        this(status, problemType, message, reasonCodes, Optional.empty());
    }

    private RemoteException(int status, String problemType, String message, List<String> reasonCodes,
            Optional<ProblemDocument> problem) {
        super(message);
        this.status = status;
        this.problemType = problemType;
        this.reasonCodes = List.copyOf(reasonCodes);
        this.problem = problem;
    }

    /**
     * The server's problem answer. A body that is no problem document gets the type {@code http-<status>} so
     * callers can still switch on {@link #problemType()}.
     */
    public static RemoteException of(ProblemDocument p) {
        String type = p.slug().isEmpty() ? "http-" + p.status() : p.slug();
        String message = p.type().isEmpty() ? "server answered " + p.status()
                : p.detail().isEmpty() && p.title().isEmpty() ? "refused" : p.message();
        return new RemoteException(p.status(), type, message, p.reasonCodes(), Optional.of(p));
    }

    /** The server at {@code server} could not be reached at all (status 0, type {@code unreachable}). */
    public static RemoteException unreachable(URI server, IOException cause) {
        RemoteException e = new RemoteException(0, UNREACHABLE, "cannot reach " + server + ": " + cause.getMessage(),
                List.of());
        e.initCause(cause);
        return e;
    }

    public static RemoteException local(String message) {
        return new RemoteException(0, "client", message, List.of());
    }

    /** HTTP status, or 0 for a failure found on the client. */
    public int status() {
        return status;
    }

    public String problemType() {
        return problemType;
    }

    public List<String> reasonCodes() {
        return reasonCodes;
    }

    /** The server's problem document, when the server answered with one. */
    public Optional<ProblemDocument> problem() {
        return problem;
    }

    public boolean isUnreachable() {
        return UNREACHABLE.equals(problemType);
    }
}
