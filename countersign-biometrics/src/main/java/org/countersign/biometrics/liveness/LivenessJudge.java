package org.countersign.biometrics.liveness;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntBinaryOperator;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.face.FrameSignals;
import org.countersign.biometrics.face.Landmarks;
import org.countersign.biometrics.face.QualityReport;
import org.countersign.biometrics.face.SignalOptions;
import org.countersign.biometrics.liveness.Explanation.Baseline;
import org.countersign.biometrics.liveness.Explanation.ActionSeen;
import org.countersign.biometrics.liveness.Explanation.Check;
import org.countersign.biometrics.liveness.Explanation.Kind;
import org.countersign.biometrics.liveness.Explanation.Outcome;
import org.countersign.biometrics.liveness.LivenessJudgement.ActionEvidence;
import org.countersign.biometrics.liveness.LivenessJudgement.ObservedFrame;
import org.countersign.biometrics.liveness.LivenessJudgement.SampledFrame;
import org.countersign.core.bytes.ByteArray;

/**
 * The server's anti-spoofing judgement of a capture made for a {@link LivenessChallenge} (X.1279 7.3.2, A-S2,
 * A-S3, A-S4). The judge measures every frame itself; the client's verdict and measurements are never trusted.
 *
 * <p>Order of work, cheapest first, so that hopeless submissions cost little: freshness and replay (hashes only),
 * sequence rules (timestamps only), then every frame through the cheap face path (detection, landmarks, eye state,
 * ratios), and only a few frames through the costly path (embedding and presentation-attack score).
 *
 * <p>Thread-safe if the hash store is; the analyzer is shared.
 */
public final class LivenessJudge {
    /** Landmarks on the head's rigid parts: jaw sides, brows, nose, eye corners (not lids, lips or chin). */
    private static final int[] RIGID_POINTS = {0, 1, 2, 3, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
        27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 39, 42, 45};
    private static final int THUMB_W = 64;
    private static final int THUMB_H = 48;

    private final FaceAnalyzer analyzer;
    private final FrameHashStore hashes;
    private final ReplaySignatureStore signatures;
    private final Clock clock;

    /**
     * A judge whose motion signatures live in this judge's memory only (one process; 30 days, 50 per subject). A
     * server with several nodes passes a shared {@link ReplaySignatureStore}.
     */
    public LivenessJudge(FaceAnalyzer analyzer, FrameHashStore hashes, Clock clock) {
        this(analyzer, hashes, new InMemoryReplaySignatureStore(Duration.ofDays(30), 50), clock);
    }

