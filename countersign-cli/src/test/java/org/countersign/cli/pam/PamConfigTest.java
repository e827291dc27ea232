package org.countersign.cli.pam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PAM client's configuration file and the little JSON it reads (docs/pam.md). */
class PamConfigTest {
    @TempDir
    Path tmp;

    private Path write(String text, String mode) throws Exception {
        Path f = tmp.resolve("pam.conf");
        Files.deleteIfExists(f);
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void C_U1_fullFile_userMappingAndFallbackList() throws Exception {
        PamConfig c = PamConfig.load(write("""
                # comment
                verifier = https://verifier.example:8443/
                api-key = cs_abc
                tenant = hosts
                user-template = {user}@example.com
                user.root = alice
                fallback-users = admin, ops  backup
                network-mismatch = allow
                timeout-seconds = 30
                """, "rw-------"));
        assertThat(c.verifier().toString()).isEqualTo("https://verifier.example:8443");
        assertThat(c.countersignUser("bob")).isEqualTo("bob@example.com");
        assertThat(c.countersignUser("root")).isEqualTo("alice");
        assertThat(c.fallbackUsers()).containsExactlyInAnyOrder("admin", "ops", "backup");
        assertThat(c.allowNetworkMismatch()).isTrue();
        assertThat(c.timeout().toSeconds()).isEqualTo(30);
        assertThat(c.tenant()).contains("hosts");
    }

    @Test
    void C_U1_defaultsFailClosed() throws Exception {
        PamConfig c = PamConfig.load(write("verifier = https://v.example\napi-key = k\n", "rw-------"));
        assertThat(c.fallbackUsers()).isEmpty();
        assertThat(c.allowNetworkMismatch()).isFalse();
        assertThat(c.countersignUser("bob")).isEqualTo("bob");
    }

    @Test
    void C_U1_refusals() throws Exception {
        for (String bad : List.of("verifier = http://v.example\napi-key = k\n", "verifier = https://v.example\n",
                "verifier = https://v.example\napi-key = k\nfallback-user = alice\n",
                "verifier = https://v.example\napi-key = k\nuser-template = fixed\n",
                "verifier = https://v.example\napi-key = k\ntimeout-seconds = 5\n",
                "verifier = https://v.example\napi-key = k\nnetwork-mismatch = maybe\n", "just words\n")) {
            Path f = write(bad, "rw-------");
            assertThatThrownBy(() -> PamConfig.load(f)).as(bad).isInstanceOf(PamConfig.Invalid.class);
        }
        Path groupReadable = write("verifier = https://v.example\napi-key = k\n", "rw-r-----");
        assertThatThrownBy(() -> PamConfig.load(groupReadable)).hasMessageContaining("0600");
    }

    @Test
    void json_readsWhatTheVerifierSendsAndRefusesGarbage() {
        Map<String, Object> m = Json.object("{\"requestId\":\"req_1\",\"digits\":6,\"network\":{\"mismatch\":true,"
                + "\"label\":\"caf\\u00e9 \\\"x\\\"\"},\"list\":[1,null,false]}");
        assertThat(VerifierApi.text(m, "digits")).isEqualTo("6");
        assertThat(((Map<?, ?>) m.get("network")).get("mismatch")).isEqualTo(Boolean.TRUE);
        assertThat(((Map<?, ?>) m.get("network")).get("label")).isEqualTo("café \"x\"");
        assertThat(Json.parse(Json.quote("a\"b\\c\n\u0001"))).isEqualTo("a\"b\\c\n\u0001");
        for (String bad : List.of("{", "{\"a\"}", "[1,]x", "{\"a\":tru}", "\"abc", "{\"a\":1} 2")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
