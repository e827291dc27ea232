package org.countersign.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.testkit.TestVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HotpTotpTest {

    static List<JsonNode> hotpRows() {
        return VectorFiles.rows(TestVectors.HOTP_RFC4226);
    }

    static List<JsonNode> totpRows() {
        return VectorFiles.rows(TestVectors.TOTP_RFC6238);
    }

    @ParameterizedTest(name = "counter {0}")
    @MethodSource("hotpRows")
    void RFC4226_AppendixD_vectors(JsonNode row) {
        JsonNode file = VectorFiles.read(TestVectors.HOTP_RFC4226);
        SecretBytes key = SecretBytes.copyOf(file.get("key_ascii").asText().getBytes(StandardCharsets.US_ASCII));
        assertThat(Hotp.generate(key, row.get("counter").asLong(), file.get("digits").asInt()))
                .isEqualTo(row.get("hotp").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("totpRows")
    void RFC6238_AppendixB_vectors(JsonNode row) {
        JsonNode file = VectorFiles.read(TestVectors.TOTP_RFC6238);
        String mode = row.get("mode").asText();
        SecretBytes key = SecretBytes.copyOf(
                file.get("keys_ascii").get(mode).asText().getBytes(StandardCharsets.US_ASCII));
        Instant at = Instant.ofEpochSecond(row.get("unix_time").asLong());
        Totp totp = Totp.of(OtpAlgorithm.valueOf(mode), file.get("digits").asInt(), Clock.fixed(at, ZoneOffset.UTC));
        assertThat(totp.generate(key)).isEqualTo(row.get("totp").asText());
        assertThat(totp.verify(key, row.get("totp").asText(), 0)).hasValue(totp.timeStep(at));
    }

    @Test
    void RFC6238_5_2_verifyAcceptsDriftWindowOnly() {
        SecretBytes key = SecretBytes.copyOf("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
        Instant now = Instant.ofEpochSecond(1_111_111_109L);
        Totp totp = Totp.of(OtpAlgorithm.SHA1, 8, Clock.fixed(now, ZoneOffset.UTC));
        String previous = totp.generateAt(key, now.minusSeconds(30));
        String farPast = totp.generateAt(key, now.minusSeconds(120));
        assertThat(totp.verify(key, previous, 1)).hasValue(totp.timeStep(now) - 1);
        assertThat(totp.verify(key, previous, 0)).isEmpty();
        assertThat(totp.verify(key, farPast, 1)).isEmpty();
    }

    @Test
    void RFC4226_7_2_lookAheadFindsCounter() {
        SecretBytes key = SecretBytes.copyOf("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
        assertThat(Hotp.verify(OtpAlgorithm.SHA1, key, 0, 5, 6, "338314")).hasValue(4);
        assertThat(Hotp.verify(OtpAlgorithm.SHA1, key, 5, 5, 6, "338314")).isEmpty();
    }

    @Test
    void RFC4226_5_3_refusesShortCodes() {
        SecretBytes key = SecretBytes.copyOf(new byte[20]);
        assertThatThrownBy(() -> Hotp.generate(key, 0, 5)).isInstanceOf(OtpFormatException.class);
        assertThatThrownBy(() -> Hotp.generate(key, 0, 11)).isInstanceOf(OtpFormatException.class);
    }
}