    public LivenessJudge(FaceAnalyzer analyzer, FrameHashStore hashes, ReplaySignatureStore signatures, Clock clock) {
        this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
        this.hashes = Objects.requireNonNull(hashes, "hashes");
        this.signatures = Objects.requireNonNull(signatures, "signatures");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The subject key {@link #judge(LivenessChallenge, List, Optional, JudgePolicy)} compares motion under. */
    public static final String SHARED_SUBJECT = "";

    /**
     * Judges one capture, comparing its motion with every earlier capture judged without a subject
     * ({@link #SHARED_SUBJECT}). Servers should name the subject: {@link #judge(String, LivenessChallenge, List,
     * Optional, JudgePolicy)}.
     */
    public LivenessJudgement judge(LivenessChallenge challenge, List<CapturedFrame> frames,
            Optional<Template> reference, JudgePolicy policy) throws BiometricException {
        return judge(SHARED_SUBJECT, challenge, frames, reference, policy);
    }

    /**
     * Judges one capture.
     *
     * @param subject   whose earlier submissions the capture's motion is compared with (the server's user id)
     * @param challenge what the server asked for
     * @param frames    the frames in the order the client sent them
     * @param reference the user's reference template for 1:1 comparison, if the flow has one (registration does not)
     * @param policy    the server's policy
     * @return {@link LivenessJudgement.Live} or {@link LivenessJudgement.Refused} with every reason found
     * @throws BiometricException for unusable input: a frame that is not a decodable image ({@code IMAGE_UNREADABLE},
     *                            {@code IMAGE_TOO_LARGE}, {@code IMAGE_TOO_SMALL}), a reference of another format
     *                            ({@code TEMPLATE_FORMAT_MISMATCH}), or a model fault ({@code ENGINE_FAILURE})
     */
    public LivenessJudgement judge(String subject, LivenessChallenge challenge, List<CapturedFrame> frames,
            Optional<Template> reference, JudgePolicy policy) throws BiometricException {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(challenge, "challenge");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(policy, "policy");
        List<CapturedFrame> capture = List.copyOf(frames);
        Run run = new Run(challenge.actions());
        Instant now = clock.instant();

        checkFreshness(challenge, capture, policy, now, run);
        checkReplay(capture, now, run);
        checkSequence(capture, policy.sequence(), run);
        if (!run.reasons.isEmpty()) {
            run.skip(Kind.ANALYSIS, "refused before image analysis: frames, timing or replay");
            return run.refused(Optional.empty());
        }
        // The floor refuses, but the analysis still runs: the challenge is the server's, not the attacker's, and the
        // explanation then shows what the capture held.
        checkFloor(challenge, run);

        // Every frame through the cheap path (cost control: the costly path only for a few, below).
        int n = capture.size();
        BufferedImage[] images = new BufferedImage[n];
        FrameSignals[] cheap = new FrameSignals[n];
        for (int i = 0; i < n; i++) {
            images[i] = analyzer.decode(capture.get(i).encoded());
            try {
                cheap[i] = analyzer.analyse(images[i], SignalOptions.CHEAP);
            } catch (BiometricException e) {
                if (e.reason() != ReasonCode.NO_FACE) {
                    throw e;
                }
            }
        }
        List<Integer> faceIdx = new ArrayList<>();
        List<ObservedFrame> observed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (cheap[i] != null) {
                faceIdx.add(i);
            }
            observed.add(new ObservedFrame(capture.get(i).sequence(), Optional.ofNullable(cheap[i])));
        }
        run.observed = observed;
        checkFaces(capture, cheap, faceIdx, policy.sequence(), run);
        checkStill(capture, images, policy.still(), run);
        checkDuplicates(capture, cheap, faceIdx, policy.still(), run);
        if (faceIdx.size() <= policy.sequence().baselineFrames()) {
            if (run.reasons.isEmpty()) {
                run.fail(Kind.BASELINE, LivenessReason.NO_FACE, List.of(), Map.of("faceFrames", (double) faceIdx.size()),
                        "too few face frames for a baseline");
            }
            run.skip(Kind.ACTIONS, "too few face frames for a baseline");
            return run.refused(Optional.empty());
        }

        Baseline baseline = baseline(capture, cheap, faceIdx, policy.sequence());
        checkMotionReplay(subject, capture, cheap, faceIdx, policy.replay(), now, run);
        List<ActionDetector.Event> matched = new ArrayList<>();
        List<ActionEvidence> performed = checkActions(challenge, capture, cheap, faceIdx, baseline, policy, matched,
                run);
        checkDepth(challenge, capture, cheap, faceIdx, policy.depth(), run);
        checkClient(capture, cheap, policy.client(), run);
        OptionalDouble referenceScore = checkIdentity(capture, images, cheap, faceIdx, matched, baseline, reference,
                policy, run);

        if (run.reasons.isEmpty()) {
            return new LivenessJudgement.Live(performed, referenceScore, run.samples, run.observed,
                    run.explanation(Optional.of(baseline)));
        }
        return run.refused(Optional.of(baseline));
    }

    // --- freshness, replay and sequence (no image work) -------------------------------------------------------

    /**
     * App. III item 1: a challenge below the floor of actions is refused whatever the policy says, so that no
     * tenant setting or risk cap can turn the judge into passive checks only (which a held photo can pass).
     */
    private static void checkFloor(LivenessChallenge challenge, Run run) {
        Map<String, Double> m = Map.of("actions", (double) challenge.actions().size(),
                "minimum", (double) LivenessChallenge.MINIMUM_ACTIONS);
        if (challenge.actions().size() < LivenessChallenge.MINIMUM_ACTIONS) {
            run.fail(Kind.ACTION_FLOOR, LivenessReason.TOO_FEW_ACTIONS, List.of(), m,
                    "the challenge asks for fewer actions than the floor no policy can lower");
        } else {
            run.pass(Kind.ACTION_FLOOR, List.of(), m, "enough actions asked");
        }
    }

    /**
     * App. III item 5 on geometry rather than pixels: the rigid landmarks' shape (after removing shift, rotation
     * and scale) changes a little between any two frames of a live face (micro-motion, expression), while one
     * picture shown again — re-encoded, noised, flickered or moved as a whole — keeps its shape. A capture whose
     * median change is below the still threshold is one picture; one where many pairs are unchanged is a slide
     * show of a few pictures.
     */
    private static void checkDuplicates(List<CapturedFrame> frames, FrameSignals[] cheap, List<Integer> faceIdx,
            JudgePolicy.StillRules rules, Run run) {
        int m = faceIdx.size();
        if (m < 3) {
            run.skip(Kind.DUPLICATES, "too few face frames");
            return;
        }
        double[] change = new double[m - 1];
        double[] raw = new double[m - 1];
        List<Integer> dups = new ArrayList<>();
        for (int j = 1; j < m; j++) {
            Landmarks a = cheap[faceIdx.get(j - 1)].landmarks();
            Landmarks b = cheap[faceIdx.get(j)].landmarks();
            change[j - 1] = PlanarFit.similarityResidual(rigidPoints(a), rigidPoints(b)) / interOcular(b);
            double[] ra = rigidPoints(a);
            double[] rb = rigidPoints(b);
            double d = 0;
            for (int k = 0; k < ra.length; k += 2) {
                d += Math.hypot(ra[k] - rb[k], ra[k + 1] - rb[k + 1]);
            }
            raw[j - 1] = d / (ra.length / 2) / interOcular(b);
            if (change[j - 1] < rules.duplicateShape()) {
                dups.add(frames.get(faceIdx.get(j)).sequence());
            }
        }
        // A slide show moves in jumps: a large move between two held poses, with (almost) no motion on either side.
        // A live head accelerates and slows over several frames.
        List<Integer> jumps = new ArrayList<>();
        for (int j = 0; j < raw.length; j++) {
            double before = j > 0 ? raw[j - 1] : 0;
            double after = j + 1 < raw.length ? raw[j + 1] : 0;
            if (raw[j] >= rules.minJump() && raw[j] >= rules.jumpRatio() * Math.max(before, after)) {
                jumps.add(frames.get(faceIdx.get(j + 1)).sequence());
            }
        }
        double med = median(change);
        double fraction = dups.size() / (double) (m - 1);
        double[] sortedRaw = raw.clone();
        Arrays.sort(sortedRaw);
        Map<String, Double> mm = Map.of("medianShapeChange", med, "duplicatePairFraction", fraction,
                "stillShape", rules.stillShape(), "maxDuplicateFraction", rules.maxDuplicateFraction(),
                "minRawChange", sortedRaw[0], "p25RawChange", sortedRaw[sortedRaw.length / 4],
                "medianRawChange", sortedRaw[sortedRaw.length / 2], "isolatedJumps", (double) jumps.size());
        if (med < rules.stillShape()) {
            run.fail(Kind.DUPLICATES, LivenessReason.STILL_IMAGE, dups, mm,
                    "the face keeps one shape throughout: one picture, however its pixels change");
        } else if (fraction > rules.maxDuplicateFraction()) {
            run.fail(Kind.DUPLICATES, LivenessReason.DUPLICATED_FRAMES, dups, mm,
                    "many consecutive frames repeat the same face geometry: a slide show of a few pictures");
        } else if (jumps.size() > rules.maxIsolatedJumps()) {
            run.fail(Kind.DUPLICATES, LivenessReason.DUPLICATED_FRAMES, jumps, mm,
                    "the face jumps between held poses with no motion in between: a slide show of a few pictures");
        } else {
            run.pass(Kind.DUPLICATES, dups, mm, "the face's shape changes from frame to frame");
        }
    }

    /**
     * App. III item 4 beyond exact bytes: the capture's motion signature is compared with the subject's earlier
     * ones (accepted and refused alike) and then recorded. A re-encoded recording retraces its motion frame by
     * frame; a live person repeating an action does not.
     */
    private void checkMotionReplay(String subject, List<CapturedFrame> frames, FrameSignals[] cheap,
            List<Integer> faceIdx, JudgePolicy.ReplayRules rules, Instant now, Run run) {
        int m = faceIdx.size();
        long[] ms = new long[m];
        double[] yaw = new double[m], pitch = new double[m], ear = new double[m], mar = new double[m];
        for (int j = 0; j < m; j++) {
            FrameSignals s = cheap[faceIdx.get(j)];
            ms[j] = frames.get(faceIdx.get(j)).capturedAtMillis();
            yaw[j] = s.yaw();
            pitch[j] = s.pitch();
            ear[j] = eyeAspect(s);
            mar[j] = s.mouthAspect();
        }
        MotionSignature sig = MotionSignature.of(ms, yaw, pitch, ear, mar);
        List<MotionSignature> earlier = signatures.recent(subject, now.minus(rules.retention()),
                rules.compareWith());
        signatures.add(subject, sig, now);
        double bestRatio = Double.POSITIVE_INFINITY;
        int compared = 0;
        for (MotionSignature e : earlier) {
            MotionSignature.Similarity sim = sig.compare(e, rules.minFrames());
            if (sim.motion() < rules.minMotion() || Double.isInfinite(sim.meanDistance())) {
                continue;
            }
            compared++;
            bestRatio = Math.min(bestRatio, sim.ratio());
        }
        Map<String, Double> mm = new LinkedHashMap<>();
        mm.put("compared", (double) compared);
        mm.put("earlier", (double) earlier.size());
        mm.put("motion", sig.spread());
        mm.put("maxRatio", rules.maxRatio());
        if (compared > 0) {
            mm.put("bestRatio", bestRatio);
        }
        if (compared > 0 && bestRatio < rules.maxRatio()) {
            run.fail(Kind.MOTION_REPLAY, LivenessReason.MOTION_REPLAYED, List.of(), mm,
                    "the face's motion retraces an earlier submission frame by frame: a recording presented again");
        } else if (compared == 0) {
            run.notApplicable(Kind.MOTION_REPLAY, earlier.isEmpty() ? "no earlier submission to compare"
                    : "too little motion to compare with earlier submissions", mm);
        } else {
            run.pass(Kind.MOTION_REPLAY, List.of(), mm, "the motion does not retrace any earlier submission");
        }
    }

    /** A-G3: the capture must fit the challenge's time limit, and arrive before the challenge (plus grace) ends. */
    private static void checkFreshness(LivenessChallenge challenge, List<CapturedFrame> frames, JudgePolicy policy,
            Instant now, Run run) {
        long limit = challenge.timeLimit().toMillis();
        long last = frames.stream().mapToLong(CapturedFrame::capturedAtMillis).max().orElse(0);
        Instant deadline = challenge.expiresAt().plus(policy.sequence().submissionGrace());
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("lastFrameMillis", (double) last);
        m.put("timeLimitMillis", (double) limit);
        m.put("judgedAfterIssueMillis", (double) (now.toEpochMilli() - challenge.issuedAt().toEpochMilli()));
        if (last > limit || now.isAfter(deadline) || now.isBefore(challenge.issuedAt())) {
            run.fail(Kind.TIME, LivenessReason.TIME_LIMIT_EXCEEDED, List.of(), m,
                    now.isAfter(deadline) ? "judged after the challenge expired (limit plus grace)"
                            : now.isBefore(challenge.issuedAt()) ? "judged before the challenge was issued"
                            : "capture longer than the challenge's time limit");
        } else {
            run.pass(Kind.TIME, List.of(), m, "capture within the time limit and submitted in time");
        }
    }

    /**
     * App. III item 4: every frame's hash is recorded; a frame seen in any earlier submission is a replay.
     * Exact bytes only: a re-encoded replay has new hashes and is left to the action-order check of the fresh,
     * unpredictable challenge.
     */
    private void checkReplay(List<CapturedFrame> frames, Instant now, Run run) {
        Set<ByteArray> distinct = new LinkedHashSet<>();
        Map<ByteArray, Integer> firstSeq = new LinkedHashMap<>();
        for (CapturedFrame f : frames) {
            ByteArray h = sha256(f.encoded());
            if (distinct.add(h)) {
                firstSeq.put(h, f.sequence());
            }
        }
        List<Integer> replayed = new ArrayList<>();
        for (ByteArray h : distinct) {
            if (!hashes.addIfAbsent(h, now)) {
                replayed.add(firstSeq.get(h));
            }
        }
        Map<String, Double> m = Map.of("replayedFrames", (double) replayed.size(),
                "distinctFrames", (double) distinct.size());
        if (replayed.isEmpty()) {
            run.pass(Kind.REPLAY, List.of(), m, "no frame was presented before");
        } else {
            run.fail(Kind.REPLAY, LivenessReason.FRAME_REPLAYED, replayed, m, "frames presented in an earlier capture");
        }
    }

    /** Count, order and rate (App. III item 3: a slide show or a cut shows as few frames or long gaps). */
    private static void checkSequence(List<CapturedFrame> frames, JudgePolicy.Sequence rules, Run run) {
        int n = frames.size();
        if (n < rules.minFrames()) {
            run.fail(Kind.FRAMES, LivenessReason.TOO_FEW_FRAMES, List.of(),
                    Map.of("frames", (double) n, "minFrames", (double) rules.minFrames()), "too few frames");
            return;
        }
        List<Integer> disorder = new ArrayList<>();
        long maxGap = 0;
        int gapAt = -1;
        for (int i = 1; i < n; i++) {
            CapturedFrame a = frames.get(i - 1);
            CapturedFrame b = frames.get(i);
            if (b.sequence() <= a.sequence() || b.capturedAtMillis() <= a.capturedAtMillis()) {
                disorder.add(b.sequence());
            }
            long gap = b.capturedAtMillis() - a.capturedAtMillis();
            if (gap > maxGap) {
                maxGap = gap;
                gapAt = b.sequence();
            }
        }
        if (frames.get(0).capturedAtMillis() < 0) {
            disorder.add(0, frames.get(0).sequence());
        }
        if (!disorder.isEmpty()) {
            run.fail(Kind.ORDER, LivenessReason.FRAMES_OUT_OF_ORDER, disorder, Map.of(),
                    "sequence numbers or capture times do not strictly increase");
            return;
        }
        run.pass(Kind.ORDER, List.of(), Map.of("frames", (double) n), "frames in order");
        double span = (frames.get(n - 1).capturedAtMillis() - frames.get(0).capturedAtMillis()) / 1000.0;
        double rate = (n - 1) / span;
        Map<String, Double> m = Map.of("framesPerSecond", rate, "maxGapMillis", (double) maxGap);
        if (rate < rules.minFrameRate() || maxGap > rules.maxFrameGap().toMillis()) {
            run.fail(Kind.RATE, LivenessReason.FRAME_RATE_TOO_LOW, gapAt < 0 ? List.of() : List.of(gapAt), m,
                    "frame rate too low or a gap too long to rule out a cut");
        } else {
            run.pass(Kind.RATE, List.of(), m, "frame rate and gaps within limits");
        }
    }

    // --- per-frame image checks ------------------------------------------------------------------------------

    private static void checkFaces(List<CapturedFrame> frames, FrameSignals[] cheap, List<Integer> faceIdx,
            JudgePolicy.Sequence rules, Run run) {
        int n = frames.size();
        List<Integer> missing = new ArrayList<>();
        List<Integer> several = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (cheap[i] == null) {
                missing.add(frames.get(i).sequence());
            } else if (cheap[i].faceCount() > 1) {
                several.add(frames.get(i).sequence());
            }
        }
        double faceFraction = faceIdx.size() / (double) n;
        if (faceFraction < rules.minFaceFraction()) {
            run.fail(Kind.FACE, LivenessReason.NO_FACE, missing, Map.of("faceFraction", faceFraction),
                    "too many frames without a face");
        } else {
            run.pass(Kind.FACE, missing, Map.of("faceFraction", faceFraction), "a face in enough frames");
        }
        double severalFraction = several.size() / (double) n;
        if (severalFraction > rules.maxSeveralFacesFraction()) {
            run.fail(Kind.SINGLE_FACE, LivenessReason.SEVERAL_FACES, several, Map.of("severalFraction", severalFraction),
                    "several comparable faces in too many frames");
        } else {
            run.pass(Kind.SINGLE_FACE, several, Map.of("severalFraction", severalFraction), "one face");
        }
    }

