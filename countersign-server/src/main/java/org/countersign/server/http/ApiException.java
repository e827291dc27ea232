package org.countersign.server.http;

import java.util.Map;
import java.util.Objects;

/**
 * A refusal by the HTTP layer itself (route handlers, body parsing, authentication, rate limits), answered as an
 * RFC 9457 problem of a stable {@link ProblemType}. Services never throw it: they fail with their flow's
 * {@code FlowFailure}, which {@link FailureProblems} maps (ArchitectureTest keeps it so).
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ProblemType type;
    private final transient Map<String, Object> extensions;

    public ApiException(ProblemType type, String detail) {
        this(type, detail, Map.of());
    }

    public ApiException(ProblemType type, String detail, Map<String, Object> extensions) {
        super(detail, null, false, false); // no stack trace: these are expected outcomes, not bugs
        this.type = Objects.requireNonNull(type);
        this.extensions = Map.copyOf(extensions);
    }

    public ProblemType type() {
        return type;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public static ApiException notFound(String what) {
        return new ApiException(ProblemType.NOT_FOUND, what + " not found");
    }

    public static ApiException invalid(String detail) {
        return new ApiException(ProblemType.VALIDATION_FAILED, detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(ProblemType.CONFLICT, detail);
    }
}
