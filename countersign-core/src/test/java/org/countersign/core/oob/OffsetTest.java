package org.countersign.core.oob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OffsetTest {
    static final SecretBytes KEY = SecretBytes.copyOf(ByteArray.fromHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f").toByteArray());

    static Offset sample() {
        return new Offset("203.0.113.10", "sess-4f1c9a", "198.51.100.7", Optional.of("192.168.1.23"),
                "Chrome", "131.0.6778.85", "alice@example.com", Instant.parse("2026-01-15T09:30:00.123Z"));
    }

    @Test
    void X1280_8_3_encodingRoundTrips() {
        Offset o = sample();
        assertThat(Offset.decode(o.encode())).isEqualTo(o);
        Offset noPrivate = new Offset("2001:db8::1", "s", "::1", Optional.empty(), "Firefox", "133.0", "bob",
                Instant.ofEpochMilli(0));
        assertThat(Offset.decode(noPrivate.encode())).isEqualTo(noPrivate);
    }

    @Test
    void X1280_8_3_encodingVersion1IsPinned() {
        // Golden bytes: any change to the v1 layout breaks codes computed by authenticators already in the field.
        assertThat(sample().encode().toHex()).isEqualTo(
                "43534f01" + "010004cb00710a" + "02" + "000b" + ByteArray.ofUtf8("sess-4f1c9a").toHex()
                        + "030004c6336407" + "040004c0a80117" + "050006" + ByteArray.ofUtf8("Chrome").toHex()
                        + "06000d" + ByteArray.ofUtf8("131.0.6778.85").toHex()
                        + "070011" + ByteArray.ofUtf8("alice@example.com").toHex()
                        + "080008" + String.format("%016x", Instant.parse("2026-01-15T09:30:00.123Z").toEpochMilli()));
    }

    @Test
    void X1280_8_3_equalAddressesEncodeEqually() {
        Offset a = new Offset("::1", "s", "1.2.3.4", Optional.empty(), "b", "1", "u", Instant.EPOCH);
        Offset b = new Offset("0:0:0:0:0:0:0:1", "s", "1.2.3.4", Optional.empty(), "b", "1", "u", Instant.EPOCH);
        assertThat(a).isEqualTo(b);
        assertThat(a.encode()).isEqualTo(b.encode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "1.2.3.4 ",
        "fe80::1%eth0", "::g", "1:2:3:4:5:6:7:8:9", "", "[::1]"})
    void X1280_8_3_ipFieldsAcceptLiteralsOnly(String ip) {
        assertThatThrownBy(() -> new Offset(ip, "s", "1.2.3.4", Optional.empty(), "b", "1", "u", Instant.EPOCH))
                .isInstanceOf(OffsetFormatException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a\u0000b", "line\nbreak", "bidi\u202Eoverride", "e\u0301"})
    void X1280_8_3_textFieldsMustBePrintableNfc(String bad) {
        assertThatThrownBy(() -> new Offset("1.2.3.4", "s", "1.2.3.4", Optional.empty(), "b", "1", bad, Instant.EPOCH))
                .isInstanceOf(OffsetFormatException.class);
    }

    @Test
    void X1280_8_3_textFieldsAreBounded() {
        assertThatThrownBy(() -> new Offset("1.2.3.4", "s", "1.2.3.4", Optional.empty(), "b", "1", "u".repeat(257),
                Instant.EPOCH)).isInstanceOf(OffsetFormatException.class);
        assertThat(new Offset("1.2.3.4", "s", "1.2.3.4", Optional.empty(), "b", "1", "ü".repeat(128), Instant.EPOCH)
                .userId()).hasSize(128);
    }

    @Test
    void decodingRejectsTrailingBytesVersionsAndLengths() {
        byte[] good = sample().encode().toByteArray();
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> Offset.decode(ByteArray.copyOf(trailing))).hasMessageContaining("trailing");
        byte[] v2 = good.clone();
        v2[3] = 2;
        assertThatThrownBy(() -> Offset.decode(ByteArray.copyOf(v2))).hasMessageContaining("version");
        byte[] badLength = good.clone();
        badLength[6] = 5; // rpServerIp length 4 -> 5
        assertThatThrownBy(() -> Offset.decode(ByteArray.copyOf(badLength))).isInstanceOf(OffsetFormatException.class);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        assertThatThrownBy(() -> Offset.decode(ByteArray.copyOf(truncated))).isInstanceOf(OffsetFormatException.class);
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> Offset.decode(ByteArray.copyOf(magic))).hasMessageContaining("magic");
        assertThatThrownBy(() -> Offset.decode(ByteArray.empty())).isInstanceOf(OffsetFormatException.class);
    }

    @Test
    void X1280_8_3_codeBindsEveryOffsetField() {
        Offset base = sample();
        List<UnaryOperator<Offset>> changes = List.of(
                o -> new Offset("203.0.113.11", o.rpSessionId(), o.terminalPublicIp(), o.terminalPrivateIp(), o.browser(), o.browserVersion(), o.userId(), o.requestTime()),
                o -> new Offset(o.rpServerIp(), "sess-4f1c9b", o.terminalPublicIp(), o.terminalPrivateIp(), o.browser(), o.browserVersion(), o.userId(), o.requestTime()),
                o -> new Offset(o.rpServerIp(), o.rpSessionId(), "198.51.100.8", o.terminalPrivateIp(), o.browser(), o.browserVersion(), o.userId(), o.requestTime()),
                o -> new Offset(o.rpServerIp(), o.rpSessionId(), o.terminalPublicIp(), Optional.of("192.168.1.24"), o.browser(), o.browserVersion(), o.userId(), o.requestTime()),
                o -> new Offset(o.rpServerIp(), o.rpSessionId(), o.terminalPublicIp(), Optional.empty(), o.browser(), o.browserVersion(), o.userId(), o.requestTime()),
                o -> new Offset(o.rpServerIp(), o.rpSessionId(), o.terminalPublicIp(), o.terminalPrivateIp(), "Chromium", o.browserVersion(), o.userId(), o.requestTime()),
                o -> new Offset(o.rpServerIp(), o.rpSessionId(), o.terminalPublicIp(), o.terminalPrivateIp(), o.browser(), "131.0.6778.86", o.userId(), o.requestTime()),
                o -> new Offset(o.rpServerIp(), o.rpSessionId(), o.terminalPublicIp(), o.terminalPrivateIp(), o.browser(), o.browserVersion(), "alice@example.org", o.requestTime()),
                o -> new Offset(o.rpServerIp(), o.rpSessionId(), o.terminalPublicIp(), o.terminalPrivateIp(), o.browser(), o.browserVersion(), o.userId(), o.requestTime().plusMillis(1)));
        // 10 digits make an accidental collision between 10 variants negligible (about 1e-9).
        Set<String> codes = new HashSet<>();
        codes.add(ServerAuthCode.compute(KEY, base, 10).value());
        for (UnaryOperator<Offset> change : changes) {
            Offset changed = change.apply(base);
            assertThat(changed.hash()).isNotEqualTo(base.hash());
            codes.add(ServerAuthCode.compute(KEY, changed, 10).value());
        }
        assertThat(codes).hasSize(changes.size() + 1);
    }

    @Test
    void X1280_8_3_verifierAndAuthenticatorAgree() {
        Offset atVerifier = sample();
        Offset atPhone = Offset.decode(atVerifier.encode()); // what arrives by push
        ServerAuthCode shown = ServerAuthCode.compute(KEY, atVerifier, 6);
        ServerAuthCode phone = ServerAuthCode.compute(SecretBytes.copyOf(KEY.revealForCrypto()), atPhone, 6);
        assertThat(phone).isEqualTo(shown);
        assertThat(shown.matches(phone.value())).isTrue();
        assertThat(shown.value()).hasSize(6).containsOnlyDigits();
    }

    @Test
    void X1280_8_3_codeIsPinnedForSampleOffset() {
        // Known answer computed independently from RFC 6287 §5.1 (suite, 0x00, question hex padded to 128 bytes).
        ServerAuthCode c = ServerAuthCode.compute(KEY, sample(), 8);
        assertThat(c.value()).isEqualTo(IndependentOcra.qh64Sha256(KEY.revealForCrypto(), sample().hash().toByteArray(), 8));
    }

    @Test
    void X1280_8_3_otherKeyGivesOtherCode() {
        SecretBytes other = SecretBytes.copyOf(new byte[32]);
        assertThat(ServerAuthCode.compute(other, sample(), 10)).isNotEqualTo(ServerAuthCode.compute(KEY, sample(), 10));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 5, 11})
    void X1280_8_3_codeHasSixToTenDigits(int digits) {
        assertThatThrownBy(() -> ServerAuthCode.compute(KEY, sample(), digits)).isInstanceOf(OffsetFormatException.class);
    }

    @Test
    void X1280_8_4_approvalStatementRoundTripsAndIsVersioned() {
        ApprovalStatement s = new ApprovalStatement("req-77", sample().hash(), "123456",
                ApprovalStatement.Decision.CODES_DIFFER, Instant.parse("2026-01-15T09:30:05.5Z"));
        assertThat(ApprovalStatement.decode(s.encode())).isEqualTo(s);
        byte[] bytes = s.encode().toByteArray();
        bytes[3] = 9;
        assertThatThrownBy(() -> ApprovalStatement.decode(ByteArray.copyOf(bytes))).hasMessageContaining("version");
        byte[] badDecision = s.encode().toByteArray();
        int decisionAt = 4 + 3 + 6 + 3 + 32 + 3 + 6 + 3;
        badDecision[decisionAt] = 7;
        assertThatThrownBy(() -> ApprovalStatement.decode(ByteArray.copyOf(badDecision))).hasMessageContaining("decision");
    }

    @Property(tries = 200)
    void encodingRoundTripsForAnyValidText(@ForAll @AlphaChars @StringLength(min = 1, max = 40) String session,
            @ForAll @StringLength(min = 1, max = 30) String user, @ForAll @LongRange(min = 0, max = 4_000_000_000_000L) long millis) {
        Offset o;
        try {
            o = new Offset("10.0.0.1", session, "2001:db8::7", Optional.empty(), "Safari", "18.1", user,
                    Instant.ofEpochMilli(millis));
        } catch (OffsetFormatException e) {
            return; // generated text that the rules refuse (controls, non-NFC): nothing to round-trip
        }
        assertThat(Offset.decode(o.encode())).isEqualTo(o);
    }
}
