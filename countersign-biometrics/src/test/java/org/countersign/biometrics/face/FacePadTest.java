package org.countersign.biometrics.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.core.bytes.ByteArray;
import org.countersign.testkit.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Presentation-attack detection on printed-photo attacks (A-S2 still photo, X.1279 App. III), reported with the
 * ISO/IEC 30107-3 error rates: APCER (attacks accepted as bona fide) and BPCER (bona fide refused).
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FacePadTest {
    /** Images per NUAA subject folder: enough for every subject to count, few enough for a quick test. */
    private static final int PER_SUBJECT = 10;
    private FacePad pad;

    @BeforeAll
    void open() throws Exception {
        pad = FacePad.open();
    }

    @AfterAll
    void close() {
        pad.close();
    }

    @Test
    void A_S2_printAttackScoresAboveBonaFide() throws Exception {
        double[] bonaFide = scores("pad/nuaa/bona-fide");
        double[] attack = scores("pad/nuaa/attack");
        double t = FacePad.DEFAULT_ATTACK_THRESHOLD;
        double apcer = Arrays.stream(attack).filter(s -> s < t).count() / (double) attack.length;
        double bpcer = Arrays.stream(bonaFide).filter(s -> s >= t).count() / (double) bonaFide.length;
        double[] eer = FaceData.eer(attack, bonaFide);
        System.out.printf("NUAA subset: %d bona fide (max %.3f), %d attacks (min %.3f); at %.2f APCER %.4f BPCER %.4f;"
                        + " EER %.4f at %.3f%n", bonaFide.length, Arrays.stream(bonaFide).max().orElseThrow(),
                attack.length, Arrays.stream(attack).min().orElseThrow(), t, apcer, bpcer, eer[0], eer[1]);
        assertThat(bonaFide.length).isGreaterThanOrEqualTo(40);
        assertThat(attack.length).isGreaterThanOrEqualTo(80);
        assertThat(apcer).isLessThanOrEqualTo(0.05);
        assertThat(bpcer).isLessThanOrEqualTo(0.05);
    }

    @Test
    void A_S2_silentFaceSamplesRankAttacksAboveBonaFide() throws Exception {
        double live = score(TestData.require("pad/silentface/image_T1.jpg"));
        double f1 = score(TestData.require("pad/silentface/image_F1.jpg"));
        double f2 = score(TestData.require("pad/silentface/image_F2.jpg"));
        System.out.printf("silentface: T1 %.3f F1 %.3f F2 %.3f%n", live, f1, f2);
        assertThat(live).isLessThan(Math.min(f1, f2));
    }

    private double[] scores(String root) throws BiometricException {
        List<Double> scores = new ArrayList<>();
        for (Path subject : FaceData.folders(root)) {
            List<Path> files = FaceData.images(root + "/" + subject.getFileName());
            int step = Math.max(1, files.size() / PER_SUBJECT);
            for (int i = 0; i < files.size() && i / step < PER_SUBJECT; i += step) {
                scores.add(score(files.get(i)));
            }
        }
        return scores.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private double score(Path file) throws BiometricException {
        return pad.attackScore(ByteArray.copyOf(FaceData.bytes(file)));
    }
}
