package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.countersign.testkit.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Tag("integration")
class EvaluateCommandTest {
    @TempDir
    Path out;

    @Test
    void fingerprintEvaluationWritesReportPlotAndSummaryLine() throws Exception {
        Path data = TestData.require("fingerprints/fvc2002-b");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = new CommandLine(new EvaluateCommand());
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));

        int exit = cli.execute("fingerprint", "--data", data.toString(), "--dpi", "500", "--out", out.toString());

        assertThat(exit).as(stderr.toString()).isZero();
        String[] lines = stdout.toString().strip().split("\\R");
        String summary = lines[lines.length - 1];
        assertThat(summary).startsWith("summary modality=fingerprint eer=")
                .contains(" genuine=168 ", " impostor=960 ", " fte=0");
        assertThat(Files.readString(out.resolve("report.json"))).contains("\"templateFormat\" : \"fingerprint/sourceafis-3.18.1\"");
        byte[] png = Files.readAllBytes(out.resolve("det.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(stderr.toString()).contains("compare");
    }

    @Test
    void protectedFlagIsRefusedForFingerprints() {
        Path data = TestData.require("fingerprints/fvc2002-b");
        StringWriter stderr = new StringWriter();
        CommandLine cli = new CommandLine(new EvaluateCommand());
        cli.setErr(new PrintWriter(stderr));

        int exit = cli.execute("fingerprint", "--data", data.toString(), "--protected", "--out", out.toString());

        assertThat(exit).isEqualTo(EvaluateCommand.USAGE);
        assertThat(stderr.toString()).contains("not cancelable");
    }

    @Test
    void faceOnAnEmptyFolderFailsWithAClearMessage() throws Exception {
        // The face engine ships with the build (its models are verified by checksum), so only the data can be
        // wrong here: exit 1 naming the folder, never 3 ("engine not available").
        Path empty = Files.createDirectories(out.resolve("empty"));
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = new CommandLine(new EvaluateCommand());
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));

        int exit = cli.execute("face", "--data", empty.toString(), "--out", out.resolve("face").toString());

        assertThat(exit).as(stderr.toString()).isEqualTo(EvaluateCommand.FAILED);
        assertThat(stderr.toString()).startsWith("error: no images in ").contains(empty.toString());
        assertThat(stdout.toString()).doesNotContain("summary");
    }

    /** A three-clip corpus: one real blink (bona fide), one held still, and one clip whose frames are corrupt. */
    private Path smallLivenessCorpus() throws Exception {
        Path clips = TestData.require("liveness/clips/blink_frontal_male1");
        Path still = TestData.require("liveness/photo-attack/still_blink_subject_eyes_open.png");
        Path corpus = out.resolve("corpus");
        Path bona = Files.createDirectories(corpus.resolve("bona-fide/blink"));
        for (int i = 1; i <= 20; i++) {
            Files.copy(clips.resolve(String.format("%04d.png", i)), bona.resolve(String.format("%04d.png", i)));
        }
        Files.writeString(bona.resolve("actions.txt"), "BLINK\n");
        Path photo = Files.createDirectories(corpus.resolve("attack/held-still/photo"));
        Path broken = Files.createDirectories(corpus.resolve("attack/corrupt/clip"));
        for (int i = 1; i <= 12; i++) {
            Files.copy(still, photo.resolve(String.format("%04d.png", i)));
            // PNG signature, then garbage: passes the server's format sniffing, fails decoding.
            Files.write(broken.resolve(String.format("%04d.png", i)),
                    new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3, (byte) i});
        }
        Files.writeString(photo.resolve("actions.txt"), "BLINK\n");
        Files.writeString(photo.resolve("fps.txt"), "10\n");
        Files.writeString(broken.resolve("actions.txt"), "NOD\n");
        return corpus;
    }

    @Test
    void livenessEvaluation_tablePerSpecies_reportChartAndSummaryLast_unreadableClipIsRefusedNotACrash()
            throws Exception {
        Path corpus = smallLivenessCorpus();
        Path target = out.resolve("liveness-out");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = new CommandLine(new EvaluateCommand());
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));

        int exit = cli.execute("liveness", "--data", corpus.toString(), "--out", target.toString(), "--no-progress");

        assertThat(exit).as(stderr.toString()).isZero();
        String[] lines = stdout.toString().strip().split("\\R");
        assertThat(lines[lines.length - 1]).matches(
                "summary modality=liveness apcer=0\\.0000 bpcer=0\\.0000 species=2 bona_fide=1 attack=2");
        assertThat(stdout.toString()).contains("held-still", "corrupt", "APCER", "BPCER",
                "report " + target.resolve("report.json").toAbsolutePath());
        String report = Files.readString(target.resolve("report.json"));
        assertThat(report).contains("\"decision\" : \"UNUSABLE\"", "IMAGE_UNREADABLE", "\"species\" : \"corrupt\"",
                "\"name\" : \"action.BLINK\"",
                // The held still is byte-identical to frame 15 of the bona fide clip: the run's one replay store
                // remembers it from the bona fide clip judged first.
                "FRAME_REPLAYED");
        assertThat(Files.readAllBytes(target.resolve("chart.png"))).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void livenessDefaultOutput_isNeverTheWorkingFolder() throws Exception {
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2026-01-02T03:04:05Z"),
                java.time.ZoneOffset.UTC);
        Path preferred = out.resolve("countersign-data/evaluations");
        Path temp = Files.createDirectories(out.resolve("tmp"));
        assertThat(EvaluateCommand.defaultOut(EvaluateCommand.Target.liveness, preferred, temp, clock))
                .isEqualTo(temp.resolve("countersign-evaluations/liveness-20260102-030405"));
        Files.createDirectories(preferred);
        assertThat(EvaluateCommand.defaultOut(EvaluateCommand.Target.liveness, preferred, temp, clock))
                .isEqualTo(preferred.resolve("liveness-20260102-030405"));
        assertThat(EvaluateCommand.defaultOut(EvaluateCommand.Target.face, preferred, temp, clock))
                .isEqualTo(preferred.resolve("face-20260102-030405"));
    }

    @Test
    void livenessWithoutAttackClipsIsAnError() throws Exception {
        Path corpus = Files.createDirectories(out.resolve("only-bona-fide/bona-fide/a"));
        StringWriter stderr = new StringWriter();
        CommandLine cli = new CommandLine(new EvaluateCommand());
        cli.setErr(new PrintWriter(stderr));
        cli.setOut(new PrintWriter(new StringWriter()));

        int exit = cli.execute("liveness", "--data", corpus.getParent().getParent().toString(), "--out",
                out.resolve("x").toString(), "--no-progress");

        assertThat(exit).isEqualTo(EvaluateCommand.FAILED);
        assertThat(stderr.toString()).contains("attack");
    }
}
