package org.countersign.core.srp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of what an SRP-6a server reads from an unauthenticated client (X.1279 §9.3, RFC 5054):
 * the public value A and the proof M1. {@link SrpServerSession#verifyClient} must answer every byte string with a
 * proof or an {@link SrpException}, never another throwable; and the fixed-width codec must round-trip
 * ({@code PAD(publicValue(b))} is {@code b} left-padded with zeros).
 */
@Tag("fuzz")
class SrpCodecFuzzTest {
    // The 1024-bit group keeps an execution cheap; the code paths do not depend on the group's size.
    private static final SrpParameters PARAMETERS = new SrpParameters(SrpGroup.RFC5054_1024, SrpDigest.SHA256);
    private static final SrpVerifier VERIFIER = SrpVerifier.create(PARAMETERS, "fuzz-device",
            SecretBytes.copyOf("fuzz-password".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            ByteArray.copyOf(new byte[16]));
    private static final SecureRandom RANDOM = new SecureRandom();

    @FuzzTest(maxDuration = "10s")
    void clientValues(FuzzedDataProvider data) {
        byte[] a = data.consumeBytes(data.consumeInt(0, PARAMETERS.group().byteLength() + 8));
        byte[] m1 = data.consumeRemainingAsBytes();

        BigInteger value;
        try {
            value = SrpCodec.publicValue(ByteArray.copyOf(a), PARAMETERS);
            byte[] padded = SrpCodec.pad(value, PARAMETERS);
            byte[] expected = new byte[PARAMETERS.group().byteLength()];
            System.arraycopy(a, 0, expected, expected.length - a.length, a.length);
            assertThat(padded).isEqualTo(expected);
        } catch (SrpException e) {
            assertThat(e.reason()).isEqualTo(SrpException.Reason.SRP_BAD_PUBLIC_VALUE);
        }

        SrpServerSession session = SrpServerSession.begin(VERIFIER, RANDOM);
        try {
            SrpServerProof proof = session.verifyClient(ByteArray.copyOf(a), ByteArray.copyOf(m1));
            // Only the holder of the password can produce M1; random bytes matching it would be a break of SHA-256.
            throw new AssertionError("fuzzed client values were accepted: " + proof);
        } catch (SrpException expected) {
            assertThat(Arrays.asList(SrpException.Reason.SRP_BAD_PUBLIC_VALUE, SrpException.Reason.SRP_BAD_CLIENT_PROOF))
                    .contains(expected.reason());
        }
    }
}
