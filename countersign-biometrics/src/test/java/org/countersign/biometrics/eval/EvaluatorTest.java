package org.countersign.biometrics.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Random;
import org.countersign.biometrics.api.BiometricEngine;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Modality;
import org.countersign.biometrics.api.PresentationAttackDetector;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.face.FaceEngine;
import org.countersign.biometrics.liveness.JudgePolicy;
import org.countersign.biometrics.protect.FeatureVectors;
import org.countersign.biometrics.protect.TemplateProtector;
import org.countersign.core.bytes.ByteArray;
import org.countersign.testkit.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The face and PAD paths of the evaluator, exercised with stand-in engines (no face model): a "face engine" that
 * reads synthetic embeddings stored as files, and a detector that reads its score from the file. They check the
 * plumbing that the real face engine will go through once merged.
 */
@Tag("integration")
class EvaluatorTest {
    @TempDir
    Path dir;

    /** Reads 512 big-endian floats from the "image"; refuses anything else like a real engine would. */
    static final class StoredEmbeddingEngine implements BiometricEngine {
        @Override
        public Modality modality() {
            return Modality.FACE;
        }

        @Override
        public String templateFormat() {
            return "face/test-vectors";
        }

        @Override
        public Template extract(ByteArray encodedImage) throws BiometricException {
            if (encodedImage.length() != 2048) {
                throw new BiometricException(ReasonCode.NO_FACE, "not an embedding file");
            }
            return new Template(Modality.FACE, templateFormat(), encodedImage);
        }

        @Override
        public double compare(Template probe, Template reference) throws BiometricException {
            return FeatureVectors.cosine(FeatureVectors.fromTemplate(probe), FeatureVectors.fromTemplate(reference));
        }

        @Override
        public double thresholdForFalseMatchRate(double targetFmr) {
            return 0.3;
        }

        @Override
        public void close() {}
    }

    @Test
    void faceVerificationWithProtectionReportsDeltaEerAndLinkage() throws Exception {
        Random random = new Random(11);
        for (int s = 0; s < 8; s++) {
            float[] base = unit(random);
            Path folder = Files.createDirectories(dir.resolve("person" + s));
            for (int k = 0; k < 4; k++) {
                float[] v = base.clone();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (0.03 * random.nextGaussian());
                }
                ByteBuffer b = ByteBuffer.allocate(2048);
                b.asFloatBuffer().put(v);
                Files.write(folder.resolve(k + ".png"), b.array());
            }
        }
        Files.write(dir.resolve("person0").resolve("broken.png"), new byte[] {1, 2, 3});

        Evaluator.VerificationOutcome out = new Evaluator(ProgressListener.NONE).verification(
                new StoredEmbeddingEngine(), dir,
                new Evaluator.VerificationOptions(null, 0, TemplateProtector.faceDefaults(), new SecureRandom()));

        Reports.VerificationReport r = out.report();
        assertThat(r.failures()).singleElement().satisfies(f -> assertThat(f.reason()).isEqualTo(ReasonCode.NO_FACE));
        assertThat(r.genuineComparisons()).isEqualTo(8 * 6);
        assertThat(r.impostorComparisons()).isEqualTo(32 * 31 / 2 - 48);
        assertThat(r.dpi()).isNull();
        assertThat(r.protection().linkageEer()).isGreaterThan(0.25);
        assertThat(r.protection().protectedEer()).isLessThan(0.05);
        assertThat(out.summaryLine()).startsWith("summary modality=face eer=").contains(" fte=1 ", " protected_eer=",
                " linkage_eer=");
        assertThat(Reports.toJson(r)).contains("\"linkageMated\"", "\"deltaEer\"");
        assertThat(out.detPng().length()).isGreaterThan(1000);
    }

    @Test
    void faceWithProtection_realEngine_reportsProtectedFmrAndFnmrAtTheConfiguredTarget_andTheFte() throws Exception {
        try (FaceEngine engine = FaceEngine.open()) {
            Evaluator.VerificationOutcome out = new Evaluator(ProgressListener.NONE).verification(engine,
                    TestData.require("faces/verification/faceapi"),
                    new Evaluator.VerificationOptions(null, 0, TemplateProtector.faceDefaults(), new SecureRandom()));
            Reports.ProtectedMatchReport p = out.report().protectedMatch();
            System.out.println(out.summaryLine());
            assertThat(p.bestOf()).isEqualTo(3);
            assertThat(p.targetFmr()).isEqualTo(JudgePolicy.defaults().identity().protectedTargetFmr());
            assertThat(p.threshold()).isEqualTo(JudgePolicy.defaults().identity().protectedMatchThreshold());
            assertThat(p.samples()).isEqualTo(40);
            assertThat(p.fteRate()).isLessThan(0.03);
            assertThat(p.genuineDecisions()).isPositive();
            assertThat(p.impostorDecisions()).isGreaterThan(p.genuineDecisions());
            assertThat(p.yawBuckets()).hasSize(ProtectedMatchEvaluation.YAW_EDGES.length + 1);
            assertThat(out.summaryLine()).contains(" protected_target_fmr=0.001 ", " protected_threshold=0.5150 ",
                    " protected_fmr=", " protected_fnmr=", " fte_rate=");
            assertThat(Reports.toJson(out.report())).contains("\"protectedMatch\"", "\"yawBuckets\"");
        }
    }

    @Test
    void padReportsApcerAndBpcerAtTheThreshold() throws Exception {
        // The stand-in detector's score is the first byte / 100.
        write("nuaa/bona-fide/s1/a.jpg", 10);
        write("nuaa/bona-fide/s1/b.jpg", 20);
        write("nuaa/bona-fide/s2/c.jpg", 70);
        write("nuaa/attack/s1/d.jpg", 30);
        write("nuaa/attack/s2/e.jpg", 80);
        write("nuaa/attack/s2/f.jpg", 90);
        write("nuaa/attack/s2/g.jpg", 95);
        PresentationAttackDetector detector = image -> image.toByteArray()[0] / 100.0;

        Evaluator.PadOutcome out = new Evaluator(ProgressListener.NONE).presentationAttack(detector, dir, 0.5);

        Reports.PadReport r = out.report();
        assertThat(r.bonaFide()).isEqualTo(3);
        assertThat(r.attack()).isEqualTo(4);
        assertThat(r.atThreshold().apcer()).isEqualTo(0.25); // 0.30 passes as bona fide
        assertThat(r.atThreshold().bpcer()).isEqualTo(1.0 / 3); // 0.70 flagged
        assertThat(out.summaryLine()).isEqualTo(
                "summary modality=pad apcer=0.2500 bpcer=0.3333 threshold=0.5000 eer=" + String.format(
                        java.util.Locale.ROOT, "%.4f", r.eer().rate()) + " bona_fide=3 attack=4 failures=0");
    }

    private void write(String relative, int firstByte) throws Exception {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {(byte) firstByte});
    }

    private static float[] unit(Random random) {
        float[] v = new float[512];
        double n = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }
}
