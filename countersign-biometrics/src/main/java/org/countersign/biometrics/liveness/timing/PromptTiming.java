package org.countersign.biometrics.liveness.timing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.countersign.biometrics.face.FrameSignals;
import org.countersign.biometrics.liveness.Action;

/**
 * Server-timed prompts: the server shows each action at a moment it drew at random and later checks that the
 * action's movement starts within a short window after that moment. A clip recorded before the challenge cannot
 * know when the prompts come, so its movements start too early or too late (X.1279 Appendix III, challenge-response
 * liveness). Times are the server's: the caller maps each frame onto the server clock from the receipt times of the
 * batches that carried it (see {@link ServerTimeline}); client timestamps only order frames inside a batch.
 *
 * <p>The baseline is the median measurement for the prompted action over a look-back before the prompt. The onset is
 * the first frame from {@code minReaction} before the prompt whose measurement departs from that baseline by more
 * than the policy's step; an onset before {@code minReaction} after the prompt was under way before the prompt could
 * be seen. A movement that ended earlier (a natural blink a second before) is neither an onset nor a refusal. This check does not decide
 * whether the action was done well: the liveness judge does. It decides only whether it started when asked.
 */
public final class PromptTiming {

    /**
     * @param minReaction  an onset earlier than this after the prompt was not a reaction to it (human visual
     *                     reaction takes longer)
     * @param maxLag       an onset later than this does not count as following the prompt
     * @param lookBefore   how far before the prompt the baseline is taken
     * @param eyeDrop      blink: eye aspect ratio below (1 − eyeDrop) × baseline, or both-eyes-closed ≥ 0.5
     * @param yawStep      shake: |yaw − baseline| above this (landmark yaw proxy units)
     * @param pitchStep    nod: |pitch − baseline| above this (landmark pitch proxy units)
     * @param mouthStep    open mouth: mouth aspect above baseline by this much
     */
    public record Policy(Duration minReaction, Duration maxLag, Duration lookBefore, double eyeDrop, double yawStep,
            double pitchStep, double mouthStep) {
        public Policy {
            Objects.requireNonNull(minReaction, "minReaction");
            Objects.requireNonNull(maxLag, "maxLag");
            Objects.requireNonNull(lookBefore, "lookBefore");
            if (minReaction.isNegative() || maxLag.compareTo(minReaction) <= 0 || lookBefore.isNegative()) {
                throw new IllegalArgumentException("need 0 <= minReaction < maxLag and lookBefore >= 0");
            }
        }

        public static Policy defaults() {
            return new Policy(Duration.ofMillis(150), Duration.ofMillis(1800), Duration.ofMillis(600), 0.30, 0.20,
                    0.07, 0.15);
        }
    }

    /** One prompt as the server sent it: the action and the server time the prompt left the server. */
    public record Prompt(Action action, Instant shownAt) {
        public Prompt {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(shownAt, "shownAt");
        }
    }

    /** The measurements of one frame at its server time; {@code face} false when no face was found. */
    public record Sample(Instant at, boolean face, double eyeAspect, double eyesClosed, double yaw, double pitch,
            double mouth) {
        public Sample {
            Objects.requireNonNull(at, "at");
        }

        public static Sample of(Instant at, FrameSignals s) {
            if (s == null || s.faceCount() == 0) {
                return new Sample(at, false, 0, 0, 0, 0, 0);
            }
            return new Sample(at, true, (s.leftEyeAspect() + s.rightEyeAspect()) / 2, s.bothEyesClosed(), s.yaw(),
                    s.pitch(), s.mouthAspect());
        }
    }

    public enum Outcome {
        /** The movement started within [minReaction, maxLag] after the prompt. */
        FOLLOWED,
        /** The movement was already under way before the prompt could have been seen. */
        STARTED_BEFORE_PROMPT,
        /** No start of the movement within maxLag after the prompt. */
        NOT_STARTED_IN_TIME,
        /** Too few frames with a face around the prompt to tell. */
        NOT_MEASURABLE
    }

    /** What was found for one prompt; {@code onsetAfterPromptMillis} is negative for a start before it. */
    public record Finding(Action action, Instant prompt, Optional<Long> onsetAfterPromptMillis, Outcome outcome) {
        public String detail() {
            return action + " prompted: " + switch (outcome) {
                case FOLLOWED -> "movement started " + onsetAfterPromptMillis.orElseThrow() + " ms after the prompt";
                case STARTED_BEFORE_PROMPT -> "movement started " + onsetAfterPromptMillis.orElseThrow()
                        + " ms from the prompt, before it could be seen";
                case NOT_STARTED_IN_TIME -> "no movement started in time after the prompt";
                case NOT_MEASURABLE -> "too few frames with a face around the prompt";
            };
        }
    }

    public record Result(List<Finding> findings) {
        public Result {
            findings = List.copyOf(findings);
        }

        public boolean followed() {
            return !findings.isEmpty() && findings.stream().allMatch(f -> f.outcome() == Outcome.FOLLOWED);
        }
    }

    private final Policy policy;

    public PromptTiming(Policy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public Policy policy() {
        return policy;
    }

    /** Checks every prompt against the frames; samples must be in time order. */
    public Result check(List<Prompt> prompts, List<Sample> samples) {
        List<Finding> out = new ArrayList<>();
        for (Prompt p : prompts) {
            out.add(one(p, samples));
        }
        return new Result(out);
    }

    private Finding one(Prompt p, List<Sample> samples) {
        Instant from = p.shownAt().minus(policy.lookBefore());
        Instant to = p.shownAt().plus(policy.maxLag());
        List<Sample> before = samples.stream().filter(s -> s.face() && !s.at().isBefore(from)
                && s.at().isBefore(p.shownAt())).toList();
        Instant searchFrom = p.shownAt().minus(policy.minReaction());
        List<Sample> window = samples.stream().filter(s -> s.face() && !s.at().isBefore(searchFrom)
                && !s.at().isAfter(to)).toList();
        long after = window.stream().filter(s -> !s.at().isBefore(p.shownAt())).count();
        if (before.size() < 2 || after < 2) {
            return new Finding(p.action(), p.shownAt(), Optional.empty(), Outcome.NOT_MEASURABLE);
        }
        double base = median(before, p.action());
        for (Sample s : window) {
            if (departs(s, base, p.action())) {
                long ms = Duration.between(p.shownAt(), s.at()).toMillis();
                Outcome o = ms < policy.minReaction().toMillis() ? Outcome.STARTED_BEFORE_PROMPT : Outcome.FOLLOWED;
                return new Finding(p.action(), p.shownAt(), Optional.of(ms), o);
            }
        }
        return new Finding(p.action(), p.shownAt(), Optional.empty(), Outcome.NOT_STARTED_IN_TIME);
    }

    private static double value(Sample s, Action a) {
        return switch (a) {
            case BLINK -> s.eyeAspect();
            case SHAKE -> s.yaw();
            case NOD -> s.pitch();
            case OPEN_MOUTH -> s.mouth();
        };
    }

    private boolean departs(Sample s, double base, Action a) {
        double v = value(s, a);
        return switch (a) {
            case BLINK -> s.eyesClosed() >= 0.5 || v < (1 - policy.eyeDrop()) * base;
            case SHAKE -> Math.abs(v - base) > policy.yawStep();
            case NOD -> Math.abs(v - base) > policy.pitchStep();
            case OPEN_MOUTH -> v - base > policy.mouthStep();
        };
    }

    private static double median(List<Sample> xs, Action a) {
        double[] v = xs.stream().mapToDouble(s -> value(s, a)).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
