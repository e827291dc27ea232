package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.countersign.testkit.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
    void faceWithoutUsableEngineOrDataFailsWithAClearMessage() throws Exception {
        // Before the face engine is merged this is exit 3 ("not available"); afterwards an empty folder is exit 1.
        Path empty = Files.createDirectories(out.resolve("empty"));
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = new CommandLine(new EvaluateCommand());
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));

        int exit = cli.execute("face", "--data", empty.toString(), "--out", out.resolve("face").toString());

        assertThat(exit).isIn(EvaluateCommand.FAILED, EvaluateCommand.UNAVAILABLE);
        assertThat(stderr.toString()).startsWith("error: ");
        assertThat(stdout.toString()).doesNotContain("summary");
    }
}
