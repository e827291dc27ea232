package org.countersign.biometrics.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.countersign.biometrics.eval.LivenessEvaluation.ClipResult;
import org.countersign.biometrics.eval.LivenessEvaluation.ClipSource;
import org.countersign.biometrics.eval.LivenessEvaluation.Report;
import org.countersign.biometrics.liveness.Action;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation's bookkeeping: order, counting, APCER/BPCER, table and summary line. */
class LivenessEvaluationTest {
    @TempDir
    Path dir;

    private static ClipResult clip(String species, String name, boolean accepted) {
        boolean bonaFide = species.equals(LivenessEvaluation.BONA_FIDE);
        return new ClipResult(species, name, bonaFide, List.of(Action.BLINK), 20, 10, accepted,
                accepted ? "ACCEPTED" : "REFUSED", accepted ? List.of() : List.of("STILL_IMAGE"), List.of(),
                List.of(), null, 1);
    }

    private static List<ClipResult> sample() {
        List<ClipResult> c = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            c.add(clip("bona-fide", "b" + i, i != 0));              // 1 of 20 rejected
        }
        for (int i = 0; i < 4; i++) {
            c.add(clip("replay", "r" + i, i < 3));                 // 3 of 4 accepted
        }
        for (int i = 0; i < 5; i++) {
            c.add(clip("still", "s" + i, false));                  // none accepted
        }
        c.add(clip("aaa-photo", "p", true));                       // 1 of 1 accepted
        return c;
    }

    @Test
    void apcerPerSpecies_worstSpecies_bpcerOverBonaFide() {
        Report r = LivenessEvaluation.summarise("corpus", sample());
        assertThat(r.species()).extracting(LivenessEvaluation.SpeciesRow::species)
                .containsExactly("aaa-photo", "replay", "still");
        assertThat(r.species()).extracting(LivenessEvaluation.SpeciesRow::clips).containsExactly(1, 4, 5);
        assertThat(r.species()).extracting(LivenessEvaluation.SpeciesRow::refused).containsExactly(0, 1, 5);
        assertThat(r.species()).extracting(LivenessEvaluation.SpeciesRow::apcer).containsExactly(1.0, 0.75, 0.0);
        assertThat(r.apcer()).isEqualTo(1.0);
        assertThat(r.bpcer()).isEqualTo(0.05);
        assertThat(r.bonaFide()).isEqualTo(20);
        assertThat(r.bonaFideRejected()).isEqualTo(1);
        assertThat(r.attack()).isEqualTo(10);
    }

    @Test
    void summaryLine_exactFormat_ratesAsFractions() {
        Report r = LivenessEvaluation.summarise("corpus", sample());
        assertThat(LivenessEvaluation.summaryLine(r))
                .isEqualTo("summary modality=liveness apcer=1.0000 bpcer=0.0500 species=3 bona_fide=20 attack=10");
        List<ClipResult> allRefused = sample().stream()
                .map(c -> c.bonaFide() ? c : clip(c.species(), c.clip(), false)).toList();
        assertThat(LivenessEvaluation.summaryLine(LivenessEvaluation.summarise("corpus", allRefused)))
                .startsWith("summary modality=liveness apcer=0.0000 bpcer=0.0500 ");
    }

    @Test
    void tableListsEverySpeciesAndBonaFide() {
        String t = LivenessEvaluation.table(LivenessEvaluation.summarise("corpus", sample()));
        assertThat(t).contains("replay", "0.7500", "still", "0.0000", "bona-fide", "0.0500");
    }

    @Test
    void chartIsAPngWithOneBarPerSpeciesAndOneForBpcer() throws Exception {
        byte[] png = LivenessEvaluation.chart(LivenessEvaluation.summarise("corpus", sample())).toByteArray();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img.getWidth()).isEqualTo(760);
        assertThat(img.getHeight()).isEqualTo(56 + 60 + 34 * 4);
    }

    @Test
    void aCorpusWithoutAttacksOrWithoutBonaFideIsRefused() {
        assertThatThrownBy(() -> LivenessEvaluation.summarise("x",
                List.of(clip("bona-fide", "b", true)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LivenessEvaluation.scan(dir)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scan_bonaFideFirstThenSpeciesByName_clipsByName() throws Exception {
        for (String p : List.of("attack/zz/c2", "attack/zz/c1", "attack/aa/c9", "bona-fide/y", "bona-fide/x")) {
            Files.createDirectories(dir.resolve(p));
        }
        List<ClipSource> s = LivenessEvaluation.scan(dir);
        assertThat(s).extracting(c -> (c.bonaFide() ? "bona-fide" : c.species()) + "/" + c.name())
                .containsExactly("bona-fide/x", "bona-fide/y", "aa/c9", "zz/c1", "zz/c2");
    }

    @Test
    void clipFiles_actionsFpsAndFrameOrder() throws Exception {
        Path c = Files.createDirectories(dir.resolve("clip"));
        Files.writeString(c.resolve("actions.txt"), "nod\n\n# comment\nBLINK\n");
        Files.writeString(c.resolve("fps.txt"), "8\n");
        for (String f : List.of("0002.jpg", "0010.png", "0001.png", "notes.txt")) {
            Files.write(c.resolve(f), new byte[] {1});
        }
        assertThat(LivenessEvaluation.readActions(c)).containsExactly(Action.NOD, Action.BLINK);
        assertThat(LivenessEvaluation.readFps(c)).isEqualTo(8.0);
        assertThat(LivenessEvaluation.frameFiles(c)).extracting(p -> p.getFileName().toString())
                .containsExactly("0001.png", "0002.jpg", "0010.png");
        Files.writeString(c.resolve("actions.txt"), "WINK\n");
        assertThatThrownBy(() -> LivenessEvaluation.readActions(c)).hasMessageContaining("WINK");
        Files.delete(c.resolve("fps.txt"));
        assertThat(LivenessEvaluation.readFps(c)).isEqualTo(10.0);
    }

    @Test
    void structuralLimitsAreTheServers() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0, 0};
        assertThat(LivenessEvaluation.structural(png, 64)).isEmpty();
        assertThat(LivenessEvaluation.structural(png, 65)).contains("TOO_MANY_FRAMES");
        assertThat(LivenessEvaluation.structural(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 10))
                .contains("IMAGE_UNREADABLE");
        assertThat(LivenessEvaluation.structural(new byte[LivenessEvaluation.MAX_FRAME_BYTES + 1], 10))
                .contains("IMAGE_TOO_LARGE");
    }
}
