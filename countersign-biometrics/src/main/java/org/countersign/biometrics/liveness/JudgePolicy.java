package org.countersign.biometrics.liveness;

import java.time.Duration;
import java.util.Objects;
import org.countersign.biometrics.face.FacePad;
import org.countersign.biometrics.face.QualityPolicy;
import org.countersign.biometrics.protect.ProtectedCalibration;

/**
 * The server's liveness policy (X.1279 7.3.2: the server judges by its own strategy, not the client's verdict).
 * Defaults come from {@link #defaults()}; the figures they rest on are in {@code docs/liveness.md}.
 *
 * @param sequence  frame count, rate and timing rules
 * @param actions   per-session thresholds for the requested actions
 * @param depth     the flat-picture (3-D structure) check
 * @param still     the still-image check
 * @param identity  continuity, reference comparison and presentation-attack rules
 * @param quality   the quality policy the sampled frames must meet (pose is exempt: actions move the head)
 * @param client    how client-side measurements are compared with the server's
 * @param replay    how a capture's motion is compared with the subject's earlier submissions
 */
public record JudgePolicy(
        Sequence sequence,
        ActionRules actions,
        DepthRules depth,
        StillRules still,
        IdentityRules identity,
        QualityPolicy quality,
        ClientRules client,
        ReplayRules replay) {
    public JudgePolicy {
        Objects.requireNonNull(sequence, "sequence");
        Objects.requireNonNull(actions, "actions");
        Objects.requireNonNull(depth, "depth");
        Objects.requireNonNull(still, "still");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(quality, "quality");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(replay, "replay");
    }

    public static JudgePolicy defaults() {
        return new JudgePolicy(Sequence.defaults(), ActionRules.defaults(), DepthRules.defaults(),
                StillRules.defaults(), IdentityRules.defaults(), QualityPolicy.defaults(), ClientRules.defaults(),
                ReplayRules.defaults());
    }

    public JudgePolicy withSequence(Sequence value) {
        return new JudgePolicy(value, actions, depth, still, identity, quality, client, replay);
    }

    public JudgePolicy withActions(ActionRules value) {
        return new JudgePolicy(sequence, value, depth, still, identity, quality, client, replay);
    }

    public JudgePolicy withDepth(DepthRules value) {
        return new JudgePolicy(sequence, actions, value, still, identity, quality, client, replay);
    }

    public JudgePolicy withIdentity(IdentityRules value) {
        return new JudgePolicy(sequence, actions, depth, still, value, quality, client, replay);
    }

    public JudgePolicy withClient(ClientRules value) {
        return new JudgePolicy(sequence, actions, depth, still, identity, quality, value, replay);
    }

    public JudgePolicy withStill(StillRules value) {
        return new JudgePolicy(sequence, actions, depth, value, identity, quality, client, replay);
    }

    public JudgePolicy withReplay(ReplayRules value) {
        return new JudgePolicy(sequence, actions, depth, still, identity, quality, client, value);
    }

    /**
     * @param minFrames        fewest frames accepted
     * @param minFrameRate     lowest mean frame rate (frames per second over the capture's span)
     * @param maxFrameGap      longest gap between consecutive frames: a long gap could hide a cut (App. III item 3)
     * @param submissionGrace  time allowed after the challenge's time limit for the upload to arrive
     * @param baselineFrames   how many consecutive face frames of a stable stretch set the session's baseline
     * @param stableMotion     largest frame-to-frame change of yaw plus pitch proxy inside a stretch that counts as
     *                         stable (the head at rest)
     * @param minFaceFraction  smallest fraction of frames in which a face must be found
     * @param maxSeveralFacesFraction largest fraction of frames allowed to show several comparable faces
     */
    public record Sequence(int minFrames, double minFrameRate, Duration maxFrameGap, Duration submissionGrace,
            int baselineFrames, double stableMotion, double minFaceFraction, double maxSeveralFacesFraction) {
        public Sequence {
            if (minFrames < 2 || baselineFrames < 1 || baselineFrames >= minFrames) {
                throw new IllegalArgumentException("need minFrames ≥ 2 and 1 ≤ baselineFrames < minFrames");
            }
            Objects.requireNonNull(maxFrameGap, "maxFrameGap");
            Objects.requireNonNull(submissionGrace, "submissionGrace");
        }

        public static Sequence defaults() {
            return new Sequence(8, 5.0, Duration.ofMillis(500), Duration.ofSeconds(15), 3, 0.06, 0.8, 0.1);
        }

        public Sequence withMinFrames(int value) {
            return new Sequence(value, minFrameRate, maxFrameGap, submissionGrace, baselineFrames, stableMotion,
                    minFaceFraction, maxSeveralFacesFraction);
        }
    }

    /**
     * Action thresholds, all relative to the session's own values (the baseline; for the mouth, its closed state in
     * the capture). MODELS: absolute eye and pitch values do not transfer across people; changes within one do.
     *
     * @param eyeClosedProbability eye-state probability above which both eyes count as closed
     * @param eyeAspectDrop        an eye aspect ratio at or below this fraction of the baseline also counts as closed
     * @param mouthRise            rise of the inner-lip aspect ratio over the mouth's closed state in the capture (its
     *                             smallest value, never above the baseline's) that counts as an open mouth
     * @param nodPitch             pitch-proxy excursion from the baseline that counts as a nod
     * @param shakeYaw             yaw-proxy excursion from the baseline, needed on each side, for a head shake
     * @param returnFraction       a nod ends when the excursion falls back below this fraction of {@code nodPitch}
     * @param mouthHoldMillis      an open mouth counts only when held open this long (capture time from the first to
     *                             the last open frame of one run): speech opens it for 100–200 ms at a time
     */
    public record ActionRules(double eyeClosedProbability, double eyeAspectDrop, double mouthRise, double nodPitch,
            double shakeYaw, double returnFraction, long mouthHoldMillis) {
        public static ActionRules defaults() {
            return new ActionRules(0.5, 0.7, 0.15, 0.20, 0.25, 0.5, 300);
        }
    }

    /**
     * The flat-picture check. Residuals are in units of the frame's inter-ocular distance, each frame fitted
     * against the first face frame.
     *
     * @param motion            similarity-fit residual at or above which a frame shows more than in-plane motion
     * @param parallax          homography-fit residual at or above which a frame cannot be a view of a flat picture
     * @param planarRatio       a moving frame whose homography residual is at most this fraction of its similarity
     *                          residual moved as a plane does (a homography explains most of its change)
     * @param minParallaxFrames frames that must show parallax when a head action was requested
     * @param minPlanarFrames   planar-moving frames that, without any parallax frame, refuse a capture even when no
     *                          head action was requested
     */
    public record DepthRules(double motion, double parallax, double planarRatio, int minParallaxFrames,
            int minPlanarFrames) {
        public static DepthRules defaults() {
            return new DepthRules(0.06, 0.08, 0.6, 2, 3);
        }
    }

    /**
     * @param maxPairDifference mean absolute grey difference (0–255) of two consecutive 64×48 thumbnails at or
     *                          below which they count as the same picture
     * @param maxStillFraction  largest fraction of such consecutive pairs accepted over the capture
     * @param stillShape        median change of the rigid landmarks' shape between consecutive face frames (after
     *                          removing any shift, rotation and scale; in inter-ocular distances) below which the
     *                          capture is one picture, however its pixels were noised or flickered
     * @param duplicateShape    shape change below which one pair of consecutive face frames counts as the same
     *                          picture
     * @param maxDuplicateFraction largest fraction of consecutive face-frame pairs that may be such duplicates
     * @param minJump           mean move of the rigid landmarks between two face frames (inter-ocular distances)
     *                          from which an isolated move counts as a jump
     * @param jumpRatio         a move is isolated when it is at least this many times both neighbouring moves
     * @param maxIsolatedJumps  most isolated jumps accepted; more is a slide show of held poses
     */
    public record StillRules(double maxPairDifference, double maxStillFraction, double stillShape,
            double duplicateShape, double maxDuplicateFraction, double minJump, double jumpRatio,
            int maxIsolatedJumps) {
        public static StillRules defaults() {
            return new StillRules(0.25, 0.5, 0.0012, 0.0006, 0.25, 0.03, 4.0, 2);
        }
    }

    /**
     * @param fullFrames          frames analysed with the costly path (embedding and attack score), spread over the
     *                            capture; frames around face-box jumps are added, up to {@code maxFullFrames}
     * @param maxFullFrames       cap on costly analyses per capture (cost control)
     * @param continuityThreshold cosine score the first face frame and the resting frame (of the baseline stretch)
     *                            must reach against each other, and every sampled frame against at least one of them
     * @param matchThreshold      cosine score the best quality sample must reach against a raw reference given to
     *                            the judge (0.40 ≈ FMR 1e-3 on the bundled pack's raw-score calibration)
     * @param attackThreshold     median presentation-attack score at or above which the capture is refused
     * @param maxBoxJump          face-box centre move between consecutive frames, in box sides, counted as a jump
     * @param continuityStride    besides those frames, every frame of a matched blink or open mouth and the ends
     *                            of a matched head action, every this many face frames gets an embedding for the
     *                            continuity check (1: every frame)
     * @param probes              quality-passing frames a caller compares with a stored reference, the best
     *                            score deciding
     * @param protectedTargetFmr  the false-match rate a comparison with a protected (BioHashing) reference is meant
     *                            to have, best of {@code probes}; {@link #protectedMatchThreshold()} is read off the
     *                            measured calibration for it (B-S2: thresholds stated as FMRs where they are used)
     */
    public record IdentityRules(int fullFrames, int maxFullFrames, double continuityThreshold, double matchThreshold,
            double attackThreshold, double maxBoxJump, int continuityStride, int probes, double protectedTargetFmr) {
        public IdentityRules {
            if (fullFrames < 2 || maxFullFrames < fullFrames || continuityStride < 1) {
                throw new IllegalArgumentException("need 2 ≤ fullFrames ≤ maxFullFrames and continuityStride ≥ 1");
            }
            if (probes != ProtectedCalibration.BUNDLED.bestOf()) {
                throw new IllegalArgumentException("the protected calibration was measured best of "
                        + ProtectedCalibration.BUNDLED.bestOf() + " probes");
            }
            if (!(protectedTargetFmr > 0) || protectedTargetFmr >= 1) {
                throw new IllegalArgumentException("protectedTargetFmr must lie in (0, 1)");
            }
        }

        public static IdentityRules defaults() {
            return new IdentityRules(3, 20, 0.40, 0.40, FacePad.DEFAULT_ATTACK_THRESHOLD, 0.5, 3,
                    ProtectedCalibration.BUNDLED.bestOf(), 1e-3);
        }

        /** The protected-domain score threshold that gives {@link #protectedTargetFmr()} on the calibration. */
        public double protectedMatchThreshold() {
            return ProtectedCalibration.BUNDLED.thresholdFor(protectedTargetFmr);
        }
    }

    /**
     * @param yawTolerance        largest yaw-proxy difference counted as agreement
     * @param pitchTolerance      largest pitch-proxy difference counted as agreement
     * @param eyesTolerance       largest eyes-closed probability difference counted as agreement
     * @param mouthTolerance      largest mouth-aspect difference counted as agreement
     * @param maxDisagreeFraction fraction of measured frames that may disagree before the capture is refused;
     *                            1.0 records disagreement without refusing
     */
    public record ClientRules(double yawTolerance, double pitchTolerance, double eyesTolerance, double mouthTolerance,
            double maxDisagreeFraction) {
        public static ClientRules defaults() {
            return new ClientRules(0.15, 0.10, 0.5, 0.10, 1.0);
        }
    }

    /**
     * Replay of a re-encoded recording (App. III item 4), judged on motion signatures ({@link MotionSignature}).
     *
     * @param maxRatio   a capture whose alignment distance to an earlier one, divided by its own motion, is below
     *                   this is the same recording (docs/liveness.md: on the attack corpus, re-encoded replays
     *                   0.17–0.57 and a genuine second blink of the same person 0.66 — a thin margin)
     * @param minFrames  traces shorter than this are not compared
     * @param minMotion  traces that move less than this (mean absolute deviation, ratio units) are not compared:
     *                   a face at rest looks alike every time, which is the still check's business
     * @param retention  how long signatures count
     * @param compareWith how many of the subject's newest signatures are compared (cost control)
     */
    public record ReplayRules(double maxRatio, int minFrames, double minMotion, Duration retention,
            int compareWith) {
        public ReplayRules {
            Objects.requireNonNull(retention, "retention");
        }

        public static ReplayRules defaults() {
            return new ReplayRules(0.60, 8, 0.03, Duration.ofDays(30), 50);
        }

        /**
         * Signatures are still recorded and compared (the explanation reports the ratio), but no capture is refused
         * for retracing an earlier one: {@code maxRatio} 0 can never be undercut.
         */
        public static ReplayRules recordOnly() {
            return new ReplayRules(0.0, 8, 0.03, Duration.ofDays(30), 50);
        }
    }
}
