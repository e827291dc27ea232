package org.countersign.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.face.FrameSignals;
import org.countersign.biometrics.face.SignalOptions;
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
 * Cost of the face pipeline per 640×480 webcam frame (a NUAA bona fide image from the shared test data):
 * the cheap liveness-signal path, the full path with embedding and presentation-attack score, and JPEG decoding.
 * Run: {@code java -jar countersign-bench/target/benchmarks.jar Face -f 1 -wi 2 -i 3}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FaceBenchmarks {
    private static final String FRAME = "pad/nuaa/bona-fide/0004/0004_01_06_03_100.jpg";

    private FaceAnalyzer analyzer;
    private ByteArray jpeg;
    private BufferedImage frame;

    @Setup(Level.Trial)
    public void setUp() throws IOException, BiometricException {
        Path root = TestData.rootOrNull();
        if (root == null || !Files.isRegularFile(root.resolve(FRAME))) {
            throw new IllegalStateException("shared test data not found (set COUNTERSIGN_DATA): " + FRAME);
        }
        jpeg = ByteArray.copyOf(Files.readAllBytes(root.resolve(FRAME)));
        analyzer = FaceAnalyzer.open();
        frame = analyzer.decode(jpeg);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        analyzer.close();
    }

    /** Detection, landmarks, eye state, pose and mouth ratios: what every frame of a challenge needs. */
    @Benchmark
    public FrameSignals signalsOnly() throws BiometricException {
        return analyzer.analyse(frame, SignalOptions.CHEAP);
    }

    /** Everything, including the 512-d embedding and the presentation-attack score. */
    @Benchmark
    public FrameSignals fullWithEmbeddingAndPad() throws BiometricException {
        return analyzer.analyse(frame, SignalOptions.FULL);
    }

    /** Decoding the 640×480 JPEG (header check + javax.imageio). */
    @Benchmark
    public BufferedImage decodeJpeg640x480() throws BiometricException {
        return analyzer.decode(jpeg);
    }
}
