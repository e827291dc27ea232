package org.countersign.biometrics.liveness;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.face.FrameSignals;
import org.countersign.biometrics.face.QualityReport;

/** The server's liveness decision on one capture (X.1279 7.3.2), with its explanation. */
public sealed interface LivenessJudgement permits LivenessJudgement.Live, LivenessJudgement.Refused {
    Explanation explanation();

    /** The frames the judge ran through the costly path (embedding), in capture order; empty if it got no far. */
    List<SampledFrame> samples();

    /**
     * Every frame's cheap-path result (detection, landmarks, eye state, ratios), in capture order, one per frame
     * given to the judge; empty if it refused before image analysis. A caller that needs per-frame signals (the
     * server's prompt timing) reads them here instead of running the face model again.
     */
    List<ObservedFrame> observed();

    default boolean isLive() {
        return this instanceof Live;
    }

    /**
     * Quality-passing samples, most frontal first: what a caller compares or enrols without running the face model
     * again.
     */
    default List<SampledFrame> probes() {
        return samples().stream().filter(SampledFrame::qualityPassed)
                .sorted(java.util.Comparator.comparingDouble(SampledFrame::poseOffset)).toList();
    }

    /**
     * The median presentation-attack score of the frames the judge scored (the value its presentation-attack check
     * compared with the threshold); empty when no frame was scored.
     */
    default OptionalDouble medianAttackScore() {
        double[] v = samples().stream().map(SampledFrame::attackScore).filter(OptionalDouble::isPresent)
                .mapToDouble(OptionalDouble::getAsDouble).sorted().toArray();
        if (v.length == 0) {
            return OptionalDouble.empty();
        }
        int mid = v.length / 2;
        return OptionalDouble.of(v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2);
    }

    /**
     * Every check passed.
     *
     * @param actions        the requested actions where they were seen, in order
     * @param referenceScore cosine score against the reference, when one was given
     * @param samples        the frames analysed with the costly path
     * @param observed       every frame's cheap-path signals
     */
    record Live(List<ActionEvidence> actions, OptionalDouble referenceScore, List<SampledFrame> samples,
            List<ObservedFrame> observed, Explanation explanation) implements LivenessJudgement {
        public Live {
            actions = List.copyOf(actions);
            Objects.requireNonNull(referenceScore, "referenceScore");
            samples = List.copyOf(samples);
            observed = List.copyOf(observed);
            Objects.requireNonNull(explanation, "explanation");
        }
    }

    /**
     * At least one check failed.
     *
     * @param reasons every reason raised, in the order the checks ran (never empty)
     * @param samples  the frames analysed with the costly path, if analysis got that far
     * @param observed every frame's cheap-path signals, if analysis got that far
     */
    record Refused(List<LivenessReason> reasons, List<SampledFrame> samples, List<ObservedFrame> observed,
            Explanation explanation) implements LivenessJudgement {
        public Refused {
            reasons = List.copyOf(reasons);
            if (reasons.isEmpty()) {
                throw new IllegalArgumentException("a refusal needs a reason");
            }
            samples = List.copyOf(samples);
            observed = List.copyOf(observed);
            Objects.requireNonNull(explanation, "explanation");
        }

        public boolean has(LivenessReason reason) {
            return reasons.contains(reason);
        }
    }

    /**
     * Where one action was seen.
     *
     * @param action      the action
     * @param firstFrame  sequence number of the frame where it began
     * @param lastFrame   sequence number of the frame where it was complete
     * @param startMillis capture time of the first frame
     * @param endMillis   capture time of the last frame
     * @param peak        the largest change from the baseline in the action's signal
     */
    record ActionEvidence(Action action, int firstFrame, int lastFrame, long startMillis, long endMillis,
            double peak) {}

    /**
     * One frame as the judge's cheap path saw it.
     *
     * @param sequence the frame's sequence number
     * @param signals  detection, landmarks, eye state and ratios; empty when no face was found
     */
    record ObservedFrame(int sequence, Optional<FrameSignals> signals) {
        public ObservedFrame {
            Objects.requireNonNull(signals, "signals");
        }
    }

    /**
     * One frame the judge analysed with the costly path.
     *
     * @param sequence      the frame's sequence number
     * @param template      its identity template (the analyzer's format)
     * @param attackScore   presentation-attack score, for the frames that were scored
     * @param quality       quality report against the policy, for the frames that were measured
     * @param qualityPassed whether the report shows no failure other than pose (the actions move the head)
     * @param poseOffset    {@code |yaw| + |pitch − baseline pitch|}: smaller is more frontal
     */
    record SampledFrame(int sequence, Template template, OptionalDouble attackScore, Optional<QualityReport> quality,
            boolean qualityPassed, double poseOffset) {
        public SampledFrame {
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(attackScore, "attackScore");
            Objects.requireNonNull(quality, "quality");
        }
    }
}
