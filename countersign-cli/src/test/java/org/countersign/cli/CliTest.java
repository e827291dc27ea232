package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.countersign.server.config.Setting;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The executable's surface: help lists every setting; bad flags give a clear error and a non-zero exit. */
class CliTest {
    private static String run(int expectedExit, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandLine cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
        cl.setErr(new java.io.PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
        int exit = cl.execute(args);
        assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(expectedExit);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void serveHelpListsEverySettingWithItsEnvironmentVariable() {
        String help = run(0, "serve", "--help");
        for (Setting s : Setting.ALL) {
            assertThat(help).contains(s.flag()).contains(s.environmentVariable());
        }
    }

    @Test
    void unknownFlagIsRefused() {
        String out = run(2, "serve", "--no-such-flag");
        assertThat(out).contains("--no-such-flag");
    }

    @Test
    void topLevelHelpNamesTheCommands() {
        String help = run(0, "--help");
        assertThat(help).contains("serve").contains("audit").contains("keys");
    }
}
