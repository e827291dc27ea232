package org.countersign.biometrics.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.countersign.biometrics.api.BiometricException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Per-frame liveness signals on real images (A-C3 client ASD, A-S2 server judgement of the requested action,
 * X.1279 App. III): eye state, mouth opening, head turn direction.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaceSignalsTest {
    private FaceAnalyzer analyzer;

    @BeforeAll
    void open() throws Exception {
        analyzer = FaceAnalyzer.open();
    }

    @AfterAll
    void close() {
        analyzer.close();
    }

    private FrameSignals cheap(BufferedImage image) throws BiometricException {
        return analyzer.analyse(image, SignalOptions.CHEAP);
    }

    @Test
    void A_S2_blink_eyeStateModelSeparatesClosedFromOpenEyes() throws Exception {
        double[] closed = eyeScores("faces/eyes/closed");
        double[] open = eyeScores("faces/eyes/open");
        double[] eer = FaceData.eer(closed, open);
        long closedMissed = Arrays.stream(closed).filter(s -> s < 0.5).count();
        long openFlagged = Arrays.stream(open).filter(s -> s >= 0.5).count();
        System.out.printf("eyes: %d closed, %d open; EER %.4f at %.3f; at 0.5: %d closed missed, %d open flagged%n",
                closed.length, open.length, eer[0], eer[1], closedMissed, openFlagged);
        assertThat(closed.length).isGreaterThan(100);
        assertThat(open.length).isGreaterThan(100);
        assertThat(eer[0]).isLessThanOrEqualTo(0.05);
    }

    /**
     * One person's real clip (10 fps): frames inside the annotated long eye closure (5.8–8.15 s) against frames
     * well away from every annotated blink. Eye-state probability and the per-person eye aspect ratio both
     * separate them.
     */
    @Test
    void A_S2_blink_clipFramesInsideTheAnnotatedClosureReadAsClosed() throws Exception {
        double[][] events = {{0.45, 0.6}, {1.75, 1.85}, {3.45, 3.6}, {4.65, 4.8}, {5.8, 8.15}};
        List<Path> frames = FaceData.images("liveness/clips/blink_frontal_male1");
        List<Double> closedProb = new ArrayList<>();
        List<Double> openProb = new ArrayList<>();
        List<Double> closedEar = new ArrayList<>();
        List<Double> openEar = new ArrayList<>();
        for (int k = 0; k < frames.size(); k++) {
            double t = Integer.parseInt(frames.get(k).getFileName().toString().replace(".png", "")) / 10.0;
            boolean inClosure = t >= 6.0 && t <= 7.95;
            boolean farFromEvents = true;
            for (double[] e : events) {
                if (t > e[0] - 0.25 && t < e[1] + 0.25) {
                    farFromEvents = false;
                }
            }
            if (!inClosure && !farFromEvents) {
                continue;
            }
            FrameSignals f = cheap(FaceData.read(frames.get(k)));
            double ear = (f.leftEyeAspect() + f.rightEyeAspect()) / 2;
            (inClosure ? closedProb : openProb).add(f.bothEyesClosed());
            (inClosure ? closedEar : openEar).add(ear);
        }
        double[] pc = closedProb.stream().mapToDouble(Double::doubleValue).toArray();
        double[] po = openProb.stream().mapToDouble(Double::doubleValue).toArray();
        double[] eer = FaceData.eer(pc, po);
        double[] earEer = FaceData.eer(openEar.stream().mapToDouble(Double::doubleValue).toArray(),
                closedEar.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf("blink clip: %d closed frames, %d open frames; eye-state EER %.3f, EAR EER %.3f;"
                + " EAR closed %s open %s%n", pc.length, po.length, eer[0], earEer[0], closedEar, openEar);
        assertThat(pc.length).isGreaterThan(10);
        assertThat(po.length).isGreaterThan(10);
        assertThat(eer[0]).isLessThanOrEqualTo(0.1);
    }

    /** Both-eyes-closed probability per image; images without a detectable face are left out (counted). */
    private double[] eyeScores(String folder) throws BiometricException {
        List<Double> scores = new ArrayList<>();
        int missed = 0;
        for (Path file : FaceData.images(folder)) {
            try {
                scores.add(cheap(FaceData.read(file)).bothEyesClosed());
            } catch (BiometricException e) {
                missed++;
            }
        }
        System.out.printf("%s: no face in %d images%n", folder, missed);
        return scores.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void A_S2_mouth_openExpressionsHaveLargerMouthAspectThanNeutral() throws Exception {
        String dir = "faces/expressions/faceapi/";
        double neutral = mouth(dir + "neutral.jpg");
        double surprised = mouth(dir + "surprised.jpg");
        double fearful = mouth(dir + "fearful.jpg");
        System.out.printf("mouth aspect: neutral %.3f surprised %.3f fearful %.3f%n", neutral, surprised, fearful);
        assertThat(surprised).isGreaterThan(neutral + 0.1);
        assertThat(fearful).isGreaterThan(neutral + 0.1);
    }

    private double mouth(String relative) throws BiometricException {
        return cheap(FaceData.read(org.countersign.testkit.TestData.require(relative))).mouthAspect();
    }

    @Test
    void A_S2_stillClipKeepsTheMouthSteady() throws Exception {
        List<Double> ratios = new ArrayList<>();
        for (Path frame : FaceData.images("liveness/clips/stationary_male4_istock")) {
            ratios.add(cheap(FaceData.read(frame)).mouthAspect());
        }
        double min = ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        System.out.printf("stationary clip: mouth aspect %.3f..%.3f%n", min, max);
        assertThat(max - min).isLessThan(0.2);
    }

    @Test
    void A_S2_headTurn_yawFlipsSignOnMirroredImages() throws Exception {
        List<Path> files = new ArrayList<>(FaceData.images("faces/verification/faceapi/amy"));
        files.addAll(FaceData.images("faces/verification/faceapi/stuart"));
        for (int i = 1; i <= 8; i++) {
            files.add(org.countersign.testkit.TestData.require("faces/human-samples/stock-emotions-b-" + i + ".jpg"));
        }
        double sumAbs = 0;
        for (Path file : files) {
            BufferedImage image = FaceData.read(file);
            double yaw = cheap(image).yaw();
            double mirrored = cheap(FaceData.mirror(image)).yaw();
            System.out.printf("yaw %s: %.3f mirrored %.3f%n", file.getFileName(), yaw, mirrored);
            sumAbs += Math.abs(yaw + mirrored);
            if (Math.abs(yaw) > 0.3) {
                assertThat(Math.signum(mirrored)).as(file.getFileName().toString()).isEqualTo(-Math.signum(yaw));
            }
        }
        double meanAbs = sumAbs / files.size();
        System.out.printf("mean |yaw + yaw(mirror)| = %.3f over %d images%n", meanAbs, files.size());
        assertThat(meanAbs).isLessThan(0.1);
    }

    /**
     * The stock-emotions-b subject turns her head to one side in all eight photos; their mirror images are the
     * same turns to the other side. Frontal references: the stock-emotions-a subject (printed for the record).
     */
    @Test
    void A_S2_headTurn_turnsToEitherSideGiveOppositeYawSigns() throws Exception {
        List<Double> turned = new ArrayList<>();
        List<Double> mirrored = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            BufferedImage image = FaceData.read(
                    org.countersign.testkit.TestData.require("faces/human-samples/stock-emotions-b-" + i + ".jpg"));
            turned.add(cheap(image).yaw());
            mirrored.add(cheap(FaceData.mirror(image)).yaw());
        }
        List<Double> others = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            others.add(cheap(FaceData.read(org.countersign.testkit.TestData.require(
                    "faces/human-samples/stock-emotions-a-" + i + ".jpg"))).yaw());
        }
        System.out.println("stock-emotions-b yaw: " + turned + " mirrored: " + mirrored + "; stock-emotions-a: " + others);
        assertThat(turned).allSatisfy(y -> assertThat(y).isLessThan(-0.3));
        assertThat(mirrored).allSatisfy(y -> assertThat(y).isGreaterThan(0.3));
        // stock-emotions-a-2 is a real (unmirrored) turn to the other side.
        assertThat(others.get(1)).isGreaterThan(0.3);
    }
}
