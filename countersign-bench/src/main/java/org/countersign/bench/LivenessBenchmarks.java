package org.countersign.bench;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.liveness.Action;
import org.countersign.biometrics.liveness.CapturedFrame;
import org.countersign.biometrics.liveness.InMemoryFrameHashStore;
import org.countersign.biometrics.liveness.JudgePolicy;
import org.countersign.biometrics.liveness.LivenessChallenge;
import org.countersign.biometrics.liveness.LivenessJudge;
import org.countersign.biometrics.liveness.LivenessJudgement;
import org.countersign.core.bytes.ByteArray;
import org.countersign.testkit.TestData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Server judgement time for one liveness capture (A-S2): 3 seconds at 8 fps, 24 JPEG frames of 640×480, made
 * from the first 3 s of the real {@code nod_male2_istock} clip scaled up and letterboxed, judged against a NOD
 * challenge (decoding, the cheap path on all frames, the costly path on three, all checks). Each invocation uses a
 * fresh hash store, otherwise the second one would be refused as a replay before any image work.
 * Run: {@code java -jar countersign-bench/target/benchmarks.jar Liveness -f 1 -wi 2 -i 3}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LivenessBenchmarks {
    private static final String CLIP = "liveness/clips/nod_male2_istock";
    private static final Instant ISSUED = Instant.parse("2025-03-01T10:00:00Z");

    private FaceAnalyzer analyzer;
    private List<CapturedFrame> frames;
    private LivenessChallenge challenge;
    private Clock clock;

    @Setup(Level.Trial)
    public void setUp() throws IOException, BiometricException {
        Path root = TestData.rootOrNull();
        if (root == null || !Files.isDirectory(root.resolve(CLIP))) {
            throw new IllegalStateException("shared test data not found (set COUNTERSIGN_DATA): " + CLIP);
        }
        frames = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            // 8 fps from a 10 fps clip: the source frame nearest to t = i / 8 s.
            int source = 1 + (int) Math.round(i * 10 / 8.0);
            BufferedImage image = ImageIO.read(root.resolve(CLIP).resolve(String.format("%04d.png", source)).toFile());
            frames.add(CapturedFrame.of(jpeg(fit(image, 640, 480)), i * 125L, i));
        }
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        challenge = new LivenessChallenge(List.of(Action.NOD), Duration.ofSeconds(5), ByteArray.copyOf(nonce), ISSUED);
        clock = Clock.fixed(ISSUED.plusSeconds(4), ZoneOffset.UTC);
        analyzer = FaceAnalyzer.open();
        LivenessJudgement first = judgeOnce();
        System.out.println("liveness benchmark capture judged: " + (first.isLive() ? "LIVE" : first));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        analyzer.close();
    }

    @Benchmark
    public LivenessJudgement judge3sAt8fps640x480() throws BiometricException {
        return judgeOnce();
    }

    private LivenessJudgement judgeOnce() throws BiometricException {
        LivenessJudge judge = new LivenessJudge(analyzer, new InMemoryFrameHashStore(Duration.ofMinutes(5)), clock);
        return judge.judge(challenge, frames, Optional.empty(), JudgePolicy.defaults());
    }

    private static BufferedImage fit(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        double s = Math.min(w / (double) src.getWidth(), h / (double) src.getHeight());
        int sw = (int) Math.round(src.getWidth() * s);
        int sh = (int) Math.round(src.getHeight() * s);
        g.drawImage(src, (w - sw) / 2, (h - sh) / 2, sw, sh, null);
        g.dispose();
        return out;
    }

    private static ByteArray jpeg(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return ByteArray.copyOf(out.toByteArray());
    }
}
