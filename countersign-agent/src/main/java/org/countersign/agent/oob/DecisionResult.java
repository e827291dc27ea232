package org.countersign.agent.oob;

import java.util.Objects;
import org.countersign.core.oob.ApprovalStatement;

/**
 * The verifier's answer to a signed decision (X.1280 §8.5 step 3).
 *
 * @param requestId the request decided
 * @param decision  what this authenticator sent
 * @param status    the request's status at the verifier: {@code approved}, {@code rejected}, {@code codes_differ}
 */
public record DecisionResult(String requestId, ApprovalStatement.Decision decision, String status) {
    public DecisionResult {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(status, "status");
    }
}
