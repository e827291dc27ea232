package org.countersign.agent.oob;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.countersign.core.client.ProblemDocument;

/**
 * Everything that can go wrong in the authenticator, one final subclass per cause so callers (the CLI, an app)
 * can give the user a precise message with a {@code switch} instead of parsing text.
 */
public abstract sealed class OobException extends Exception {
    private static final long serialVersionUID = 1L;

    OobException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The PIN did not open the key store; {@link #attemptsLeft()} more wrong PINs wipe it (X.1280 §9.2.3). */
    public static final class WrongPin extends OobException {
        private static final long serialVersionUID = 1L;
        private final int attemptsLeft;

        public WrongPin(int attemptsLeft) {
            super("wrong PIN; " + attemptsLeft + " attempt" + (attemptsLeft == 1 ? "" : "s")
                    + " left before the authenticator is wiped", null);
            this.attemptsLeft = attemptsLeft;
        }

        public int attemptsLeft() {
            return attemptsLeft;
        }
    }

    /** Too many wrong PINs: the keys were wiped and the authenticator has to be enrolled again. */
    public static final class Locked extends OobException {
        private static final long serialVersionUID = 1L;

        public Locked(String message) {
            super(message, null);
        }
    }

    /** No authenticator is enrolled in this folder. */
    public static final class NotEnrolled extends OobException {
        private static final long serialVersionUID = 1L;

        public NotEnrolled(Path home) {
            super("no authenticator is enrolled in " + home, null);
        }
    }

    /** The verifier could not be reached (DNS, refused connection, timeout, dropped connection). */
    public static final class ServerUnreachable extends OobException {
        private static final long serialVersionUID = 1L;

        public ServerUnreachable(URI server, Throwable cause) {
            super("cannot reach the verifier at " + server + ": " + describe(cause), cause);
        }
    }

    /** TLS failed: the verifier's certificate chain is not trusted or does not name the host (X.1280 §8.1). */
    public static final class TlsTrustFailure extends OobException {
        private static final long serialVersionUID = 1L;

        public TlsTrustFailure(URI server, Throwable cause) {
            super("the TLS certificate of " + server + " is not trusted: " + describe(cause), cause);
        }
    }

    /** The verifier answered with an RFC 9457 problem document, or with an answer this client cannot use. */
    public static final class ServerProblem extends OobException {
        private static final long serialVersionUID = 1L;
        private final transient ProblemDocument problem;

        public ServerProblem(ProblemDocument problem) {
            super("verifier refused (" + problem.status() + (problem.slug().isEmpty() ? "" : " " + problem.slug()) + ")"
                    + (problem.detail().isEmpty() && problem.title().isEmpty() ? "" : ": " + problem.message()), null);
            this.problem = problem;
        }

        /** An answer with status {@code status} that is unusable for a reason found here, not in a problem body. */
        static ServerProblem unusableAnswer(int status, String detail) {
            return new ServerProblem(new ProblemDocument(status, Optional.empty(), "", detail, List.of(), Optional.empty()));
        }

        public int status() {
            return problem.status();
        }

        /** The problem type, e.g. {@code oob-request-expired}; empty when the body was not a problem document. */
        public String type() {
            return problem.slug();
        }

        public ProblemDocument problem() {
            return problem;
        }
    }

    /** A pushed request that the authenticator refuses to show: malformed offset, or not addressed to this user. */
    public static final class InvalidPush extends OobException {
        private static final long serialVersionUID = 1L;
        private final Optional<String> requestId;

        public InvalidPush(Optional<String> requestId, String reason) {
            super("ignored a pushed request" + requestId.map(id -> " " + id).orElse("") + ": " + reason, null);
            this.requestId = requestId;
        }

        public Optional<String> requestId() {
            return requestId;
        }
    }

    /** Enrolment input that cannot be used (bad URI, malformed code, unsuitable PIN, already enrolled). */
    public static final class BadInput extends OobException {
        private static final long serialVersionUID = 1L;

        public BadInput(String message) {
            super(message, null);
        }
    }

    /** The store could not be read or written, or its content is damaged. */
    public static final class StoreFailure extends OobException {
        private static final long serialVersionUID = 1L;

        public StoreFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root == null) {
            return "unknown cause";
        }
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
    }
}
