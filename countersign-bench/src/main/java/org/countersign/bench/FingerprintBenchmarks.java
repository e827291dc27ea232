package org.countersign.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.fingerprint.FingerprintEngine;
import org.countersign.biometrics.protect.FeatureVectors;
import org.countersign.biometrics.protect.KeyedTransform;
import org.countersign.biometrics.protect.ProtectedTemplate;
import org.countersign.biometrics.protect.TemplateProtector;
import org.countersign.biometrics.protect.TransformKey;
import org.countersign.core.bytes.ByteArray;
import org.countersign.testkit.TestData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of the biometric operations a verification performs: fingerprint extraction and comparison (SourceAFIS),
 * and for face references the protection steps — deriving the keyed projection, transforming and encoding an
 * embedding, scoring in the protected domain. Embeddings are synthetic unit vectors (the cost does not depend
 * on where they come from). Needs the shared fingerprint data ({@code COUNTERSIGN_DATA} or ../shared/data).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FingerprintBenchmarks {
    private FingerprintEngine engine;
    private ByteArray image;
    private Template probe;
    private Template reference;
    private FingerprintEngine.PreparedProbe preparedProbe;
    private TemplateProtector protector;
    private TransformKey key;
    private KeyedTransform transform;
    private Template embedding;
    private ProtectedTemplate protectedReference;

    @Setup
    public void setUp() throws IOException, BiometricException {
        Path root = TestData.rootOrNull();
        if (root == null) {
            throw new IllegalStateException("shared test data not found: set COUNTERSIGN_DATA");
        }
        Path set = root.resolve("fingerprints/fvc2002-b");
        engine = new FingerprintEngine(500);
        image = ByteArray.copyOf(Files.readAllBytes(set.resolve("101_1.tif")));
        reference = engine.extract(image);
        probe = engine.extract(ByteArray.copyOf(Files.readAllBytes(set.resolve("101_2.tif"))));
        preparedProbe = engine.matcherFor(probe);

        protector = TemplateProtector.faceDefaults();
        key = TransformKey.generate(new SecureRandom());
        transform = protector.transformFor(key);
        Random random = new Random(1);
        float[] v = new float[512];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        embedding = FeatureVectors.toTemplate("face/arcface-512/faceplugin-0.0.1", v);
        protectedReference = protector.protect(embedding, transform);
    }

    /** Decode a 296x560 TIFF and extract minutiae. */
    @Benchmark
    public Template extract() throws BiometricException {
        return engine.extract(image);
    }

    /** One 1:1 comparison from serialized templates (deserialise both, index the probe, match). */
    @Benchmark
    public double compare() throws BiometricException {
        return engine.compare(probe, reference);
    }

    /** One comparison with the probe already indexed (the multi-impression and 1:N case). */
    @Benchmark
    public double comparePrepared() throws BiometricException {
        return preparedProbe.score(reference);
    }

    /** Derive the keyed projection from a per-user key (HKDF, AES-CTR Gaussians, Gram–Schmidt). */
    @Benchmark
    public KeyedTransform protectionDeriveKey() {
        return protector.transformFor(key);
    }

    /** Transform a 512-d embedding to its protected code and encode it for sealing. */
    @Benchmark
    public ByteArray protectionTransformAndEncode() throws BiometricException {
        return protector.protect(embedding, transform).encode();
    }

    /** Decode a protected reference and score a probe embedding against it (key already derived). */
    @Benchmark
    public double protectionDecodeAndCompare() throws BiometricException {
        return protector.compare(embedding, ProtectedTemplate.decode(protectedReference.encode()), transform);
    }
}
