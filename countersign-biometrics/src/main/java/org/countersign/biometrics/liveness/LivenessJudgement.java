package org.countersign.biometrics.liveness;

import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/** The server's liveness decision on one capture (X.1279 7.3.2), with its explanation. */
public sealed interface LivenessJudgement permits LivenessJudgement.Live, LivenessJudgement.Refused {
    Explanation explanation();

    default boolean isLive() {
        return this instanceof Live;
    }

    /**
     * Every check passed.
     *
     * @param actions        the requested actions where they were seen, in order
     * @param referenceScore cosine score against the reference, when one was given
     */
    record Live(List<ActionEvidence> actions, OptionalDouble referenceScore, Explanation explanation)
            implements LivenessJudgement {
        public Live {
            actions = List.copyOf(actions);
            Objects.requireNonNull(referenceScore, "referenceScore");
            Objects.requireNonNull(explanation, "explanation");
        }
    }

    /**
     * At least one check failed.
     *
     * @param reasons every reason raised, in the order the checks ran (never empty)
     */
    record Refused(List<LivenessReason> reasons, Explanation explanation) implements LivenessJudgement {
        public Refused {
            reasons = List.copyOf(reasons);
            if (reasons.isEmpty()) {
                throw new IllegalArgumentException("a refusal needs a reason");
            }
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
}
