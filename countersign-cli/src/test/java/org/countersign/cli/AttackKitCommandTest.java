package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.countersign.biometrics.attack.AttackKit;
import org.countersign.testkit.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Tag("integration")
class AttackKitCommandTest {
    @TempDir
    Path out;

    private static int run(StringWriter stdout, StringWriter stderr, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));
        return cli.execute(args);
    }

    @Test
    void buildsTheCorpusLayoutWithManifest_fromTheSharedData() throws Exception {
        Path data = TestData.require("liveness/clips").getParent().getParent();
        TestData.require("faces/human-samples/stock-emotions-b-7.jpg");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();

        int exit = run(stdout, stderr, "attack-kit", "--from", data.toString(), "--out", out.toString());

        assertThat(exit).as(stderr.toString()).isZero();
        assertThat(stdout.toString()).contains("corpus ", "bona_fide=4", "species=" + AttackKit.SPECIES.size());
        assertThat(Files.readString(out.resolve("manifest.json"))).contains("\"seed\" : 11", "replay-reencoded");
        try (Stream<Path> s = Files.list(out.resolve("attack"))) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactlyInAnyOrderElementsOf(AttackKit.SPECIES);
        }
        try (Stream<Path> s = Files.walk(out)) {
            List<Path> clips = s.filter(p -> Files.exists(p.resolve("actions.txt"))).toList();
            assertThat(clips).hasSizeGreaterThan(10);
            for (Path c : clips) {
                assertThat(Files.readString(c.resolve("actions.txt")).strip()).as(c.toString()).isNotEmpty();
                assertThat(c.resolve("0001.png").toFile().exists() || c.resolve("0001.jpg").toFile().exists())
                        .as(c.toString()).isTrue();
            }
        }
    }

    @Test
    void refusesToWriteTheClipsIntoAGitWorkTree() throws Exception {
        Path data = TestData.require("liveness/clips").getParent().getParent();
        Path repo = Files.createDirectories(out.resolve("repo"));
        Files.createDirectories(repo.resolve(".git"));
        StringWriter stderr = new StringWriter();

        int exit = run(new StringWriter(), stderr, "attack-kit", "--from", data.toString(), "--out",
                repo.resolve("corpus").toString());

        assertThat(exit).isEqualTo(AttackKitCommand.USAGE);
        assertThat(stderr.toString()).contains("git work tree");
        assertThat(repo.resolve("corpus")).doesNotExist();
    }

    @Test
    void aSourceWithoutClipsIsAUsageError() {
        StringWriter stderr = new StringWriter();
        int exit = run(new StringWriter(), stderr, "attack-kit", "--from", out.toString(), "--out",
                out.resolve("x").toString());
        assertThat(exit).isEqualTo(AttackKitCommand.USAGE);
        assertThat(stderr.toString()).contains("liveness/clips");
    }
}
