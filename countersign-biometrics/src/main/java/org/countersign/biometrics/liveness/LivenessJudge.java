package org.countersign.biometrics.liveness;

import java.awt.image.BufferedImage;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
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
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.face.FrameSignals;
import org.countersign.biometrics.face.Landmarks;
import org.countersign.biometrics.face.QualityReport;
import org.countersign.biometrics.face.SignalOptions;
import org.countersign.biometrics.liveness.Explanation.Baseline;
import org.countersign.biometrics.liveness.Explanation.Check;
import org.countersign.biometrics.liveness.Explanation.Outcome;
import org.countersign.biometrics.liveness.LivenessJudgement.ActionEvidence;
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
    private final Clock clock;

    public LivenessJudge(FaceAnalyzer analyzer, FrameHashStore hashes, Clock clock) {
        this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
        this.hashes = Objects.requireNonNull(hashes, "hashes");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Judges one capture.
     *
     * @param challenge what the server asked for
     * @param frames    the frames in the order the client sent them
     * @param reference the user's reference template for 1:1 comparison, if the flow has one (registration does not)
     * @param policy    the server's policy
     * @return {@link LivenessJudgement.Live} or {@link LivenessJudgement.Refused} with every reason found
     * @throws BiometricException for unusable input: a frame that is not a decodable image ({@code IMAGE_UNREADABLE},
     *                            {@code IMAGE_TOO_LARGE}, {@code IMAGE_TOO_SMALL}), a reference of another format
     *                            ({@code TEMPLATE_FORMAT_MISMATCH}), or a model fault ({@code ENGINE_FAILURE})
     */
    public LivenessJudgement judge(LivenessChallenge challenge, List<CapturedFrame> frames,
            Optional<Template> reference, JudgePolicy policy) throws BiometricException {
        Objects.requireNonNull(challenge, "challenge");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(policy, "policy");
        List<CapturedFrame> capture = List.copyOf(frames);
        Run run = new Run();
        Instant now = clock.instant();

        checkFreshness(challenge, capture, policy, now, run);
        checkReplay(capture, now, run);
        checkSequence(capture, policy.sequence(), run);
        if (!run.reasons.isEmpty()) {
            run.skip("analysis", "refused before image analysis: frames, timing or replay");
            return run.refused(Optional.empty());
        }

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
        for (int i = 0; i < n; i++) {
            if (cheap[i] != null) {
                faceIdx.add(i);
            }
        }
        checkFaces(capture, cheap, faceIdx, policy.sequence(), run);
        checkStill(capture, images, policy.still(), run);
        if (faceIdx.size() <= policy.sequence().baselineFrames()) {
            if (run.reasons.isEmpty()) {
                run.fail("baseline", LivenessReason.NO_FACE, List.of(), Map.of("faceFrames", (double) faceIdx.size()),
                        "too few face frames for a baseline");
            }
            run.skip("actions", "too few face frames for a baseline");
            return run.refused(Optional.empty());
        }

        Baseline baseline = baseline(capture, cheap, faceIdx, policy.sequence().baselineFrames());
        List<ActionEvidence> performed = checkActions(challenge, capture, cheap, faceIdx, baseline, policy, run);
        checkDepth(challenge, capture, cheap, faceIdx, policy.depth(), run);
        checkClient(capture, cheap, policy.client(), run);
        OptionalDouble referenceScore = checkIdentity(capture, images, cheap, faceIdx, reference, policy, run);

        if (run.reasons.isEmpty()) {
            return new LivenessJudgement.Live(performed, referenceScore,
                    new Explanation(Optional.of(baseline), run.checks));
        }
        return run.refused(Optional.of(baseline));
    }

    // --- freshness, replay and sequence (no image work) -------------------------------------------------------

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
            run.fail("time", LivenessReason.TIME_LIMIT_EXCEEDED, List.of(), m,
                    now.isAfter(deadline) ? "judged after the challenge expired (limit plus grace)"
                            : now.isBefore(challenge.issuedAt()) ? "judged before the challenge was issued"
                            : "capture longer than the challenge's time limit");
        } else {
            run.pass("time", List.of(), m, "capture within the time limit and submitted in time");
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
            run.pass("replay", List.of(), m, "no frame was presented before");
        } else {
            run.fail("replay", LivenessReason.FRAME_REPLAYED, replayed, m, "frames presented in an earlier capture");
        }
    }

    /** Count, order and rate (App. III item 3: a slide show or a cut shows as few frames or long gaps). */
    private static void checkSequence(List<CapturedFrame> frames, JudgePolicy.Sequence rules, Run run) {
        int n = frames.size();
        if (n < rules.minFrames()) {
            run.fail("frames", LivenessReason.TOO_FEW_FRAMES, List.of(),
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
            run.fail("order", LivenessReason.FRAMES_OUT_OF_ORDER, disorder, Map.of(),
                    "sequence numbers or capture times do not strictly increase");
            return;
        }
        run.pass("order", List.of(), Map.of("frames", (double) n), "frames in order");
        double span = (frames.get(n - 1).capturedAtMillis() - frames.get(0).capturedAtMillis()) / 1000.0;
        double rate = (n - 1) / span;
        Map<String, Double> m = Map.of("framesPerSecond", rate, "maxGapMillis", (double) maxGap);
        if (rate < rules.minFrameRate() || maxGap > rules.maxFrameGap().toMillis()) {
            run.fail("rate", LivenessReason.FRAME_RATE_TOO_LOW, gapAt < 0 ? List.of() : List.of(gapAt), m,
                    "frame rate too low or a gap too long to rule out a cut");
        } else {
            run.pass("rate", List.of(), m, "frame rate and gaps within limits");
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
            run.fail("face", LivenessReason.NO_FACE, missing, Map.of("faceFraction", faceFraction),
                    "too many frames without a face");
        } else {
            run.pass("face", missing, Map.of("faceFraction", faceFraction), "a face in enough frames");
        }
        double severalFraction = several.size() / (double) n;
        if (severalFraction > rules.maxSeveralFacesFraction()) {
            run.fail("singleFace", LivenessReason.SEVERAL_FACES, several, Map.of("severalFraction", severalFraction),
                    "several comparable faces in too many frames");
        } else {
            run.pass("singleFace", several, Map.of("severalFraction", severalFraction), "one face");
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
            run.fail("still", LivenessReason.STILL_IMAGE, still, m, "consecutive frames identical: no micro-motion");
        } else {
            run.pass("still", still, m, "frames change from one to the next");
        }
    }

    private static Baseline baseline(List<CapturedFrame> frames, FrameSignals[] cheap, List<Integer> faceIdx, int k) {
        double[] yaw = new double[k], pitch = new double[k], eyes = new double[k], ear = new double[k],
                mar = new double[k];
        List<Integer> seq = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            FrameSignals s = cheap[faceIdx.get(j)];
            yaw[j] = s.yaw();
            pitch[j] = s.pitch();
            eyes[j] = s.bothEyesClosed();
            ear[j] = eyeAspect(s);
            mar[j] = s.mouthAspect();
            seq.add(frames.get(faceIdx.get(j)).sequence());
        }
        return new Baseline(median(yaw), median(pitch), median(eyes), median(ear), median(mar), seq);
    }

    /**
     * App. III item 1: each requested action must appear, after the previous one, in the requested order. Events
     * are matched greedily: the earliest event of the next requested action that begins after the previous
     * action ended.
     */
    private static List<ActionEvidence> checkActions(LivenessChallenge challenge, List<CapturedFrame> frames,
            FrameSignals[] cheap, List<Integer> faceIdx, Baseline baseline, JudgePolicy policy, Run run) {
        int m = faceIdx.size();
        double[] yaw = new double[m], pitch = new double[m], eyes = new double[m], ear = new double[m],
                mar = new double[m];
        for (int j = 0; j < m; j++) {
            FrameSignals s = cheap[faceIdx.get(j)];
            yaw[j] = s.yaw();
            pitch[j] = s.pitch();
            eyes[j] = s.bothEyesClosed();
            ear[j] = eyeAspect(s);
            mar[j] = s.mouthAspect();
        }
        List<ActionDetector.Event> events = ActionDetector.detect(
                new ActionDetector.Series(yaw, pitch, eyes, ear, mar), baseline, policy.actions());
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
            String name = "action." + action;
            if (match != null) {
                CapturedFrame first = frames.get(faceIdx.get(match.start()));
                CapturedFrame last = frames.get(faceIdx.get(match.end()));
                performed.add(new ActionEvidence(action, first.sequence(), last.sequence(), first.capturedAtMillis(),
                        last.capturedAtMillis(), match.peak()));
                run.pass(name, List.of(first.sequence(), last.sequence()), Map.of("peak", match.peak()),
                        "seen in order");
                cursor = match.end();
            } else if (anyOfKind != null) {
                CapturedFrame first = frames.get(faceIdx.get(anyOfKind.start()));
                run.fail(name, LivenessReason.ACTIONS_OUT_OF_ORDER, List.of(first.sequence()),
                        Map.of("peak", anyOfKind.peak()), "seen, but only before the action requested ahead of it");
            } else {
                run.fail(name, LivenessReason.ACTION_MISSING, List.of(), Map.of(), "not seen");
            }
        }
        if (challenge.actions().isEmpty()) {
            run.notApplicable("actions", "no action was requested");
        }
        return performed;
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
            run.pass("depth", parallax, m, "landmarks move with parallax no flat picture shows");
        } else if (headAsked) {
            run.fail("depth", LivenessReason.NO_3D_MOTION, planar, m,
                    "head action requested, but no frame shows parallax: the motion of a flat picture or none");
        } else if (planar.size() >= rules.minPlanarFrames()) {
            run.fail("depth", LivenessReason.NO_3D_MOTION, planar, m,
                    "the face changed shape as a tilted flat picture does, without parallax");
        } else {
            run.notApplicable("depth", "no head action requested and no planar motion seen", m);
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
            run.notApplicable("client", "the client sent no measurements");
            return;
        }
        double fraction = disagree.size() / (double) measured;
        Map<String, Double> m = Map.of("measuredFrames", (double) measured, "disagreeFraction", fraction);
        if (rules.maxDisagreeFraction() < 1.0 && fraction > rules.maxDisagreeFraction()) {
            run.fail("client", LivenessReason.CLIENT_MEASUREMENTS_DISAGREE, disagree, m,
                    "the client's measurements disagree with the server's");
        } else {
            run.pass("client", disagree, m, disagree.isEmpty() ? "the client's measurements agree"
                    : "disagreement recorded, not used");
        }
    }

    /**
     * The costly path on a few frames: identity continuity (App. III item 3), presentation-attack score (item 5),
     * quality (X.1279 7.3.3) and the 1:1 comparison with the reference (7.3.4). Frames: the first face frame, the
     * last, evenly spread ones between, and both sides of every jump of the face box between consecutive frames
     * (where a cut from one person to another would show).
     */
    private OptionalDouble checkIdentity(List<CapturedFrame> frames, BufferedImage[] images, FrameSignals[] cheap,
            List<Integer> faceIdx, Optional<Template> reference, JudgePolicy policy, Run run)
            throws BiometricException {
        JudgePolicy.IdentityRules rules = policy.identity();
        TreeSet<Integer> chosen = new TreeSet<>();
        int m = faceIdx.size();
        for (int k = 0; k < rules.fullFrames(); k++) {
            chosen.add(faceIdx.get((int) Math.round(k * (m - 1) / (double) (rules.fullFrames() - 1))));
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
        List<Integer> idx = new ArrayList<>(chosen);
        List<Integer> seqs = new ArrayList<>();
        List<Template> templates = new ArrayList<>();
        double[] attack = new double[idx.size()];
        List<Integer> qualityPassed = new ArrayList<>();
        for (int k = 0; k < idx.size(); k++) {
            int i = idx.get(k);
            seqs.add(frames.get(i).sequence());
            FrameSignals full;
            try {
                full = analyzer.analyse(images[i], SignalOptions.FULL);
            } catch (BiometricException e) {
                if (e.reason() != ReasonCode.NO_FACE) {
                    throw e;
                }
                // The cheap pass found a face; the model is deterministic, so this should not happen.
                throw new BiometricException(ReasonCode.ENGINE_FAILURE, "face lost between passes", e);
            }
            templates.add(full.template().orElseThrow());
            attack[k] = full.attackScore().orElseThrow();
            QualityReport q = analyzer.assess(images[i], policy.quality());
            if (q.failures().stream().allMatch(r -> r == ReasonCode.POSE_OUT_OF_RANGE)) {
                qualityPassed.add(k);
            }
        }

        // Continuity: every sampled frame against the first (the resting pose at the start). Pairs of action
        // frames (eyes shut, head turned) score lower against each other than against the resting pose.
        double minScore = 1;
        int worst = 0;
        for (int k = 1; k < templates.size(); k++) {
            double s = analyzer.compare(templates.get(0), templates.get(k));
            if (s < minScore) {
                minScore = s;
                worst = k;
            }
        }
        Map<String, Double> cm = Map.of("minScoreAgainstFirst", minScore, "threshold", rules.continuityThreshold(),
                "boxJumps", (double) jumps.size());
        if (minScore < rules.continuityThreshold()) {
            run.fail("continuity", LivenessReason.IDENTITY_CHANGED, List.of(seqs.get(0), seqs.get(worst)), cm,
                    "sampled frames show different people");
        } else {
            run.pass("continuity", seqs, cm, "the same person in every sampled frame");
        }

        double medianAttack = median(attack);
        double maxAttack = Arrays.stream(attack).max().orElse(0);
        Map<String, Double> am = Map.of("medianAttackScore", medianAttack, "maxAttackScore", maxAttack,
                "threshold", rules.attackThreshold());
        if (medianAttack >= rules.attackThreshold()) {
            run.fail("presentationAttack", LivenessReason.PRESENTATION_ATTACK, seqs, am,
                    "the attack classifier flags the sampled frames");
        } else {
            run.pass("presentationAttack", seqs, am, "the attack classifier finds the sampled frames bona fide");
        }

        List<Integer> passedSeq = qualityPassed.stream().map(seqs::get).toList();
        if (qualityPassed.isEmpty()) {
            run.fail("quality", LivenessReason.QUALITY_TOO_LOW, seqs, Map.of("passedFrames", 0.0),
                    "no sampled frame meets the quality policy (pose exempt): capture again");
        } else {
            run.pass("quality", passedSeq, Map.of("passedFrames", (double) qualityPassed.size()),
                    "sampled frames meet the quality policy (pose exempt)");
        }

        if (reference.isEmpty()) {
            run.notApplicable("reference", "no reference given");
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
            run.skip("reference", "no frame of sufficient quality to compare");
            return OptionalDouble.empty();
        }
        Map<String, Double> rm = Map.of("score", best, "threshold", rules.matchThreshold());
        if (best < rules.matchThreshold()) {
            run.fail("reference", LivenessReason.REFERENCE_MISMATCH, List.of(bestSeq), rm,
                    "the capture does not match the reference");
        } else {
            run.pass("reference", List.of(bestSeq), rm, "the capture matches the reference");
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
        float[] out = new float[THUMB_W * THUMB_H];
        for (int ty = 0; ty < THUMB_H; ty++) {
            for (int tx = 0; tx < THUMB_W; tx++) {
                float sum = 0;
                for (int sy = 0; sy < 4; sy++) {
                    int y = Math.min(h - 1, (int) ((ty + (sy + 0.5) / 4) * h / THUMB_H));
                    for (int sx = 0; sx < 4; sx++) {
                        int x = Math.min(w - 1, (int) ((tx + (sx + 0.5) / 4) * w / THUMB_W));
                        int rgb = image.getRGB(x, y);
                        sum += 0.299f * ((rgb >> 16) & 0xff) + 0.587f * ((rgb >> 8) & 0xff) + 0.114f * (rgb & 0xff);
                    }
                }
                out[ty * THUMB_W + tx] = sum / 16;
            }
        }
        return out;
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
        final List<Check> checks = new ArrayList<>();
        final LinkedHashSet<LivenessReason> reasons = new LinkedHashSet<>();

        void pass(String name, List<Integer> frames, Map<String, Double> measured, String detail) {
            checks.add(new Check(name, Outcome.PASSED, Optional.empty(), frames, measured, detail));
        }

        void fail(String name, LivenessReason reason, List<Integer> frames, Map<String, Double> measured,
                String detail) {
            checks.add(new Check(name, Outcome.FAILED, Optional.of(reason), frames, measured, detail));
            reasons.add(reason);
        }

        void notApplicable(String name, String detail) {
            notApplicable(name, detail, Map.of());
        }

        void notApplicable(String name, String detail, Map<String, Double> measured) {
            checks.add(new Check(name, Outcome.NOT_APPLICABLE, Optional.empty(), List.of(), measured, detail));
        }

        void skip(String name, String detail) {
            checks.add(new Check(name, Outcome.SKIPPED, Optional.empty(), List.of(), Map.of(), detail));
        }

        LivenessJudgement refused(Optional<Baseline> baseline) {
            return new LivenessJudgement.Refused(List.copyOf(reasons), new Explanation(baseline, checks));
        }
    }
}
