package org.countersign.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.testkit.TestVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class OcraTest {

    static List<JsonNode> ocraRows() {
        return VectorFiles.rows(TestVectors.OCRA_RFC6287);
    }

    @Test
    void RFC6287_AppendixC_fileHoldsAll70Vectors() {
        assertThat(ocraRows()).hasSize(70);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("ocraRows")
    void RFC6287_AppendixC_vectors(JsonNode row) {
        OcraSuite suite = OcraSuite.parse(row.get("suite").asText());
        SecretBytes key = SecretBytes.copyOf(ByteArray.fromHex(row.get("key_hex").asText()).toByteArray());
        OcraInput.Builder in = OcraInput.builder();
        if (!row.get("C").asText().isEmpty()) {
            in.counter(Long.parseLong(row.get("C").asText()));
        }
        String q = row.get("Q").asText();
        if (row.get("role").asText().isEmpty()) {
            in.question(q);
        } else {
            // Mutual mode (RFC 6287 §7.2): the file gives the concatenation; each half is one party's challenge,
            // the other party's challenge first.
            in.mutualQuestion(q.substring(0, q.length() / 2), q.substring(q.length() / 2));
        }
        if (!row.get("P_sha1_hex").asText().isEmpty()) {
            in.pinHash(ByteArray.fromHex(row.get("P_sha1_hex").asText()));
        }
        if (!row.get("T_hex").asText().isEmpty()) {
            in.timeSteps(Long.parseLong(row.get("T_hex").asText(), 16));
        }
        OcraInput input = in.build();
        assertThat(Ocra.generate(suite, key, input)).isEqualTo(row.get("ocra").asText());
        assertThat(Ocra.verify(suite, key, input, row.get("ocra").asText())).isTrue();
    }

    @Test
    void RFC6287_5_1_pinHashOfVectorPin() {
        JsonNode file = VectorFiles.read(TestVectors.OCRA_RFC6287);
        OcraSuite suite = OcraSuite.parse("OCRA-1:HOTP-SHA256-8:QN08-PSHA1");
        ByteArray p = Ocra.hashPin(suite, SecretBytes.copyOf(file.get("pin").asText().getBytes(StandardCharsets.US_ASCII)));
        assertThat(p.toHex()).isEqualTo(file.get("pin_sha1_hex").asText());
    }

    @Test
    void RFC6287_6_parsesEveryDataInputPart() {
        OcraSuite s = OcraSuite.parse("OCRA-1:HOTP-SHA512-0:C-QH40-PSHA256-S064-T30S");
        assertThat(s.algorithm()).isEqualTo(OtpAlgorithm.SHA512);
        assertThat(s.digits()).isZero();
        assertThat(s.counter()).isTrue();
        assertThat(s.questionFormat()).isEqualTo(OcraSuite.QuestionFormat.HEX);
        assertThat(s.questionLength()).isEqualTo(40);
        assertThat(s.pinHash()).contains(OtpAlgorithm.SHA256);
        assertThat(s.sessionLength()).isEqualTo(64);
        assertThat(s.timeStep()).contains(Duration.ofSeconds(30));
        assertThat(OcraSuite.parse("OCRA-1:HOTP-SHA1-6:QN08-T1M").timeSteps(Instant.ofEpochSecond(1206446760L)))
                .isEqualTo(0x132d0b6L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"OCRA-2:HOTP-SHA1-6:QN08", "OCRA-1:HOTP-MD5-6:QN08", "OCRA-1:HOTP-SHA1-3:QN08",
        "OCRA-1:HOTP-SHA1-11:QN08", "OCRA-1:HOTP-SHA1-6:QN03", "OCRA-1:HOTP-SHA1-6:QN65", "OCRA-1:HOTP-SHA1-6:C",
        "OCRA-1:HOTP-SHA1-6:QX08", "OCRA-1:HOTP-SHA1-6:QN08-T60M", "OCRA-1:HOTP-SHA1-6:QN08-T0H",
        "OCRA-1:HOTP-SHA1-6:QN08-S000", "OCRA-1:HOTP-SHA1-6:QN08-T1M-PSHA1", "OCRA-1:HOTP-SHA1-6:QN08-C",
        "OCRA-1:HOTP-SHA1-6:QN08:", "OCRA-1:HOTP-SHA1-6:QN08-", "ocra-1:hotp-sha1-6:qn08",
        "OCRA-1:HOTP-SHA1-06:QN08", "OCRA-1:HOTP-SHA1-6:QN08-T01M", "OCRA-1:HOTP-SHA1-6:QN08-S64"})
    void RFC6287_6_rejectsMalformedSuites(String text) {
        assertThatThrownBy(() -> OcraSuite.parse(text)).isInstanceOf(OtpFormatException.class);
    }

    @Test
    void RFC6287_5_1_suiteTextAndFieldsCannotDisagree() {
        OcraSuite real = OcraSuite.parse("OCRA-1:HOTP-SHA1-6:QN08");
        assertThatThrownBy(() -> new OcraSuite(real.text(), OtpAlgorithm.SHA512, real.digits(), real.counter(),
                real.questionFormat(), real.questionLength(), real.pinHash(), real.sessionLength(), real.timeStep()))
                .isInstanceOf(OtpFormatException.class);
        assertThat(new OcraSuite(real.text(), real.algorithm(), real.digits(), real.counter(), real.questionFormat(),
                real.questionLength(), real.pinHash(), real.sessionLength(), real.timeStep())).isEqualTo(real);
        assertThat(OcraSuite.parse("OCRA-1:HOTP-SHA256-8:C-QH64-PSHA512-S128-T2H").toString())
                .isEqualTo("OCRA-1:HOTP-SHA256-8:C-QH64-PSHA512-S128-T2H");
    }

    @Test
    void RFC6287_5_1_inputMustMatchSuite() {
        OcraSuite suite = OcraSuite.parse("OCRA-1:HOTP-SHA1-6:C-QN08");
        SecretBytes key = SecretBytes.copyOf(new byte[20]);
        assertThatThrownBy(() -> Ocra.generate(suite, key, OcraInput.builder().question("1234").build()))
                .isInstanceOf(OtpFormatException.class);
        assertThatThrownBy(() -> Ocra.generate(suite, key, OcraInput.builder().counter(1).question("12AB").build()))
                .isInstanceOf(OtpFormatException.class);
        assertThatThrownBy(() -> Ocra.generate(suite, key, OcraInput.builder().counter(1).question("123456789").build()))
                .isInstanceOf(OtpFormatException.class);
    }

    @Test
    void RFC6287_6_3_sessionIsLeftPaddedAndChangesResult() {
        OcraSuite suite = OcraSuite.parse("OCRA-1:HOTP-SHA256-8:QA08-S064");
        SecretBytes key = SecretBytes.copyOf(new byte[32]);
        String a = Ocra.generate(suite, key, OcraInput.builder().question("ABCD").session(ByteArray.fromHex("01")).build());
        String b = Ocra.generate(suite, key, OcraInput.builder().question("ABCD")
                .session(ByteArray.copyOf(new byte[63]).concat(ByteArray.fromHex("01"))).build());
        String c = Ocra.generate(suite, key, OcraInput.builder().question("ABCD").session(ByteArray.fromHex("02")).build());
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void RFC6287_5_2_digitsZeroReturnsFullMac() {
        OcraSuite suite = OcraSuite.parse("OCRA-1:HOTP-SHA256-0:QH64");
        String r = Ocra.generate(suite, SecretBytes.copyOf(new byte[32]), OcraInput.builder().question("ab").build());
        assertThat(r).hasSize(64).matches("[0-9a-f]+");
    }
}
