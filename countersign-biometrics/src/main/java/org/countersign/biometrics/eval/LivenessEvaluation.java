package org.countersign.biometrics.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.liveness.Action;
import org.countersign.biometrics.liveness.CapturedFrame;
import org.countersign.biometrics.liveness.Explanation;
import org.countersign.biometrics.liveness.FrameHashStore;
import org.countersign.biometrics.liveness.InMemoryFrameHashStore;
import org.countersign.biometrics.liveness.JudgePolicy;
import org.countersign.biometrics.liveness.LivenessChallenge;
import org.countersign.biometrics.liveness.LivenessJudge;
import org.countersign.biometrics.liveness.LivenessJudgement;
import org.countersign.biometrics.liveness.LivenessReason;
import org.countersign.core.bytes.ByteArray;

/**
 * The server's liveness judge measured as a whole system under ISO/IEC 30107-3: every clip of a corpus is judged
 * as the remote flow judges a capture, and the decisions are counted as APCER per attack instrument species and
 * BPCER over bona fide presentations.
 *
 * <p>Layout: {@code DIR/bona-fide/<clip>/} and {@code DIR/attack/<species>/<clip>/}; a clip is a folder of frames
 * ({@code *.png|jpg|jpeg}, sorted by name), {@code actions.txt} (one action a line, the challenge the capture
 * answers) and an optional {@code fps.txt} (default 10).
 *
 * <p>What is the same as the server: the {@link LivenessJudge} with {@link JudgePolicy#defaults()}, one
 * {@link FrameHashStore} for the whole run (so replays of clips judged earlier meet the hashes the bona fide clips
 * left, as in a deployment), the structural limits the server checks before judging (frame count, size, format),
 * the default risk policy's time limit, and the registration path's last step: a live capture without a frame of
 * acceptable quality is not accepted. Not included: the 1:1 comparison with a stored reference (the corpus has no
 * enrolment), so the figures are those of liveness alone.
 */
public final class LivenessEvaluation {
    /** The server's structural capture limits (RemoteBiometricService): beyond them a capture is not judged. */
    public static final int MAX_FRAMES = 64;
    public static final int MAX_FRAME_BYTES = 512 * 1024;
    /** The default risk policy's capture time: a base plus a share per action (RiskPolicy.defaults()). */
    static final long BASE_TIME_LIMIT_MILLIS = 8_000;
    static final long PER_ACTION_MILLIS = 4_000;
    static final double DEFAULT_FPS = 10;

    public static final String BONA_FIDE = "bona-fide";
    public static final String ATTACK = "attack";

    /** One clip found in the corpus. {@code species} is {@code null} for a bona fide clip. */
    public record ClipSource(String species, String name, Path dir) {
        public boolean bonaFide() {
            return species == null;
        }
    }

    /** One check of the judge's explanation, in plain JSON shapes. */
    public record CheckRow(String name, String outcome, String reason, List<Integer> frames,
            Map<String, Double> measured, String detail) {
        static CheckRow of(Explanation.Check c) {
            return new CheckRow(c.name(), c.outcome().name(), c.reason().map(Enum::name).orElse(null), c.frames(),
                    new TreeMap<>(c.measured()), c.detail());
        }
    }

    /**
     * The judgement of one clip.
     *
     * @param species     attack species, or {@code bona-fide}
     * @param accepted    whether the capture would have been accepted
     * @param decision    {@code ACCEPTED}, {@code REFUSED} (judged an attack) or {@code UNUSABLE} (the server
     *                    answers "capture again": no face, too few frames, unreadable input, …)
     * @param reasons     every refusal reason (judge reasons, or the structural reason that stopped the clip)
     * @param actionsSeen the requested actions the judge found, in order
     * @param checks      every check the judge ran
     * @param error       why the clip could not be judged at all, if so
     */
    public record ClipResult(String species, String clip, boolean bonaFide, List<Action> challenge, int frames,
            double fps, boolean accepted, String decision, List<String> reasons, List<Action> actionsSeen,
            List<CheckRow> checks, String error, long millis) {
        public ClipResult {
            challenge = List.copyOf(challenge);
            reasons = List.copyOf(reasons);
            actionsSeen = List.copyOf(actionsSeen);
            checks = List.copyOf(checks);
        }
    }

    /** One row of the per-species table. */
    public record SpeciesRow(String species, int clips, int refused, double apcer) {}

    /** The whole report ({@code report.json}). */
    public record Report(String modality, String dataset, String policy, int bonaFide, int bonaFideRejected,
            double bpcer, int attack, double apcer, List<SpeciesRow> species, List<String> notes,
            List<ClipResult> clips) {}

