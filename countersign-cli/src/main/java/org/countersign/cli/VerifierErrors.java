package org.countersign.cli;

import java.net.URI;
import java.util.Optional;
import org.countersign.core.client.ProblemDocument;

/**
 * One line for a client command whose verifier said no or did not answer: which URL, what happened, what to do.
 * The clients (sample bank, capture agent) share it so a wrong key or a stopped server reads the same everywhere.
 */
final class VerifierErrors {
    private VerifierErrors() {}

    /** Why a connection failed: the first message along the cause chain (the JDK's often has none at the top). */
    static String cause(Throwable e) {
        for (Throwable t = e.getCause() == null ? e : e.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return (e.getCause() == null ? e : e.getCause()).getClass().getSimpleName();
    }

    /**
     * @param verifier the verifier's base URL as the user gave it
     * @param problem  the verifier's answer; empty when it was not reached
     * @param cause    why it was not reached (used only when {@code problem} is empty)
     * @param keyHint  where the key came from, for the 401/403 advice (for example {@code --api-key})
     */
    static String oneLine(URI verifier, Optional<ProblemDocument> problem, String cause, String keyHint) {
        if (problem.isEmpty()) {
            return "cannot reach the verifier at " + verifier + " (" + cause + "): check the URL, the --ca file,"
                    + " and that the server runs ('countersign serve')";
        }
        ProblemDocument p = problem.get();
        String what = p.status() + (p.slug().isEmpty() ? "" : " " + p.slug())
                + (p.detail().isEmpty() ? "" : ": " + p.detail());
        return switch (p.status()) {
            case 401 -> "the verifier at " + verifier + " did not accept the key (" + what + "): check " + keyHint;
            case 403 -> "the verifier at " + verifier + " does not allow this key to do that (" + what + "): check "
                    + keyHint;
            case 502, 503, 504 -> "the verifier at " + verifier + " is not available (" + what
                    + "): retry when it has started, or see its log";
            default -> "the verifier at " + verifier + " refused (" + what + ")";
        };
    }
}
