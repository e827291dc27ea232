package org.countersign.core.sig;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.SecureRandom;
import org.countersign.core.bytes.ByteArray;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the P-256 key and signature decoders: authenticators and agents send their public
 * keys (SPKI, JWK, SEC1 point) and signatures (DER or P1363). Each decoder either accepts a value or throws
 * {@link SignatureFormatException}; a parsed key re-encodes to the same bytes; a fuzzed signature never verifies
 * and DER signatures round-trip through P1363.
 */
@Tag("fuzz")
class SignatureFuzzTest {
    private static final EcP256Signer SIGNER = EcP256Signer.generate(new SecureRandom());
    private static final ByteArray MESSAGE = ByteArray.ofUtf8("countersign fuzz message");

    @FuzzTest(maxDuration = "10s")
    void decode(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 4);
        try {
            switch (which) {
                case 0 -> {
                    byte[] spki = data.consumeRemainingAsBytes();
                    EcP256PublicKey key = EcP256PublicKey.fromSpki(ByteArray.copyOf(spki));
                    assertThat(key.spki().toByteArray()).isEqualTo(spki);
                }
                case 1 -> {
                    byte[] point = data.consumeRemainingAsBytes();
                    EcP256PublicKey key = EcP256PublicKey.fromUncompressedPoint(ByteArray.copyOf(point));
                    assertThat(key.uncompressedPoint().toByteArray()).isEqualTo(point);
                }
                case 2 -> {
                    String x = data.consumeString(64);
                    String y = data.consumeRemainingAsString();
                    EcP256PublicKey key = EcP256PublicKey.fromJwk("EC", "P-256", x, y);
                    assertThat(key.jwkX()).isEqualTo(x);
                    assertThat(key.jwkY()).isEqualTo(y);
                }
                case 3 -> {
                    byte[] der = data.consumeRemainingAsBytes();
                    byte[] p1363 = P256.derToP1363(der);
                    assertThat(P256.p1363ToDer(p1363)).isEqualTo(der);
                    assertThat(SIGNER.publicKey().verify(MESSAGE, ByteArray.copyOf(der), SignatureEncoding.DER)).isFalse();
                }
                default -> {
                    byte[] sig = data.consumeRemainingAsBytes();
                    assertThat(SIGNER.publicKey().verify(MESSAGE, ByteArray.copyOf(sig), SignatureEncoding.P1363)).isFalse();
                }
            }
        } catch (SignatureFormatException expected) {
            // the documented refusal
        }
    }
}
