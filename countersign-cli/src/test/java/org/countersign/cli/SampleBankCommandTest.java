package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SampleBankCommandTest {
    @Test
    void isASubcommandWithItsOptions() {
        CommandLine sub = Main.commandLine().getSubcommands().get("sample-bank");
        assertThat(sub).isNotNull();
        assertThat(sub.getCommandSpec().options().stream().map(o -> o.longestName()))
                .contains("--verifier", "--ca", "--api-key", "--admin-key", "--port");
    }

    @Test
    void refusesToStartWithoutVerifier() {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("sample-bank", "--ca", "ca.pem")).isEqualTo(2);
        assertThat(err.toString()).contains("--verifier");
    }
}
