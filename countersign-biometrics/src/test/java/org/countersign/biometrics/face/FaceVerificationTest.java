package org.countersign.biometrics.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.countersign.biometrics.api.Template;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** 1:1 comparison on real faces (A-S4) and its measured performance (D-2, ISO/IEC 19795-1 terms). */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaceVerificationTest {
    private FaceEngine engine;

    @BeforeAll
    void open() throws Exception {
        engine = FaceEngine.open();
    }

    @AfterAll
    void close() {
        engine.close();
    }

    @Test
    void D_2_genuinePairsScoreAboveImpostorPairs() throws Exception {
        List<String> who = new ArrayList<>();
        List<Template> templates = new ArrayList<>();
        List<String> gated = new ArrayList<>();
        for (Path person : FaceData.folders("faces/verification/faceapi")) {
            for (Path image : FaceData.images("faces/verification/faceapi/" + person.getFileName())) {
                // Ungated: this measures the comparator; the quality gate is measured on its own below.
                FrameSignals f = engine.analyzer().analyse(FaceData.read(image), new SignalOptions(true, false));
                QualityReport q = engine.analyzer().assess(FaceData.read(image), QualityPolicy.defaults());
                if (!q.passed()) {
                    gated.add(image.getFileName() + " " + q.failures() + String.format(" yaw %.2f", q.yaw()));
                }
                templates.add(f.template().orElseThrow());
                who.add(person.getFileName().toString());
            }
        }
        List<Double> genuine = new ArrayList<>();
        List<Double> impostor = new ArrayList<>();
        for (int i = 0; i < templates.size(); i++) {
            for (int j = i + 1; j < templates.size(); j++) {
                double s = engine.compare(templates.get(i), templates.get(j));
                (who.get(i).equals(who.get(j)) ? genuine : impostor).add(s);
            }
        }
        double[] g = genuine.stream().mapToDouble(Double::doubleValue).toArray();
        double[] im = impostor.stream().mapToDouble(Double::doubleValue).toArray();
        double[] eer = FaceData.eer(g, im);
        System.out.printf("faceapi: %d templates, %d genuine (min %.3f), %d impostor (max %.3f), EER %.4f at %.3f%n",
                templates.size(), g.length, Arrays.stream(g).min().orElseThrow(), im.length,
                Arrays.stream(im).max().orElseThrow(), eer[0], eer[1]);
        System.out.println("refused by the default quality policy: " + gated);
        assertThat(templates).hasSize(40);
        assertThat(Arrays.stream(g).min().orElseThrow()).isGreaterThan(Arrays.stream(im).max().orElseThrow());
        assertThat(eer[0]).isLessThanOrEqualTo(0.02);
    }
}
