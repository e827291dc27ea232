package org.countersign.core.oob;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.countersign.core.bytes.ByteArray;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the X.1280 offset decoder (§8.3): the offset reaches the verifier from the relying
 * party and the authenticator from the server, so its bytes are attacker-chosen. The contract is that decoding
 * either yields an offset whose canonical encoding is exactly the input, or throws {@link OffsetFormatException};
 * any other throwable is a finding. Seeds live in {@code OffsetFuzzTestInputs/decode/}; see docs/fuzzing.md.
 */
@Tag("fuzz")
class OffsetFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decode(byte[] input) {
        Offset offset;
        try {
            offset = Offset.decode(ByteArray.copyOf(input));
        } catch (OffsetFormatException expected) {
            return;
        }
        // One offset, one encoding: a decoded value re-encodes to the same bytes and hashes over them.
        assertThat(offset.encode().toByteArray()).isEqualTo(input);
        assertThat(Offset.decode(offset.encode())).isEqualTo(offset);
    }
}
