package org.countersign.server.remote;

import java.util.List;
import java.util.Objects;
import org.countersign.biometrics.liveness.Action;

/**
 * What the decision logic chose for one request (X.1279 §8.2.x step 4), and why.
 *
 * @param biometricType           the modality to capture ({@code FACE}: the only one the remote mode captures)
 * @param actions                 the actions in the required order
 * @param timeLimitMillis         how long the capture may last
 * @param padRequired             presentation-attack detection must run on the capture
 * @param secondModalityRequired  the RP must add another factor before trusting the result
 * @param rules                   the rules that fired, in evaluation order
 */
public record RiskDecision(String biometricType, List<Action> actions, int timeLimitMillis, boolean padRequired,
        boolean secondModalityRequired, List<FiredRule> rules) {
    public RiskDecision {
        Objects.requireNonNull(biometricType, "biometricType");
        actions = List.copyOf(actions);
        rules = List.copyOf(rules);
    }

    /**
     * One rule that fired.
     *
     * @param id           stable rule id, e.g. {@code device.emulator}
     * @param extraActions actions it added (may be 0)
     * @param detail       one sentence for people
     */
    public record FiredRule(String id, int extraActions, String detail) {}
}
