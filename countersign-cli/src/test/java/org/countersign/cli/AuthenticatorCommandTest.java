package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.countersign.agent.oob.PendingRequest;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.oob.Offset;
import org.countersign.core.oob.ServerAuthCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code countersign authenticator}: surface, error messages and exit codes, and the request display. */
class AuthenticatorCommandTest {
    @TempDir
    Path home;

    static String run(int expectedExit, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
        int exit = cl.execute(args);
        assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(expectedExit);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsTheSubcommands() {
        assertThat(run(0, "--help")).contains("authenticator");
        assertThat(run(0, "authenticator", "--help")).contains("enrol", "run", "status", "forget");
        assertThat(run(0, "authenticator", "enrol", "--help")).contains("--uri", "--server", "--code", "--ca", "--pin-file");
    }

    @Test
    void statusOfAnEmptyHomeSaysNotEnrolled() {
        assertThat(run(AuthenticatorCommand.EXIT_NOT_ENROLLED, "authenticator", "status", "--home", home.toString()))
                .contains("No authenticator enrolled");
    }

    @Test
    void runWithoutEnrolmentExplainsHowToEnrol() throws Exception {
        Path pin = Files.writeString(home.resolve("pin"), "246810\n");
        assertThat(run(AuthenticatorCommand.EXIT_NOT_ENROLLED, "authenticator", "run", "--home",
                home.resolve("a").toString(), "--pin-file", pin.toString())).contains("enrol --uri");
    }

    @Test
    void X1280_8_1_plainHttpVerifierIsRefused() throws Exception {
        Path pin = Files.writeString(home.resolve("pin"), "246810\n");
        assertThat(run(1, "authenticator", "enrol", "--server", "http://localhost:8443", "--code", "K7QX-M2PA-9TDE",
                "--home", home.toString(), "--pin-file", pin.toString())).contains("https");
    }

    @Test
    void unreachableVerifierHasItsOwnExitCode() throws Exception {
        Path pin = Files.writeString(home.resolve("pin"), "246810\n");
        String out = run(AuthenticatorCommand.EXIT_UNREACHABLE, "authenticator", "enrol", "--uri",
                "https://127.0.0.1:1/authenticator/?enrol=K7QXM2PA9TDE&tenant=bank", "--home", home.toString(),
                "--pin-file", pin.toString());
        assertThat(out).contains("cannot reach the verifier");
    }

    @Test
    void shortPinIsRefused() throws Exception {
        Path pin = Files.writeString(home.resolve("pin"), "1234\n");
        assertThat(run(1, "authenticator", "enrol", "--server", "https://localhost:8443", "--code", "K7QX-M2PA-9TDE",
                "--home", home.toString(), "--pin-file", pin.toString())).contains("PIN needs 6");
    }

    @Test
    void X1280_8_3_requestDisplayShowsOffsetFieldsCodeAndTimeLeft() {
        Offset o = new Offset("203.0.113.10", "s-1", "198.51.100.7", Optional.of("192.168.1.20"), "Chromium", "156.0",
                "alice", Instant.parse("2026-11-23T10:00:00Z"));
        ServerAuthCode code = ServerAuthCode.compute(SecretBytes.copyOf(new byte[32]), o, 6);
        PendingRequest r = new PendingRequest("req_1", "bank", "Bank", o, code, Instant.parse("2026-11-23T10:01:00Z"));
        StringWriter sw = new StringWriter();
        AuthenticatorCommand.show(new PrintWriter(sw), r, Clock.fixed(Instant.parse("2026-11-23T10:00:15Z"), ZoneOffset.UTC));
        String shown = sw.toString();
        assertThat(shown).contains("Bank", "alice", "198.51.100.7 (public)", "192.168.1.20 (private)",
                "Chromium 156.0", "2026-11-23 10:00:00 UTC", AuthenticatorCommand.spaced(code.value()), "45 s");
        assertThat(AuthenticatorCommand.spaced("493021")).isEqualTo("4 9 3   0 2 1");
        assertThat(BigDigits.render("10")).containsExactly(" #   ###", "##   # #", " #   # #", " #   # #", "###  ###");
    }

    @Test
    void X1280_9_1_1_requestDisplayShowsBothNetworksAndTheRelayWarning() throws Exception {
        Offset o = new Offset("203.0.113.10", "s-2", "90.0.0.1", Optional.empty(), "Chrome", "131.0", "alice",
                Instant.parse("2026-11-23T10:00:00Z"));
        ServerAuthCode code = ServerAuthCode.compute(SecretBytes.copyOf(new byte[32]), o, 6);
        // The verifier's network member as it sends it (see OobRelayTest for the server side).
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                {"terminal":{"label":"France, Orange S.A.","kind":"public","address":"90.0.0.1","countryCode":"FR"},
                 "authenticator":{"label":"this computer","kind":"loopback"},
                 "verdict":"different-country","mismatch":true,
                 "warning":"The computer asking to sign in is in France, but this phone is in Germany."}""");
        PendingRequest r = new PendingRequest("req_2", "bank", "Bank", o, code, Instant.parse("2026-11-23T10:01:00Z"),
                org.countersign.agent.oob.NetworkNotice.of(json));
        StringWriter sw = new StringWriter();
        AuthenticatorCommand.show(new PrintWriter(sw), r, Clock.fixed(Instant.parse("2026-11-23T10:00:15Z"), ZoneOffset.UTC));
        String shown = sw.toString();
        assertThat(shown).contains("computer       France, Orange S.A. (90.0.0.1)", "this device    this computer",
                "!! WARNING: The computer asking to sign in is in France, but this phone is in Germany.");
        assertThat(shown).doesNotContain("127.0.0.1").doesNotContain("0:0:0:0");
    }
}
