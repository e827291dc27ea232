package org.countersign.agent.remote;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.face.FrameSignals;
import org.countersign.biometrics.face.QualityPolicy;
import org.countersign.biometrics.face.QualityReport;
import org.countersign.biometrics.face.SignalOptions;
import org.countersign.biometrics.liveness.Action;
import org.countersign.biometrics.liveness.CapturedFrame;
import org.countersign.biometrics.liveness.ClientMeasurement;

/**
 * The client's own checks before anything is sent (X.1279 §7.2): environment detection (A-C1), quality scoring
 * against the server's policy (A-C4) and a preliminary detection of the requested actions (A-C3). The server judges
 * again from the frames and never trusts this verdict; it exists so the user hears "too dark" or "no blink seen"
 * at once instead of after a round trip.
 */
public final class CaptureAgent {
    /** Frames the environment check looks at, spread over the capture. */
    static final int ENVIRONMENT_SAMPLES = 5;

    private final FaceAnalyzer analyzer;
    private final QualityPolicy quality;

    public CaptureAgent(FaceAnalyzer analyzer, QualityPolicy quality) {
        this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
        this.quality = Objects.requireNonNull(quality, "quality");
    }

    /**
     * A-C1: can capture work here? One face, large enough, well lit and sharp, in sampled frames.
     *
     * @param ok       true when a majority of sampled frames pass
     * @param problems reason codes seen, most frequent first, with counts
     */
    public record Environment(boolean ok, Map<ReasonCode, Integer> problems, int sampled) {}

    /** A-C4 and A-C3 in one pass over the frames. */
    public record Preliminary(Environment environment, int bestFrame, double passedFraction, List<Action> actionsSeen,
            boolean actionsMatch, List<CapturedFrame> frames) {}

    public Environment environment(List<FrameSource.Frame> frames) {
        Map<ReasonCode, Integer> problems = new LinkedHashMap<>();
        int passed = 0;
        int n = Math.min(ENVIRONMENT_SAMPLES, frames.size());
        for (int k = 0; k < n; k++) {
            FrameSource.Frame f = frames.get(n == 1 ? 0 : k * (frames.size() - 1) / (n - 1));
            try {
                QualityReport r = analyzer.assess(f.image(), quality);
                // Pose is not an environment problem: actions turn the head on purpose.
                List<ReasonCode> fails = r.failures().stream().filter(c -> c != ReasonCode.POSE_OUT_OF_RANGE)
                        .toList();
                fails.forEach(c -> problems.merge(c, 1, Integer::sum));
                if (fails.isEmpty()) {
                    passed++;
                }
            } catch (BiometricException e) {
                problems.merge(e.reason(), 1, Integer::sum);
            }
        }
        return new Environment(passed * 2 > n, problems, n);
    }

    /**
     * Measures every frame once (cheap path), scores quality, detects the actions and builds the frames to send
     * with the client's measurements attached (the server records where they disagree with its own).
     */
    public Preliminary prepare(List<FrameSource.Frame> frames, List<Action> requested) {
        Environment env = environment(frames);
        int n = frames.size();
        FrameSignals[] s = new FrameSignals[n];
        List<CapturedFrame> out = new ArrayList<>();
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        int passed = 0;
        for (int i = 0; i < n; i++) {
            FrameSource.Frame f = frames.get(i);
            Optional<ClientMeasurement> m = Optional.empty();
            try {
                s[i] = analyzer.analyse(f.image(), SignalOptions.CHEAP);
                m = Optional.of(new ClientMeasurement(s[i].yaw(), s[i].pitch(), s[i].bothEyesClosed(),
                        s[i].mouthAspect()));
                double score = s[i].box().side() - 200 * (Math.abs(s[i].yaw()) + Math.abs(s[i].pitch()));
                passed++;
                if (score > bestScore) {
                    bestScore = score;
                    best = i;
                }
            } catch (BiometricException e) {
                s[i] = null;
            }
            out.add(new CapturedFrame(FrameSource.jpeg(f.image()), f.capturedAtMillis(), i, m));
        }
        List<Action> seen = detect(s);
        boolean match = seen.stream().filter(requested::contains).toList().equals(requested);
        return new Preliminary(env, best, n == 0 ? 0 : passed / (double) n, seen, match, out);
    }

    /** Simplified action detection relative to the first frames (the server's judge is the authority). */
    static List<Action> detect(FrameSignals[] s) {
        List<FrameSignals> faces = Arrays.stream(s).filter(Objects::nonNull).toList();
        if (faces.size() < 4) {
            return List.of();
        }
        List<FrameSignals> base = faces.subList(0, 3);
        double yaw0 = median(base.stream().mapToDouble(FrameSignals::yaw).toArray());
        double pitch0 = median(base.stream().mapToDouble(FrameSignals::pitch).toArray());
        double mouth0 = median(base.stream().mapToDouble(FrameSignals::mouthAspect).toArray());
        double eye0 = median(base.stream().mapToDouble(f -> (f.leftEyeAspect() + f.rightEyeAspect()) / 2).toArray());
        Map<Action, Integer> first = new LinkedHashMap<>();
        boolean left = false;
        boolean right = false;
        for (int i = 0; i < faces.size(); i++) {
            FrameSignals f = faces.get(i);
            double eye = (f.leftEyeAspect() + f.rightEyeAspect()) / 2;
            if (f.bothEyesClosed() > 0.5 || eye <= 0.7 * eye0) {
                first.putIfAbsent(Action.BLINK, i);
            }
            if (f.mouthAspect() - mouth0 > 0.15) {
                first.putIfAbsent(Action.OPEN_MOUTH, i);
            }
            if (Math.abs(f.pitch() - pitch0) > 0.2) {
                first.putIfAbsent(Action.NOD, i);
            }
            left |= f.yaw() - yaw0 > 0.25;
            right |= f.yaw() - yaw0 < -0.25;
            if (left && right) {
                first.putIfAbsent(Action.SHAKE, i);
            }
        }
        return first.entrySet().stream().sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey).toList();
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }
}
