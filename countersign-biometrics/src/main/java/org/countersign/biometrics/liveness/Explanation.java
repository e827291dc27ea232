package org.countersign.biometrics.liveness;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Why the judge decided as it did: every check it ran, which frames it looked at and what it measured
 * (X.1279 App. III; a liveness decision must be able to explain itself to an auditor). Frames are named by
 * their {@link CapturedFrame#sequence()} numbers.
 *
 * @param baseline the session's own resting values, if the capture got far enough to measure them
 * @param checks   the checks in the order they ran
 */
public record Explanation(Optional<Baseline> baseline, List<Check> checks) {
    public Explanation {
        Objects.requireNonNull(baseline, "baseline");
        checks = List.copyOf(checks);
    }

    /** The check of that name, if it ran. */
    public Optional<Check> check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Multi-line text for logs and audit records. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        baseline.ifPresent(b -> sb.append("baseline ").append(b).append('\n'));
        for (Check c : checks) {
            sb.append(c.name()).append(": ").append(c.outcome());
            c.reason().ifPresent(r -> sb.append(" (").append(r).append(')'));
            sb.append(" — ").append(c.detail());
            if (!c.measured().isEmpty()) {
                sb.append(' ').append(c.measured());
            }
            if (!c.frames().isEmpty()) {
                sb.append(" frames ").append(c.frames());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The session's resting values: medians over its first face frames. Actions are judged as changes from
     * these, not against fixed values (MODELS.md: eye and pitch values differ between people).
     */
    public record Baseline(double yaw, double pitch, double eyesClosed, double eyeAspect, double mouthAspect,
            List<Integer> frames) {
        public Baseline {
            frames = List.copyOf(frames);
        }
    }

    /** Outcome of one check. */
    public enum Outcome {
        PASSED,
        FAILED,
        /** The check had nothing to judge in this capture (for example the depth check without head motion). */
        NOT_APPLICABLE,
        /** Not run: an earlier check already refused the capture, and the judge saves the cost. */
        SKIPPED
    }

    /**
     * One check.
     *
     * @param name     stable check name (for example {@code depth}, {@code action.NOD})
     * @param outcome  what it concluded
     * @param reason   the refusal reason it raised, if it failed
     * @param frames   the frames its conclusion rests on
     * @param measured the values it measured, by name
     * @param detail   one sentence for people
     */
    public record Check(String name, Outcome outcome, Optional<LivenessReason> reason, List<Integer> frames,
            Map<String, Double> measured, String detail) {
        public Check {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(reason, "reason");
            frames = List.copyOf(frames);
            measured = Map.copyOf(measured);
            Objects.requireNonNull(detail, "detail");
        }
    }
}
