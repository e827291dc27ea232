package org.countersign.server.remote;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.countersign.biometrics.liveness.Action;

/**
 * One tenant's decision-logic settings (X.1279 §7.3.5, A-S5): how risk data turns into the number of liveness
 * actions, the time allowed, and whether presentation-attack detection or a second modality is required. Stored as
 * JSON per tenant; {@link #defaults()} applies until the relying party sets its own.
 *
 * @param baseActions                 actions asked at the lowest risk (floor–4)
 * @param minActions                  never fewer than this many, whatever the risk; at least
 *                                    {@link RiskPolicyEngine#ACTION_FLOOR}
 * @param maxActions                  the most {@code baseActions} and {@code minActions} may be set to; risk rules add
 *                                    actions above it and are never cut back (A-S5), up to the number of
 *                                    {@code allowedActions}
 * @param allowedActions              the actions this tenant's users can be asked for, e.g. without head motion
 * @param baseTimeLimitMillis         capture time allowed with no action
 * @param perActionMillis             extra capture time per action
 * @param minOsVersions               lowest OS version accepted without a risk point, by OS name (lower case)
 * @param failuresForExtraAction      recent failed attempts that add an action
 * @param failuresForSecondModality   recent failed attempts that require a second modality
 * @param failureWindowMinutes        how far back failures count
 * @param dormantAfterDays            days without success after which the account counts as dormant
 * @param highValue                   transaction value that adds an action
 * @param secondModalityValue         transaction value that requires a second modality
 * @param refuseEmulators             refuse capture from emulators outright instead of raising the bar
 */
public record RiskPolicy(
        int baseActions,
        int minActions,
        int maxActions,
        List<Action> allowedActions,
        int baseTimeLimitMillis,
        int perActionMillis,
        Map<String, String> minOsVersions,
        int failuresForExtraAction,
        int failuresForSecondModality,
        int failureWindowMinutes,
        int dormantAfterDays,
        long highValue,
        long secondModalityValue,
        boolean refuseEmulators) {

    public RiskPolicy {
        Objects.requireNonNull(allowedActions, "allowedActions");
        allowedActions = List.copyOf(allowedActions);
        minOsVersions = Map.copyOf(minOsVersions == null ? Map.of() : minOsVersions);
        if (allowedActions.isEmpty() || allowedActions.stream().distinct().count() != allowedActions.size()) {
            throw new IllegalArgumentException("allowedActions must list distinct actions");
        }
        if (minActions < RiskPolicyEngine.ACTION_FLOOR) {
            throw new IllegalArgumentException("minActions must be at least " + RiskPolicyEngine.ACTION_FLOOR
                    + ": a policy without liveness actions is not accepted");
        }
        if (maxActions > 4 || minActions > maxActions || baseActions < minActions || baseActions > maxActions) {
            throw new IllegalArgumentException("need " + RiskPolicyEngine.ACTION_FLOOR
                    + " <= minActions <= baseActions <= maxActions <= 4");
        }
        if (minActions > allowedActions.size()) {
            throw new IllegalArgumentException("minActions exceeds the number of allowed actions");
        }
        if (baseTimeLimitMillis < 2_000 || baseTimeLimitMillis > 60_000 || perActionMillis < 0
                || perActionMillis > 20_000) {
            throw new IllegalArgumentException("time limits: base 2..60 s, per action 0..20 s");
        }
        if (failuresForExtraAction < 1 || failuresForSecondModality < 1 || failureWindowMinutes < 1
                || dormantAfterDays < 1 || highValue < 0 || secondModalityValue < 0) {
            throw new IllegalArgumentException("thresholds must be positive");
        }
    }

    public static RiskPolicy defaults() {
        return new RiskPolicy(1, 1, 4, List.of(Action.values()), 8_000, 4_000,
                Map.of("android", "12", "ios", "16"), 2, 4, 24 * 60, 90, 1_000, 10_000, false);
    }

    /** The same policy with only these actions allowed (e.g. a kiosk whose users cannot move their heads). */
    public RiskPolicy withAllowedActions(List<Action> actions, int base, int min, int max) {
        return new RiskPolicy(base, min, max, actions, baseTimeLimitMillis, perActionMillis, minOsVersions,
                failuresForExtraAction, failuresForSecondModality, failureWindowMinutes, dormantAfterDays, highValue,
                secondModalityValue, refuseEmulators);
    }
}
