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

/**
 * Re-measures the score distributions behind {@link FaceCalibration} (D-2, ISO/IEC 19795-1: FMR/FNMR at a
 * threshold) and checks that the thresholds in code still hold on the calibration images.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaceCalibrationTest {
    private FaceAnalyzer analyzer;
    private final List<Double> genuine = new ArrayList<>();
    private final List<Double> impostor = new ArrayList<>();

    @BeforeAll
    void measure() throws Exception {
        analyzer = FaceAnalyzer.open();
        score("faces/verification/faceapi");
        score("faces/verification/orl-grey");
    }

    @AfterAll
    void close() {
        analyzer.close();
    }

    /** All pairs within one set; ungated templates, so the comparator itself is measured. */
    private void score(String root) throws Exception {
        long start = System.nanoTime();
        List<String> who = new ArrayList<>();
        List<float[]> templates = new ArrayList<>();
        int noFace = 0;
        for (Path person : FaceData.folders(root)) {
            for (Path image : FaceData.images(root + "/" + person.getFileName())) {
                try {
                    Template t = analyzer.analyse(FaceData.read(image), new SignalOptions(true, false))
                            .template().orElseThrow();
                    templates.add(FaceTemplates.decode(t, analyzer.templateFormat()));
                    who.add(person.getFileName().toString());
                } catch (org.countersign.biometrics.api.BiometricException e) {
                    noFace++;
                }
            }
        }
        long extracted = System.nanoTime();
        int g0 = genuine.size();
        int i0 = impostor.size();
        for (int i = 0; i < templates.size(); i++) {
            for (int j = i + 1; j < templates.size(); j++) {
                double s = FaceTemplates.cosine(templates.get(i), templates.get(j));
                (who.get(i).equals(who.get(j)) ? genuine : impostor).add(s);
            }
        }
        double[] g = genuine.subList(g0, genuine.size()).stream().mapToDouble(Double::doubleValue).toArray();
        double[] im = impostor.subList(i0, impostor.size()).stream().mapToDouble(Double::doubleValue).toArray();
        double[] eer = FaceData.eer(g, im);
        System.out.printf("%s: %d templates (%d without face, %.1f s), %d genuine, %d impostor (max %.3f),"
                        + " EER %.4f at %.3f (%.1f s)%n", root, templates.size(), noFace, (extracted - start) / 1e9,
                g.length, im.length, Arrays.stream(im).max().orElseThrow(), eer[0], eer[1],
                (System.nanoTime() - extracted) / 1e9);
        for (double fmr : new double[] {1e-2, 1e-3, 1e-4}) {
            double t = thresholdAt(im, fmr);
            System.out.printf("  FMR %.0e: threshold %.3f, FNMR %.4f%n", fmr, t, fnmr(g, t));
        }
    }

    /** Smallest observed-score threshold whose impostor acceptance rate (score ≥ t) is at most {@code fmr}. */
    static double thresholdAt(double[] impostors, double fmr) {
        double[] sorted = impostors.clone();
        Arrays.sort(sorted);
        int allowed = (int) Math.floor(fmr * sorted.length);
        // Accept strictly above the (allowed+1)-th highest impostor score.
        double cut = sorted[sorted.length - 1 - allowed];
        return Math.nextUp(cut);
    }

    static double fnmr(double[] genuines, double t) {
        return Arrays.stream(genuines).filter(s -> s < t).count() / (double) genuines.length;
    }

    @Test
    void D_2_codedThresholdsHoldTheirFalseMatchRateOnTheCalibrationImages() {
        double[] g = genuine.stream().mapToDouble(Double::doubleValue).toArray();
        double[] im = impostor.stream().mapToDouble(Double::doubleValue).toArray();
        double[] eer = FaceData.eer(g, im);
        System.out.printf("combined: %d genuine, %d impostor, EER %.4f at %.3f%n", g.length, im.length, eer[0], eer[1]);
        for (double fmr : new double[] {1e-2, 1e-3, 1e-4}) {
            double measured = thresholdAt(im, fmr);
            double coded = FaceCalibration.BUNDLED.thresholdFor(fmr);
            double achieved = Arrays.stream(im).filter(s -> s >= coded).count() / (double) im.length;
            System.out.printf("  FMR %.0e: measured threshold %.3f (FNMR %.4f), coded %.3f achieves FMR %.5f FNMR %.4f%n",
                    fmr, measured, fnmr(g, measured), coded, achieved, fnmr(g, coded));
            assertThat(achieved).isLessThanOrEqualTo(fmr);
        }
    }
}
