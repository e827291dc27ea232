package org.countersign.biometrics.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.countersign.biometrics.eval.LivenessEvaluation;
import org.countersign.biometrics.eval.LivenessEvaluation.ClipResult;
import org.countersign.biometrics.eval.LivenessEvaluation.Report;
import org.countersign.biometrics.eval.Reports;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.testkit.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole liveness judge against the attack kit's corpus built from the shared real data (issue bar: ISO/IEC
 * 30107-3 APCER 0 for every species, BPCER at most 5 % over the real bona fide clips with their true actions).
 * One evaluation run (one replay store, bona fide first) serves every case.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LivenessJudgeAttackCorpusTest {
    /**
     * Known gaps of the judge, measured with this corpus (seed 11): each species it still accepts at least once,
     * and {@code bona-fide} while BPCER is above 5 %. A case listed here is skipped with its note instead of
     * failing; remove an entry as soon as the judge closes that gap. Empty: every case is asserted.
     */
    static final Map<String, String> JUDGE_GAPS = Map.of();

    private Report report;

    @BeforeAll
    void evaluate(@TempDir Path work) throws Exception {
        Path data = TestData.require("liveness/clips").getParent().getParent();
        TestData.require("faces/human-samples/stock-emotions-b-7.jpg");
        Path corpus = work.resolve("corpus");
        new AttackKit(data, 11).build(corpus);
        try (FaceAnalyzer analyzer = FaceAnalyzer.open()) {
            LivenessEvaluation.Outcome outcome = LivenessEvaluation.run(analyzer, corpus, Clock.systemUTC(),
                    (phase, done, total) -> { });
            report = outcome.report();
            System.out.print(outcome.table());
            for (ClipResult c : report.clips()) {
                System.out.println(c.species() + "/" + c.clip() + " " + c.challenge() + " -> " + c.decision() + " "
                        + c.reasons() + " seen " + c.actionsSeen() + " (" + c.millis() + " ms)");
                // Failed checks, and the margins of the identity and action checks whether they passed or not.
                c.checks().stream().filter(k -> "FAILED".equals(k.outcome()) || k.name().equals("continuity")
                                || k.name().startsWith("action."))
                        .forEach(k -> System.out.println("    " + k.name() + " " + k.outcome() + " " + k.frames()
                                + " " + k.measured()));
            }
            System.out.println(outcome.summaryLine());
            // Kept under the module's build folder for people to look at (the corpus itself stays in the temp dir).
            Path keep = Files.createDirectories(Path.of("target", "liveness-evaluation"));
            Files.write(keep.resolve("chart.png"), outcome.chartPng().toByteArray());
            Files.writeString(keep.resolve("report.json"), Reports.toJson(report));
            Files.writeString(keep.resolve("manifest.json"), Files.readString(corpus.resolve("manifest.json")));
        }
    }

    @AfterAll
    void done() {
        report = null;
    }

    Stream<String> species() {
        return AttackKit.SPECIES.stream();
    }

    @ParameterizedTest(name = "{0} is refused (APCER 0)")
    @MethodSource("species")
    void everyAttackOfTheSpeciesIsRefused(String species) {
        List<ClipResult> clips = report.clips().stream().filter(c -> species.equals(c.species())).toList();
        assertThat(clips).as("clips of " + species).isNotEmpty();
        List<String> accepted = clips.stream().filter(ClipResult::accepted).map(ClipResult::clip).toList();
        skipIfKnownGap(species, accepted.isEmpty());
        assertThat(accepted).as("accepted attacks of " + species + " (APCER must be 0)").isEmpty();
    }

    private static void skipIfKnownGap(String key, boolean closed) {
        if (JUDGE_GAPS.containsKey(key)) {
            Assumptions.abort("judge gap: " + key + " — " + JUDGE_GAPS.get(key)
                    + (closed ? " [now closed on this run: remove the entry from JUDGE_GAPS]" : ""));
        }
    }

    @Test
    void bonaFideClipsWithTheirTrueActionsPass_bpcerAtMost5Percent() {
        List<ClipResult> bonaFide = report.clips().stream().filter(ClipResult::bonaFide).toList();
        assertThat(bonaFide).isNotEmpty();
        skipIfKnownGap(AttackKit.BONA_FIDE, report.bpcer() <= 0.05);
        assertThat(report.bpcer()).as("BPCER; rejected: " + bonaFide.stream().filter(c -> !c.accepted())
                .map(c -> c.clip() + " " + c.reasons()).toList()).isLessThanOrEqualTo(0.05);
    }
}
