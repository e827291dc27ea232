package org.countersign.biometrics.liveness;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Why the judge decided as it did: the actions asked, every action event it saw (requested or not, with its
 * confidence), every check it ran, which frames it looked at and what it measured (X.1279 App. III; a liveness
 * decision must be able to explain itself to an auditor and to the relying party). Frames are named by their
 * {@link CapturedFrame#sequence()} numbers.
 *
 * @param baseline the session's own resting values, if the capture got far enough to measure them
 * @param asked    the actions the challenge asked for, in order
 * @param seen     every action event found in the capture, in capture order (empty if no image was analysed)
 * @param checks   the checks in the order they ran
 */
public record Explanation(Optional<Baseline> baseline, List<Action> asked, List<ActionSeen> seen,
        List<Check> checks) {
    public Explanation {
        Objects.requireNonNull(baseline, "baseline");
        asked = List.copyOf(asked);
        seen = List.copyOf(seen);
        checks = List.copyOf(checks);
    }

    /** The check of that kind (the first, for per-action checks use {@link #check(Kind, Action)}), if it ran. */
    public Optional<Check> check(Kind kind) {
        return checks.stream().filter(c -> c.kind() == kind).findFirst();
    }

    /** The per-action check of that action, if it ran. */
    public Optional<Check> check(Kind kind, Action action) {
        return checks.stream().filter(c -> c.kind() == kind && c.action().equals(Optional.of(action))).findFirst();
    }

    /** The check of that {@linkplain Check#name() name}, if it ran (for logs and older callers; prefer kinds). */
    public Optional<Check> check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The checks that failed, in the order they ran. */
    public List<Check> failed() {
        return checks.stream().filter(c -> c.outcome() == Outcome.FAILED).toList();
    }

    /** Multi-line text for logs and audit records. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        baseline.ifPresent(b -> sb.append("baseline ").append(b).append('\n'));
        sb.append("asked ").append(asked).append('\n');
        for (ActionSeen a : seen) {
            sb.append("seen ").append(a).append('\n');
        }
        for (Check c : checks) {
            sb.append(c.name()).append(": ").append(c.outcome());
            c.reason().ifPresent(r -> sb.append(" (").append(r).append(')'));
            sb.append(" — ").append(c.detail());
            if (!c.measured().isEmpty()) {
                sb.append(' ').append(new java.util.TreeMap<>(c.measured()));
            }
            if (!c.frames().isEmpty()) {
                sb.append(" frames ").append(c.frames());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The session's resting values: medians over a stable stretch of face frames (see {@code docs/liveness.md}).
     * Actions are judged as changes from these, not against fixed values (MODELS.md: eye and pitch values differ
     * between people).
     */
    public record Baseline(double yaw, double pitch, double eyesClosed, double eyeAspect, double mouthAspect,
            List<Integer> frames) {
        public Baseline {
            frames = List.copyOf(frames);
        }
    }

    /**
     * One action event the judge found.
     *
     * @param action     what kind of action
     * @param firstFrame sequence number of the frame where it began
     * @param lastFrame  sequence number of the frame where it was complete
     * @param peak       its largest change from the baseline, in the action's signal
     * @param threshold  the change the policy requires
     * @param confidence {@code min(1, peak / (2 × threshold))}: 0.5 just at the threshold, 1 at twice it
     * @param matched    whether it was matched to a requested action, in order
     */
    public record ActionSeen(Action action, int firstFrame, int lastFrame, double peak, double threshold,
            double confidence, boolean matched) {
        public ActionSeen {
            Objects.requireNonNull(action, "action");
        }
    }

    /** Outcome of one check. */
    public enum Outcome {
        PASSED,
        FAILED,
        /** The check had nothing to judge in this capture. */
        NOT_APPLICABLE,
        /** Not run: an earlier check already refused the capture, and the judge saves the cost. */
        SKIPPED
    }

    /** The checks the judge runs, each with its stable name. */
    public enum Kind {
        ACTION_FLOOR("actionFloor"),
        TIME("time"),
        REPLAY("replay"),
        FRAMES("frames"),
        ORDER("order"),
        RATE("rate"),
        ANALYSIS("analysis"),
        FACE("face"),
        SINGLE_FACE("singleFace"),
        STILL("still"),
        DUPLICATES("duplicates"),
        BASELINE("baseline"),
        MOTION_REPLAY("motionReplay"),
        ACTION("action"),
        ACTIONS("actions"),
        DEPTH("depth"),
        CLIENT("client"),
        CONTINUITY("continuity"),
        PRESENTATION_ATTACK("presentationAttack"),
        QUALITY("quality"),
        REFERENCE("reference");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The stable name used in logs, JSON and {@link Check#name()}. */
        public String label() {
            return label;
        }
    }

    /**
     * One check.
     *
     * @param kind     which check
     * @param action   for {@link Kind#ACTION}, the requested action it judged
     * @param outcome  what it concluded
     * @param reason   the refusal reason it raised, if it failed
     * @param frames   the frames its conclusion rests on
     * @param measured the values it measured, by name (for people and audit; code reads the typed results)
     * @param detail   one sentence for people: what was found and why it passed or failed
     */
    public record Check(Kind kind, Optional<Action> action, Outcome outcome, Optional<LivenessReason> reason,
            List<Integer> frames, Map<String, Double> measured, String detail) {
        public Check {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(reason, "reason");
            frames = List.copyOf(frames);
            measured = Map.copyOf(measured);
            Objects.requireNonNull(detail, "detail");
        }

        /** Stable name: the kind's label, and for an action check {@code action.<ACTION>}. */
        public String name() {
            return action.map(a -> kind.label() + "." + a).orElse(kind.label());
        }
    }
}