    /**
     * App. III item 5: a camera looking at anything real, even a person holding still, never delivers two
     * identical frames (sensor noise, micro-motion); an injected still image does. Measured on small grey
     * thumbnails so that compression noise of one still re-encoded does not hide it.
     */
    private static void checkStill(List<CapturedFrame> frames, BufferedImage[] images, JudgePolicy.StillRules rules,
            Run run) {
        int n = images.length;
        float[] prev = thumbnail(images[0]);
        double[] diffs = new double[n - 1];
        List<Integer> still = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            float[] cur = thumbnail(images[i]);
            double sum = 0;
            for (int k = 0; k < cur.length; k++) {
                sum += Math.abs(cur[k] - prev[k]);
            }
            diffs[i - 1] = sum / cur.length;
            if (diffs[i - 1] <= rules.maxPairDifference()) {
                still.add(frames.get(i).sequence());
            }
            prev = cur;
        }
        double fraction = still.size() / (double) (n - 1);
        Map<String, Double> m = Map.of("stillPairFraction", fraction, "medianPairDifference", median(diffs),
                "minPairDifference", Arrays.stream(diffs).min().orElse(0));
        if (fraction > rules.maxStillFraction()) {
            run.fail(Kind.STILL, LivenessReason.STILL_IMAGE, still, m, "consecutive frames identical: no micro-motion");
        } else {
            run.pass(Kind.STILL, still, m, "frames change from one to the next");
        }
    }

    /**
     * The session's resting values from a stable stretch: among all runs of {@code baselineFrames} consecutive face
     * frames whose yaw and pitch proxies move little from frame to frame and whose eyes are open, the one closest
     * to a frontal pose with a closed mouth (the user at rest, looking at the screen). A user already turning
     * in the first frames is therefore not measured mid-turn. When no stretch is stable, the calmest one is used.
     */
    private static Baseline baseline(List<CapturedFrame> frames, FrameSignals[] cheap, List<Integer> faceIdx,
            JudgePolicy.Sequence rules) {
        int k = rules.baselineFrames();
        int m = faceIdx.size();
        int best = -1;
        double bestScore = Double.POSITIVE_INFINITY;
        int calmest = 0;
        double calmestMotion = Double.POSITIVE_INFINITY;
        for (int start = 0; start + k <= m; start++) {
            double motion = 0;
            boolean open = true;
            for (int j = start; j < start + k; j++) {
                FrameSignals s = cheap[faceIdx.get(j)];
                open &= s.bothEyesClosed() < 0.5;
                if (j > start) {
                    FrameSignals p = cheap[faceIdx.get(j - 1)];
                    motion = Math.max(motion, Math.abs(s.yaw() - p.yaw()) + Math.abs(s.pitch() - p.pitch()));
                }
            }
            if (motion < calmestMotion) {
                calmestMotion = motion;
                calmest = start;
            }
            if (motion <= rules.stableMotion() && open) {
                double score = 0;
                for (int j = start; j < start + k; j++) {
                    FrameSignals s = cheap[faceIdx.get(j)];
                    score += Math.abs(s.yaw()) + s.mouthAspect();
                }
                if (score < bestScore - 1e-9) {
                    bestScore = score;
                    best = start;
                }
            }
        }
        int from = best >= 0 ? best : calmest;
        double[] yaw = new double[k], pitch = new double[k], eyes = new double[k], ear = new double[k],
                mar = new double[k];
        List<Integer> seq = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            FrameSignals s = cheap[faceIdx.get(from + j)];
            yaw[j] = s.yaw();
            pitch[j] = s.pitch();
            eyes[j] = s.bothEyesClosed();
            ear[j] = eyeAspect(s);
            mar[j] = s.mouthAspect();
            seq.add(frames.get(faceIdx.get(from + j)).sequence());
        }
        return new Baseline(median(yaw), median(pitch), median(eyes), median(ear), median(mar), seq);
    }

    /**
     * App. III item 1: each requested action must appear, after the previous one, in the requested order. Events
     * are matched greedily: the earliest event of the next requested action that begins after the previous
     * action ended.
     */
    private static List<ActionEvidence> checkActions(LivenessChallenge challenge, List<CapturedFrame> frames,
            FrameSignals[] cheap, List<Integer> faceIdx, Baseline baseline, JudgePolicy policy,
            List<ActionDetector.Event> matchedOut, Run run) {
        int m = faceIdx.size();
        long[] ms = new long[m];
        double[] yaw = new double[m], pitch = new double[m], eyes = new double[m], ear = new double[m],
                mar = new double[m];
        for (int j = 0; j < m; j++) {
            FrameSignals s = cheap[faceIdx.get(j)];
            ms[j] = frames.get(faceIdx.get(j)).capturedAtMillis();
            yaw[j] = s.yaw();
            pitch[j] = s.pitch();
            eyes[j] = s.bothEyesClosed();
            ear[j] = eyeAspect(s);
            mar[j] = s.mouthAspect();
        }
        JudgePolicy.ActionRules rules = policy.actions();
        List<ActionDetector.Event> events = ActionDetector.detect(
                new ActionDetector.Series(ms, yaw, pitch, eyes, ear, mar), baseline, rules);
        List<ActionEvidence> performed = new ArrayList<>();
        int cursor = -1;
        for (Action action : challenge.actions()) {
            ActionDetector.Event match = null;
            ActionDetector.Event anyOfKind = null;
            for (ActionDetector.Event e : events) {
                if (e.action() != action) {
                    continue;
                }
                if (anyOfKind == null) {
                    anyOfKind = e;
                }
                if (e.start() > cursor) {
                    match = e;
                    break;
                }
            }
            double threshold = threshold(action, rules);
            if (match != null) {
                CapturedFrame first = frames.get(faceIdx.get(match.start()));
                CapturedFrame last = frames.get(faceIdx.get(match.end()));
                performed.add(new ActionEvidence(action, first.sequence(), last.sequence(), first.capturedAtMillis(),
                        last.capturedAtMillis(), match.peak()));
                matchedOut.add(match);
                run.action(action, Optional.empty(), List.of(first.sequence(), last.sequence()),
                        Map.of("peak", match.peak(), "threshold", threshold), "seen in order");
                cursor = match.end();
            } else if (anyOfKind != null) {
                CapturedFrame first = frames.get(faceIdx.get(anyOfKind.start()));
                run.action(action, Optional.of(LivenessReason.ACTIONS_OUT_OF_ORDER), List.of(first.sequence()),
                        Map.of("peak", anyOfKind.peak(), "threshold", threshold),
                        "seen, but only before the action requested ahead of it");
            } else {
                run.action(action, Optional.of(LivenessReason.ACTION_MISSING), List.of(),
                        Map.of("threshold", threshold), missingDetail(action, rules));
            }
        }
        List<ActionSeen> seen = new ArrayList<>();
        for (ActionDetector.Event e : events) {
            double t = threshold(e.action(), rules);
            seen.add(new ActionSeen(e.action(), frames.get(faceIdx.get(e.start())).sequence(),
                    frames.get(faceIdx.get(e.end())).sequence(), e.peak(), t, Math.min(1, e.peak() / (2 * t)),
                    matchedOut.contains(e)));
        }
        run.seen = seen;
        return performed;
    }

    private static double threshold(Action action, JudgePolicy.ActionRules rules) {
        return switch (action) {
            case NOD -> rules.nodPitch();
            case SHAKE -> rules.shakeYaw();
            case BLINK -> 1 - rules.eyeAspectDrop();
            case OPEN_MOUTH -> rules.mouthRise();
        };
    }

    private static String missingDetail(Action action, JudgePolicy.ActionRules rules) {
        return switch (action) {
            case NOD -> "no nod: the pitch never left the resting value by the required amount and came back";
            case SHAKE -> "no head shake: the yaw did not pass the required turn to both sides";
            case BLINK -> "no blink: the eyes never closed after being open";
            case OPEN_MOUTH -> "no open mouth held for " + rules.mouthHoldMillis()
                    + " ms (brief openings, as in speech, do not count)";
        };
    }

    /**
     * App. III items 2 and 5. Each face frame's rigid landmarks are fitted to the first face frame's twice: by a
     * similarity (in-plane move) and by a homography (any view of one plane). A head turning or nodding leaves a
     * homography residual (parallax between nose, brows and cheeks); a tilted or rotated photo does not. When a
     * head action was requested, enough frames must show parallax. Otherwise the check refuses only captures whose
     * face changed shape as a plane does (several moving frames that a homography explains) and never showed
     * parallax. Small real head motion is close to planar too, which is why a head action is the real test.
     */
    private static void checkDepth(LivenessChallenge challenge, List<CapturedFrame> frames, FrameSignals[] cheap,
            List<Integer> faceIdx, JudgePolicy.DepthRules rules, Run run) {
        double[] from = rigidPoints(cheap[faceIdx.get(0)].landmarks());
        double maxMotion = 0;
        double maxParallax = 0;
        List<Integer> planar = new ArrayList<>();
        List<Integer> parallax = new ArrayList<>();
        for (int j = 1; j < faceIdx.size(); j++) {
            Landmarks p = cheap[faceIdx.get(j)].landmarks();
            double[] to = rigidPoints(p);
            double iod = interOcular(p);
            double sim = PlanarFit.similarityResidual(from, to) / iod;
            double hom = PlanarFit.homographyResidual(from, to) / iod;
            maxMotion = Math.max(maxMotion, sim);
            maxParallax = Math.max(maxParallax, hom);
            int seq = frames.get(faceIdx.get(j)).sequence();
            if (hom >= rules.parallax()) {
                parallax.add(seq);
            } else if (sim >= rules.motion() && hom <= rules.planarRatio() * sim) {
                planar.add(seq);
            }
        }
        boolean headAsked = challenge.actions().contains(Action.NOD) || challenge.actions().contains(Action.SHAKE);
        Map<String, Double> m = Map.of("maxSimilarityResidual", maxMotion, "maxHomographyResidual", maxParallax,
                "planarFrames", (double) planar.size(), "parallaxFrames", (double) parallax.size());
        if (parallax.size() >= rules.minParallaxFrames()) {
            run.pass(Kind.DEPTH, parallax, m, "landmarks move with parallax no flat picture shows");
        } else if (headAsked) {
            run.fail(Kind.DEPTH, LivenessReason.NO_3D_MOTION, planar, m,
                    "head action requested, but no frame shows parallax: the motion of a flat picture or none");
        } else if (planar.size() >= rules.minPlanarFrames()) {
            run.fail(Kind.DEPTH, LivenessReason.NO_3D_MOTION, planar, m,
                    "the face changed shape as a tilted flat picture does, without parallax");
        } else {
            run.notApplicable(Kind.DEPTH, "no head action requested and no planar motion seen", m);
        }
    }

    /** X.1279 7.3.2: the client's measurements are compared, never used; disagreement is recorded. */
    private static void checkClient(List<CapturedFrame> frames, FrameSignals[] cheap, JudgePolicy.ClientRules rules,
            Run run) {
        int measured = 0;
        List<Integer> disagree = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Optional<ClientMeasurement> c = frames.get(i).client();
            if (c.isEmpty() || cheap[i] == null) {
                continue;
            }
            measured++;
            FrameSignals s = cheap[i];
            ClientMeasurement cm = c.get();
            if (Math.abs(cm.yaw() - s.yaw()) > rules.yawTolerance()
                    || Math.abs(cm.pitch() - s.pitch()) > rules.pitchTolerance()
                    || Math.abs(cm.eyesClosed() - s.bothEyesClosed()) > rules.eyesTolerance()
                    || Math.abs(cm.mouthAspect() - s.mouthAspect()) > rules.mouthTolerance()) {
                disagree.add(frames.get(i).sequence());
            }
        }
        if (measured == 0) {
            run.notApplicable(Kind.CLIENT, "the client sent no measurements");
            return;
        }
        double fraction = disagree.size() / (double) measured;
        Map<String, Double> m = Map.of("measuredFrames", (double) measured, "disagreeFraction", fraction);
        if (rules.maxDisagreeFraction() < 1.0 && fraction > rules.maxDisagreeFraction()) {
            run.fail(Kind.CLIENT, LivenessReason.CLIENT_MEASUREMENTS_DISAGREE, disagree, m,
                    "the client's measurements disagree with the server's");
        } else {
            run.pass(Kind.CLIENT, disagree, m, disagree.isEmpty() ? "the client's measurements agree"
                    : "disagreement recorded, not used");
        }
    }

    /**
     * The costly path: identity continuity (App. III item 3), presentation-attack score (item 5), quality
     * (X.1279 7.3.3) and the 1:1 comparison with the reference (7.3.4). Embeddings for continuity: every frame of
     * every matched blink or open mouth and the first and last frame of every matched head action (so another
     * person's frames cannot supply an action), both sides of every jump of
     * the face box (where a cut would show), and every {@code continuityStride}-th face frame between. The attack
     * score and quality only on {@code fullFrames} frames spread over the capture.
     */
    private OptionalDouble checkIdentity(List<CapturedFrame> frames, BufferedImage[] images, FrameSignals[] cheap,
            List<Integer> faceIdx, List<ActionDetector.Event> matched, Baseline baseline,
            Optional<Template> reference, JudgePolicy policy, Run run) throws BiometricException {
        JudgePolicy.IdentityRules rules = policy.identity();
        TreeSet<Integer> spread = new TreeSet<>();
        TreeSet<Integer> chosen = new TreeSet<>();
        int m = faceIdx.size();
        for (int k = 0; k < rules.fullFrames(); k++) {
            spread.add(faceIdx.get((int) Math.round(k * (m - 1) / (double) (rules.fullFrames() - 1))));
        }
        chosen.addAll(spread);
        // The second continuity anchor (the first is the first face frame): the frame of the baseline stretch closest
        // to a frontal pose with closed lips (the stretch's own criterion, frame by frame: the user at rest). One
        // frame, not the best of the stretch: a stretch may straddle a cut between two people whose poses agree.
        int resting = faceIdx.get(0);
        double restScore = Double.POSITIVE_INFINITY;
        for (int i : faceIdx) {
            if (baseline.frames().contains(frames.get(i).sequence())) {
                double score = Math.abs(cheap[i].yaw()) + cheap[i].mouthAspect();
                if (score < restScore) {
                    restScore = score;
                    resting = i;
                }
            }
        }
        chosen.add(resting);
        for (ActionDetector.Event e : matched) {
            // Short events (a blink, an open mouth) rest on every frame; a head action on its first and last frame,
            // its frames between being covered by the stride below.
            boolean head = e.action() == Action.NOD || e.action() == Action.SHAKE;
            for (int j = e.start(); j <= e.end() && chosen.size() < rules.maxFullFrames(); j++) {
                if (!head || j == e.start() || j == e.end()) {
                    chosen.add(faceIdx.get(j));
                }
            }
        }
        List<Integer> jumps = new ArrayList<>();
        for (int j = 1; j < m; j++) {
            FrameSignals a = cheap[faceIdx.get(j - 1)];
            FrameSignals b = cheap[faceIdx.get(j)];
            double move = Math.hypot(b.box().centreX() - a.box().centreX(), b.box().centreY() - a.box().centreY())
                    / Math.max(a.box().side(), 1);
            double scale = b.box().side() / Math.max(a.box().side(), 1);
            if (move > rules.maxBoxJump() || scale > 1.5 || scale < 1 / 1.5) {
                jumps.add(frames.get(faceIdx.get(j)).sequence());
                if (chosen.size() + 2 <= rules.maxFullFrames()) {
                    chosen.add(faceIdx.get(j - 1));
                    chosen.add(faceIdx.get(j));
                }
            }
        }
        for (int j = 0; j < m && chosen.size() < rules.maxFullFrames(); j += rules.continuityStride()) {
            chosen.add(faceIdx.get(j));
        }
        List<Integer> idx = new ArrayList<>(chosen);
        List<Integer> seqs = new ArrayList<>();
        List<Template> templates = new ArrayList<>();
        List<Double> attackList = new ArrayList<>();
        List<Integer> qualityPassed = new ArrayList<>();
        List<SampledFrame> samples = new ArrayList<>();
        for (int k = 0; k < idx.size(); k++) {
            int i = idx.get(k);
            boolean full = spread.contains(i);
            seqs.add(frames.get(i).sequence());
            FrameSignals sig;
            try {
                sig = analyzer.analyse(images[i], full ? SignalOptions.FULL : new SignalOptions(true, false));
            } catch (BiometricException e) {
                if (e.reason() != ReasonCode.NO_FACE) {
                    throw e;
                }
                // The cheap pass found a face; the model is deterministic, so this should not happen.
                throw new BiometricException(ReasonCode.ENGINE_FAILURE, "face lost between passes", e);
            }
            templates.add(sig.template().orElseThrow());
            Optional<QualityReport> q = Optional.empty();
            boolean passed = false;
            if (full) {
                attackList.add(sig.attackScore().orElseThrow());
                QualityReport report = analyzer.assess(images[i], policy.quality());
                q = Optional.of(report);
                passed = report.failures().stream().allMatch(r -> r == ReasonCode.POSE_OUT_OF_RANGE);
                if (passed) {
                    qualityPassed.add(k);
                }
            }
            samples.add(new SampledFrame(frames.get(i).sequence(), sig.template().orElseThrow(), sig.attackScore(),
                    q, passed, Math.abs(sig.yaw()) + Math.abs(sig.pitch() - baseline.pitch())));
        }
        run.samples = samples;
        List<Integer> attackSeqs = spread.stream().map(i -> frames.get(i).sequence()).toList();
        double[] attack = attackList.stream().mapToDouble(Double::doubleValue).toArray();

        // Continuity (App. III item 3), anchored on two frames chosen without looking at identity: the first face
        // frame (where the capture starts) and the resting frame (where the user is at rest). The two must score
        // the threshold against each other, and every sampled frame against at least one of them. One anchor alone
        // rejects bona fide presentations (ISO/IEC 30107-3: counted in BPCER) with real expression changes: the nod
        // clip from frame 41 starts mid-smile with narrowed eyes and its closed-mouth frame scored 0.38 against
        // that first frame; the stock-emotions-b stills' eyes-closed photo scored 0.31 against their resting frame.
        // With two anchors a frame may move away from one while staying near the other. A splice of another person
        // whose frames are far from both anchors still shows. What this does not add: when both anchors score the
        // threshold against a frame of the other person, a splice of the two passes, as it passes a single anchor
        // then (docs/liveness.md, "Continuity": on watermarked stock previews the model scores two different men up
        // to 0.72).
        int first = idx.indexOf(faceIdx.get(0));
        int ref = idx.indexOf(resting);
        double anchors = first == ref ? 1 : analyzer.compare(templates.get(first), templates.get(ref));
        double minScore = anchors;
        int worst = ref;
        for (int k = 0; k < templates.size(); k++) {
            if (k == ref || k == first) {
                continue;
            }
            double s = Math.max(analyzer.compare(templates.get(first), templates.get(k)),
                    analyzer.compare(templates.get(ref), templates.get(k)));
            if (s < minScore) {
                minScore = s;
                worst = k;
            }
        }
        Map<String, Double> cm = new LinkedHashMap<>();
        cm.put("minScoreAgainstAnchors", minScore);
        cm.put("anchorScore", anchors);
        cm.put("threshold", rules.continuityThreshold());
        cm.put("firstFrame", (double) seqs.get(first));
        cm.put("restingFrame", (double) seqs.get(ref));
        cm.put("boxJumps", (double) jumps.size());
        cm.put("checkedFrames", (double) templates.size());
        cm.put("faceFrames", (double) m);
        if (minScore < rules.continuityThreshold()) {
            run.fail(Kind.CONTINUITY, LivenessReason.IDENTITY_CHANGED, List.copyOf(new LinkedHashSet<>(
                    List.of(seqs.get(first), seqs.get(ref), seqs.get(worst)))), cm,
                    "sampled frames show different people");
        } else {
            run.pass(Kind.CONTINUITY, seqs, cm, "the same person in every sampled frame");
        }

        double medianAttack = median(attack);
        double maxAttack = Arrays.stream(attack).max().orElse(0);
        Map<String, Double> am = Map.of("medianAttackScore", medianAttack, "maxAttackScore", maxAttack,
                "threshold", rules.attackThreshold());
        if (medianAttack >= rules.attackThreshold()) {
            run.fail(Kind.PRESENTATION_ATTACK, LivenessReason.PRESENTATION_ATTACK, attackSeqs, am,
                    "the attack classifier flags the sampled frames");
        } else {
            run.pass(Kind.PRESENTATION_ATTACK, attackSeqs, am,
                    "the attack classifier finds the sampled frames bona fide");
        }

        List<Integer> passedSeq = qualityPassed.stream().map(seqs::get).toList();
        if (qualityPassed.isEmpty()) {
            run.fail(Kind.QUALITY, LivenessReason.QUALITY_TOO_LOW, attackSeqs, Map.of("passedFrames", 0.0),
                    "no sampled frame meets the quality policy (pose exempt): capture again");
        } else {
            run.pass(Kind.QUALITY, passedSeq, Map.of("passedFrames", (double) qualityPassed.size()),
                    "sampled frames meet the quality policy (pose exempt)");
        }

        if (reference.isEmpty()) {
            run.notApplicable(Kind.REFERENCE, "no reference given");
            return OptionalDouble.empty();
        }
        double best = -1;
        int bestSeq = -1;
        for (int k : qualityPassed) {
            double s = analyzer.compare(templates.get(k), reference.get());
            if (s > best) {
                best = s;
                bestSeq = seqs.get(k);
            }
        }
        if (qualityPassed.isEmpty()) {
            run.skip(Kind.REFERENCE, "no frame of sufficient quality to compare");
            return OptionalDouble.empty();
        }
        Map<String, Double> rm = Map.of("score", best, "threshold", rules.matchThreshold());
        if (best < rules.matchThreshold()) {
            run.fail(Kind.REFERENCE, LivenessReason.REFERENCE_MISMATCH, List.of(bestSeq), rm,
                    "the capture does not match the reference");
        } else {
            run.pass(Kind.REFERENCE, List.of(bestSeq), rm, "the capture matches the reference");
        }
        return OptionalDouble.of(best);
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static double eyeAspect(FrameSignals s) {
        return (s.leftEyeAspect() + s.rightEyeAspect()) / 2;
    }

    private static double[] rigidPoints(Landmarks p) {
        double[] out = new double[2 * RIGID_POINTS.length];
        for (int k = 0; k < RIGID_POINTS.length; k++) {
            out[2 * k] = p.x(RIGID_POINTS[k]);
            out[2 * k + 1] = p.y(RIGID_POINTS[k]);
        }
        return out;
    }

    /** Distance between the outer eye corners' midpoints: the scale every residual is measured in. */
    private static double interOcular(Landmarks p) {
        double rx = (p.x(36) + p.x(39)) / 2, ry = (p.y(36) + p.y(39)) / 2;
        double lx = (p.x(42) + p.x(45)) / 2, ly = (p.y(42) + p.y(45)) / 2;
        return Math.max(Math.hypot(lx - rx, ly - ry), 1);
    }

    /** Grey 64×48 thumbnail by averaging a 4×4 grid of samples per cell. */
    private static float[] thumbnail(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        IntBinaryOperator pixels = packedRgb(image);
        float[] out = new float[THUMB_W * THUMB_H];
        for (int ty = 0; ty < THUMB_H; ty++) {
            for (int tx = 0; tx < THUMB_W; tx++) {
                float sum = 0;
                for (int sy = 0; sy < 4; sy++) {
                    int y = Math.min(h - 1, (int) ((ty + (sy + 0.5) / 4) * h / THUMB_H));
                    for (int sx = 0; sx < 4; sx++) {
                        int x = Math.min(w - 1, (int) ((tx + (sx + 0.5) / 4) * w / THUMB_W));
                        int rgb = pixels.applyAsInt(x, y);
                        sum += 0.299f * ((rgb >> 16) & 0xff) + 0.587f * ((rgb >> 8) & 0xff) + 0.114f * (rgb & 0xff);
                    }
                }
                out[ty * THUMB_W + tx] = sum / 16;
            }
        }
        return out;
    }

    /**
     * Packed 0xRRGGBB at (x, y). A decoded JPEG (three bytes a pixel, BGR, rows back to back) is read from its bytes;
     * {@link BufferedImage#getRGB(int, int)} goes through the colour model for every pixel, which made the
     * thumbnails a tenth of a judgement. Any other layout takes that general path; both give the same values.
     */
    static IntBinaryOperator packedRgb(BufferedImage image) {
        int w = image.getWidth();
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && image.getRaster().getParent() == null
                && image.getRaster().getDataBuffer() instanceof DataBufferByte bytes && bytes.getNumBanks() == 1
                && image.getRaster().getSampleModel() instanceof PixelInterleavedSampleModel sm
                && sm.getPixelStride() == 3 && sm.getScanlineStride() == 3 * w
                && Arrays.equals(sm.getBandOffsets(), new int[] {2, 1, 0})
                && image.getRaster().getSampleModelTranslateX() == 0
                && image.getRaster().getSampleModelTranslateY() == 0) {
            byte[] b = bytes.getData();
            int offset = bytes.getOffset();
            return (x, y) -> {
                int j = offset + (y * w + x) * 3;
                return ((b[j + 2] & 0xFF) << 16) | ((b[j + 1] & 0xFF) << 8) | (b[j] & 0xFF);
            };
        }
        return (x, y) -> image.getRGB(x, y) & 0xFFFFFF;
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    private static ByteArray sha256(ByteArray data) {
        try {
            return ByteArray.copyOf(MessageDigest.getInstance("SHA-256").digest(data.toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** Checks and reasons collected while judging one capture. */
    private static final class Run {
        final List<Action> asked;
        final List<Check> checks = new ArrayList<>();
        final LinkedHashSet<LivenessReason> reasons = new LinkedHashSet<>();
        List<ActionSeen> seen = List.of();
        List<SampledFrame> samples = List.of();
        List<ObservedFrame> observed = List.of();

        Run(List<Action> asked) {
            this.asked = asked;
        }

        void pass(Kind kind, List<Integer> frames, Map<String, Double> measured, String detail) {
            checks.add(new Check(kind, Optional.empty(), Outcome.PASSED, Optional.empty(), frames, measured, detail));
        }

        void fail(Kind kind, LivenessReason reason, List<Integer> frames, Map<String, Double> measured,
                String detail) {
            checks.add(new Check(kind, Optional.empty(), Outcome.FAILED, Optional.of(reason), frames, measured,
                    detail));
            reasons.add(reason);
        }

        void action(Action action, Optional<LivenessReason> reason, List<Integer> frames,
                Map<String, Double> measured, String detail) {
            checks.add(new Check(Kind.ACTION, Optional.of(action), reason.isPresent() ? Outcome.FAILED
                    : Outcome.PASSED, reason, frames, measured, detail));
            reason.ifPresent(reasons::add);
        }

        void notApplicable(Kind kind, String detail) {
            notApplicable(kind, detail, Map.of());
        }

        void notApplicable(Kind kind, String detail, Map<String, Double> measured) {
            checks.add(new Check(kind, Optional.empty(), Outcome.NOT_APPLICABLE, Optional.empty(), List.of(),
                    measured, detail));
        }

        void skip(Kind kind, String detail) {
            checks.add(new Check(kind, Optional.empty(), Outcome.SKIPPED, Optional.empty(), List.of(), Map.of(),
                    detail));
        }

        Explanation explanation(Optional<Baseline> baseline) {
            return new Explanation(baseline, asked, seen, checks);
        }

        LivenessJudgement refused(Optional<Baseline> baseline) {
            return new LivenessJudgement.Refused(List.copyOf(reasons), samples, observed, explanation(baseline));
        }
    }
}
