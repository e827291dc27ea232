package org.countersign.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.oob.ApprovalStatement;
import org.countersign.core.oob.Offset;
import org.countersign.core.oob.ServerAuthCode;
import org.countersign.testkit.TestTools;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The web authenticator re-implements the offset reader, the OCRA code and the approval statement in JavaScript
 * (X.1280 §8.3: the phone computes the code itself). This test writes what the Java core produces for a few
 * offsets into a fixture and runs the JavaScript tests ({@code src/test/js}) against it with Node, so the two
 * implementations cannot drift apart unnoticed.
 */
class WebAuthenticatorScriptTest {
    static final Path FIXTURE = Path.of("src/test/js/oob-fixture.json");

    static Map<String, Object> fixture() {
        SecretBytes key = SecretBytes.copyOf(ByteArray.fromHex(
                "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f").toByteArray());
        List<Offset> offsets = List.of(
                new Offset("203.0.113.10", "s-123", "198.51.100.7", Optional.of("192.168.1.20"), "Chromium", "156.0",
                        "alice", Instant.parse("2026-11-23T10:00:00Z")),
                new Offset("2001:db8::1", "sess-\u00e9t\u00e9", "2001:db8:0:0:0:0:0:42", Optional.empty(), "Firefox",
                        "128.0.1", "\u00e5sa.\u6f22\u5b57", Instant.ofEpochMilli(1_763_892_000_123L)),
                new Offset("10.0.0.1", "x".repeat(512), "127.0.0.1", Optional.of("::1"), "Safari", "17.4", "bob",
                        Instant.EPOCH));
        List<Map<String, Object>> cases = new ArrayList<>();
        for (Offset o : offsets) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("encodedHex", o.encode().toHex());
            c.put("rpServerIp", o.rpServerIp());
            c.put("rpSessionId", o.rpSessionId());
            c.put("terminalPublicIp", o.terminalPublicIp());
            c.put("terminalPrivateIp", o.terminalPrivateIp().orElse(null));
            c.put("browser", o.browser());
            c.put("browserVersion", o.browserVersion());
            c.put("userId", o.userId());
            c.put("requestTime", o.requestTime().toEpochMilli());
            c.put("offsetHashHex", o.hash().toHex());
            Map<String, String> codes = new LinkedHashMap<>();
            for (int d : new int[] {6, 8, 10}) {
                codes.put(Integer.toString(d), ServerAuthCode.compute(key, o, d).value());
            }
            c.put("codes", codes);
            cases.add(c);
        }
        ApprovalStatement st = new ApprovalStatement("req_0123456789", offsets.get(0).hash(),
                ServerAuthCode.compute(key, offsets.get(0), 6).value(), ApprovalStatement.Decision.CODES_DIFFER,
                Instant.ofEpochMilli(1_763_892_000_123L));
        Map<String, Object> approval = new LinkedHashMap<>();
        approval.put("requestId", st.requestId());
        approval.put("offsetHashHex", st.offsetHash().toHex());
        approval.put("code", st.code());
        approval.put("decision", "codes_differ");
        approval.put("signedAt", st.signedAt().toEpochMilli());
        approval.put("encodedHex", st.encode().toHex());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("generatedBy", WebAuthenticatorScriptTest.class.getName());
        root.put("verificationKeyHex", ByteArray.copyOf(key.revealForCrypto()).toHex());
        root.put("offsets", cases);
        root.put("approval", approval);
        return root;
    }

    static String fixtureJson() throws IOException {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(fixture()) + "\n";
    }

    @Test
    void committedFixtureMatchesTheJavaCore() throws IOException {
        String fresh = fixtureJson();
        if (Boolean.getBoolean("countersign.writeFixtures")) {
            Files.writeString(FIXTURE, fresh);
        }
        assertThat(Files.readString(FIXTURE).replace("\r\n", "\n"))
                .as("re-run with -Dcountersign.writeFixtures=true after changing the offset format")
                .isEqualTo(fresh);
    }

    /** Both browser clients' protocol code: the web authenticator (OCRA, offset) and the capture page (SRP-6a). */
    @Test
    @Tag("integration")
    void javascriptProtocolTestsPass() throws Exception {
        Path node = TestTools.node();
        Path out = Files.createTempFile("oob-js-test", ".log");
        Process p = new ProcessBuilder(node.toString(), "--test", "src/test/js/oob.test.mjs", "src/test/js/srp.test.mjs")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        String log = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        assertThat(done).as("node --test finished").isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).contains("# fail 0");
    }
}
