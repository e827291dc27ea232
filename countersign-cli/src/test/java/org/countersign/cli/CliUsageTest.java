package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the executable answers a newcomer's mistakes: short usage, the error last, one spelling, no broken words. */
class CliUsageTest {
    @Test
    void noArgumentsIsAMistakeShownWithShortUsageAndTheCommands() {
        CliRun r = CliRun.of();
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines().get(0)).startsWith("Usage: countersign");
        assertThat(r.err()).contains("serve").contains("authenticator").contains("admin");
        // One line per command plus a few: the full help of every option would run to hundreds of lines.
        assertThat(r.errLines().size()).as("short, not the full help").isLessThan(40);
    }

    @Test
    void aCommandGroupWithoutItsSubcommandIsAMistakeToo() {
        for (String group : List.of("keys", "audit", "authenticator", "admin")) {
            CliRun r = CliRun.of(group);
            assertThat(r.exit()).as(group + ": " + r).isEqualTo(2);
            assertThat(r.out()).as(group).isEmpty();
            assertThat(r.err()).as(group).contains("Usage: countersign " + group);
        }
    }

    @Test
    void aMistypedOptionIsNamedLastWithTheClosestOne() {
        CliRun r = CliRun.of("serve", "--prot", "9000");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        List<String> lines = r.errLines();
        assertThat(lines.get(lines.size() - 1)).isEqualTo("countersign: unknown option '--prot'; did you mean --port?");
        assertThat(lines.get(0)).startsWith("Usage: countersign serve");
        assertThat(lines).as("short usage, not every option").hasSizeLessThan(6);
    }

    @Test
    void aMistypedCommandGetsTheClosestOneAndFarOffWordsNone() {
        CliRun r = CliRun.of("serv");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines().get(r.errLines().size() - 1)).isEqualTo("countersign: unknown command 'serv'; did you mean serve?");
        assertThat(HelpLayout.closest("--zzzzzz", List.of("--port", "--host"))).isEmpty();
        assertThat(HelpLayout.editDistance("--prot", "--port")).isEqualTo(1);
    }

    @Test
    void enrolIsSpelledOneWayAndTheOtherStillWorks() {
        CliRun help = CliRun.of("--help");
        assertThat(help.out()).containsPattern("(?m)^  enrol ").doesNotContain("enroll");
        CliRun alias = CliRun.of("enroll", "--help");
        assertThat(alias.exit()).isZero();
        assertThat(alias.out()).contains("--enrolment-code").contains("--grant");
    }

    @Test
    void serveHelpDocumentsTheMasterKeyVariable() {
        CliRun r = CliRun.of("serve", "--help");
        assertThat(r.out()).contains("COUNTERSIGN_MASTER_KEY ").contains("COUNTERSIGN_MASTER_KEY_PREVIOUS");
    }

    @Test
    void helpIsWrappedAtSpacesOnly() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"serve", "--help"},
                new String[] {"authenticator", "--help"}, new String[] {"evaluate", "--help"},
                new String[] {"sample-bank", "--help"}, new String[] {"admin", "new-key", "--help"})) {
            String help = CliRun.of(args).out();
            assertThat(help).contains("Usage:");
            List<String> lines = help.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                boolean oneLongWord = !line.strip().contains(" ");
                assertThat(line.length() <= HelpLayout.WIDTH || oneLongWord).as(line).isTrue();
                if (i + 1 < lines.size() && !lines.get(i + 1).isBlank() && !line.isBlank()) {
                    // A wrap inside a word leaves no space at the join: "X." + "1280", "./" + "countersign-data".
                    String next = lines.get(i + 1).strip();
                    boolean split = line.endsWith("X.") || line.endsWith(".") && next.startsWith("/");
                    assertThat(split).as("wrapped inside a word: " + line + " / " + next).isFalse();
                }
            }
        }
        assertThat(CliRun.of("--help").out()).contains("ITU-T X.1280");
        assertThat(CliRun.of("serve", "--help").out()).contains("./countersign-data");
    }

    @Test
    void reflowKeepsTheTextColumn() {
        String row = "  --name=<x>    " + "word ".repeat(30).strip();
        List<String> lines = HelpLayout.reflow(row, 40).lines().toList();
        assertThat(lines).hasSizeGreaterThan(1).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(40));
        assertThat(lines.subList(1, lines.size())).allSatisfy(l -> assertThat(l).startsWith(" ".repeat(18) + "word"));
        assertThat(HelpLayout.reflow("short line", 40)).isEqualTo("short line");
    }

    @Test
    void aSecondServerOnABusyPortFailsInOneLineBeforeTouchingTheStore(@TempDir Path tmp) throws IOException {
        try (ServerSocket first = new ServerSocket()) {
            first.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Path data = tmp.resolve("data");
            CliRun r = CliRun.of("serve", "--host", "127.0.0.1", "--port", Integer.toString(first.getLocalPort()),
                    "--data-dir", data.toString());
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.errLines()).hasSize(1);
            assertThat(r.err()).contains("port " + first.getLocalPort()).contains("already in use").contains("--port");
            assertThat(Files.exists(data)).as("no store was opened").isFalse();
        }
    }
}