    /** The report, its chart and the one-line summary. */
    public record Outcome(Report report, ByteArray chartPng, String table, String summaryLine) {}

    private LivenessEvaluation() {}

    /**
     * Judges every clip of {@code data}: all bona fide clips first, then each species in name order.
     *
     * @throws IOException              if the corpus folders cannot be listed
     * @throws IllegalArgumentException if the corpus has no bona fide or no attack clip
     */
    public static Outcome run(FaceAnalyzer analyzer, Path data, Clock clock, ProgressListener progress)
            throws IOException {
        List<ClipSource> sources = scan(data);
        FrameHashStore store = new InMemoryFrameHashStore(Duration.ofDays(30));
        LivenessJudge judge = new LivenessJudge(analyzer, store, clock);
        JudgePolicy policy = JudgePolicy.defaults();
        SecureRandom random = new SecureRandom();
        List<ClipResult> results = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            results.add(judgeClip(judge, policy, clock, random, sources.get(i)));
            progress.progress("liveness", i + 1, sources.size());
        }
        Report report = summarise(data.toString(), results);
        return new Outcome(report, chart(report), table(report), summaryLine(report));
    }

    /** The corpus's clips in judging order: bona fide (by name), then species by name, clips by name. */
    public static List<ClipSource> scan(Path data) throws IOException {
        List<ClipSource> out = new ArrayList<>();
        for (Path clip : subfolders(data.resolve(BONA_FIDE))) {
            out.add(new ClipSource(null, clip.getFileName().toString(), clip));
        }
        int bonaFide = out.size();
        for (Path species : subfolders(data.resolve(ATTACK))) {
            for (Path clip : subfolders(species)) {
                out.add(new ClipSource(species.getFileName().toString(), clip.getFileName().toString(), clip));
            }
        }
        if (bonaFide == 0 || out.size() == bonaFide) {
            throw new IllegalArgumentException("need clips under both " + data.resolve(BONA_FIDE) + " and "
                    + data.resolve(ATTACK) + "/<species>/ (found " + bonaFide + " bona fide, "
                    + (out.size() - bonaFide) + " attack)");
        }
        return out;
    }

    private static List<Path> subfolders(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** Judges one clip; any problem with the clip itself becomes an UNUSABLE result, never an exception. */
    static ClipResult judgeClip(LivenessJudge judge, JudgePolicy policy, Clock clock, SecureRandom random,
            ClipSource src) {
        String species = src.bonaFide() ? BONA_FIDE : src.species();
        long t0 = System.nanoTime();
        List<Action> actions = List.of();
        double fps = DEFAULT_FPS;
        List<Path> files = List.of();
        try {
            actions = readActions(src.dir());
            fps = readFps(src.dir());
            files = frameFiles(src.dir());
            List<CapturedFrame> frames = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                byte[] bytes = Files.readAllBytes(files.get(i));
                Optional<String> bad = structural(bytes, files.size());
                if (bad.isPresent()) {
                    return unusable(species, src, actions, files.size(), fps, bad.get(),
                            files.get(i).getFileName() + ": " + bad.get(), t0);
                }
                frames.add(CapturedFrame.of(ByteArray.copyOf(bytes), Math.round(i * 1000 / fps), i));
            }
            byte[] nonce = new byte[32];
            random.nextBytes(nonce);
            long last = frames.isEmpty() ? 0 : frames.get(frames.size() - 1).capturedAtMillis();
            // The capture has just ended: the challenge was issued one clip length (and a second) ago.
            Instant issued = clock.instant().minusMillis(last + 1_000);
            LivenessChallenge challenge = new LivenessChallenge(actions,
                    Duration.ofMillis(BASE_TIME_LIMIT_MILLIS + PER_ACTION_MILLIS * actions.size()),
                    ByteArray.copyOf(nonce), issued);
            LivenessJudgement j = judge.judge(challenge, frames, Optional.empty(), policy);
            List<CheckRow> checks = j.explanation().checks().stream().map(CheckRow::of).toList();
            if (j instanceof LivenessJudgement.Refused r) {
                List<String> reasons = r.reasons().stream().map(Enum::name).toList();
                return new ClipResult(species, src.name(), src.bonaFide(), actions, frames.size(), fps, false,
                        unusable(r.reasons()) ? "UNUSABLE" : "REFUSED", reasons, seen(j.explanation()), checks,
                        null, millis(t0));
            }
            LivenessJudgement.Live live = (LivenessJudgement.Live) j;
            List<Action> seen = live.actions().stream().map(LivenessJudgement.ActionEvidence::action).toList();
            // The server turns a live capture without a quality frame into "capture again" (no probe to use).
            if (live.probes().isEmpty()) {
                return new ClipResult(species, src.name(), src.bonaFide(), actions, frames.size(), fps, false,
                        "UNUSABLE", List.of(LivenessReason.QUALITY_TOO_LOW.name()), seen, checks, null, millis(t0));
            }
            return new ClipResult(species, src.name(), src.bonaFide(), actions, frames.size(), fps, true, "ACCEPTED",
                    List.of(), seen, checks, null, millis(t0));
        } catch (BiometricException e) {
            return unusable(species, src, actions, files.size(), fps, e.reason().name(), e.getMessage(), t0);
        } catch (IOException | RuntimeException e) {
            return unusable(species, src, actions, files.size(), fps, "CLIP_UNREADABLE", String.valueOf(e), t0);
        }
    }

    /** Requested actions whose check passed, in the order the judge checked them. */
    private static List<Action> seen(Explanation e) {
        return e.checks().stream()
                .filter(c -> c.name().startsWith("action.") && c.outcome() == Explanation.Outcome.PASSED)
                .map(c -> Action.valueOf(c.name().substring("action.".length()))).toList();
    }

    /** The server's "capture cannot be judged" reasons (RemoteBiometricService.UNUSABLE). */
    private static boolean unusable(List<LivenessReason> reasons) {
        return reasons.stream().anyMatch(r -> r == LivenessReason.TOO_FEW_FRAMES
                || r == LivenessReason.FRAMES_OUT_OF_ORDER || r == LivenessReason.NO_FACE
                || r == LivenessReason.SEVERAL_FACES) || reasons.equals(List.of(LivenessReason.QUALITY_TOO_LOW));
    }

    private static ClipResult unusable(String species, ClipSource src, List<Action> actions, int frames, double fps,
            String reason, String error, long t0) {
        return new ClipResult(species, src.name(), src.bonaFide(), actions, frames, fps, false, "UNUSABLE",
                List.of(reason), List.of(), List.of(), error, millis(t0));
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** The server's checks before any image work: count, size and format (JPEG or PNG). */
    static Optional<String> structural(byte[] b, int count) {
        if (count > MAX_FRAMES) {
            return Optional.of("TOO_MANY_FRAMES");
        }
        if (b.length > MAX_FRAME_BYTES) {
            return Optional.of("IMAGE_TOO_LARGE");
        }
        boolean jpeg = b.length > 4 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff
                && (b[b.length - 2] & 0xff) == 0xff && (b[b.length - 1] & 0xff) == 0xd9;
        boolean png = b.length > 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
        return jpeg || png ? Optional.empty() : Optional.of("IMAGE_UNREADABLE");
    }

    static List<Action> readActions(Path clip) throws IOException {
        Path f = clip.resolve("actions.txt");
        if (!Files.isRegularFile(f)) {
            throw new IOException("actions.txt missing in " + clip);
        }
        List<Action> out = new ArrayList<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            try {
                out.add(Action.valueOf(s.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IOException("unknown action '" + s + "' in " + f + " (BLINK, NOD, SHAKE, OPEN_MOUTH)");
            }
        }
        return out;
    }

    static double readFps(Path clip) throws IOException {
        Path f = clip.resolve("fps.txt");
        if (!Files.isRegularFile(f)) {
            return DEFAULT_FPS;
        }
        try {
            double fps = Double.parseDouble(Files.readString(f, StandardCharsets.UTF_8).strip());
            if (!(fps > 0 && fps <= 240)) {
                throw new IOException("fps out of range in " + f);
            }
            return fps;
        } catch (NumberFormatException e) {
            throw new IOException("fps.txt is not a number: " + f);
        }
    }

    static List<Path> frameFiles(Path clip) throws IOException {
        try (Stream<Path> s = Files.list(clip)) {
            return s.filter(p -> p.getFileName().toString().matches("(?i).+\\.(png|jpe?g)"))
                    .filter(Files::isRegularFile).sorted().toList();
        }
    }

    // --- bookkeeping --------------------------------------------------------------------------------------------

    /**
     * Counts decisions: APCER per species (attack clips accepted / attack clips), the worst species' APCER, and
     * BPCER (bona fide clips not accepted / bona fide clips). A clip that could not be judged counts as not
     * accepted: for an attack that is a refusal, for a bona fide clip a rejection.
     */
    public static Report summarise(String dataset, List<ClipResult> clips) {
        // PadMetrics works on attack scores (high = attack, attack when score ≥ threshold): a refusal scores 1,
        // an acceptance 0, and the threshold 0.5 turns its APCER/BPCER into the shares of wrong decisions.
        double[] bonaFide = clips.stream().filter(ClipResult::bonaFide).mapToDouble(c -> c.accepted() ? 0 : 1)
                .toArray();
        Map<String, List<ClipResult>> bySpecies = new TreeMap<>();
        for (ClipResult c : clips) {
            if (!c.bonaFide()) {
                bySpecies.computeIfAbsent(c.species(), k -> new ArrayList<>()).add(c);
            }
        }
        if (bonaFide.length == 0 || bySpecies.isEmpty()) {
            throw new IllegalArgumentException("need at least one bona fide and one attack clip");
        }
        List<SpeciesRow> rows = new ArrayList<>();
        double worst = 0;
        double bpcer = Double.NaN;
        int attacks = 0;
        for (Map.Entry<String, List<ClipResult>> e : bySpecies.entrySet()) {
            double[] attack = e.getValue().stream().mapToDouble(c -> c.accepted() ? 0 : 1).toArray();
            PadMetrics.PadOperatingPoint at = new PadMetrics(attack, bonaFide).atThreshold(0.5);
            int refused = (int) e.getValue().stream().filter(c -> !c.accepted()).count();
            rows.add(new SpeciesRow(e.getKey(), attack.length, refused, at.apcer()));
            worst = Math.max(worst, at.apcer());
            bpcer = at.bpcer();
            attacks += attack.length;
        }
        int rejected = (int) clips.stream().filter(c -> c.bonaFide() && !c.accepted()).count();
        List<String> notes = List.of(
                "judge: LivenessJudge with JudgePolicy.defaults(), one frame-hash store and one motion-signature"
                        + " store for the whole run (the server records motion signatures but does not yet refuse on"
                        + " them: docs/liveness.md)",
                "order: all bona fide clips first, then each species; a clip is accepted only if the judge finds it"
                        + " live and at least one frame meets the quality policy (as at registration)",
                "not included: the 1:1 comparison with a stored reference (liveness alone is measured)");
        return new Report("liveness", dataset, "JudgePolicy.defaults()", bonaFide.length, rejected, bpcer, attacks,
                worst, rows, notes, clips);
    }

    /** The per-species table and the bona fide line, for people. */
    public static String table(Report r) {
        StringBuilder sb = new StringBuilder();
        int w = Math.max(9, r.species().stream().mapToInt(s -> s.species().length()).max().orElse(0));
        sb.append(String.format(Locale.ROOT, "%-" + w + "s %6s %8s %8s%n", "species", "clips", "refused", "APCER"));
        for (SpeciesRow s : r.species()) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s %6d %8d %8.4f%n", s.species(), s.clips(), s.refused(),
                    s.apcer()));
        }
        sb.append(String.format(Locale.ROOT, "%-" + w + "s %6d %8s %8s%n", BONA_FIDE, r.bonaFide(),
                "rejected", "BPCER"));
        sb.append(String.format(Locale.ROOT, "%-" + w + "s %6s %8d %8.4f%n", "", "", r.bonaFideRejected(),
                r.bpcer()));
        return sb.toString();
    }

    /** {@code summary modality=liveness apcer=… bpcer=… species=… bona_fide=… attack=…}, rates as fractions. */
    public static String summaryLine(Report r) {
        return String.format(Locale.ROOT, "summary modality=liveness apcer=%.4f bpcer=%.4f species=%d bona_fide=%d"
                + " attack=%d", r.apcer(), r.bpcer(), r.species().size(), r.bonaFide(), r.attack());
    }

    /** Bar chart: APCER of each species and BPCER, each bar labelled with its count of errors and clips. */
    public static ByteArray chart(Report r) {
        List<BarChart.Bar> list = new ArrayList<>();
        for (SpeciesRow s : r.species()) {
            list.add(new BarChart.Bar(s.species(), s.apcer(), (s.clips() - s.refused()) + "/" + s.clips(), 1));
        }
        list.add(new BarChart.Bar("BPCER (" + BONA_FIDE + ")", r.bpcer(), r.bonaFideRejected() + "/" + r.bonaFide(),
                0));
        return new BarChart("Liveness judge, ISO/IEC 30107-3: APCER per species, BPCER", "error rate")
                .renderPng(list);
    }
}
