package org.countersign.core.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.countersign.core.bytes.ByteArray;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the secure-channel envelope decoder (X.1279 §9.4): every sealed message arrives from
 * the network before any key is known to match, so the header parser sees raw attacker bytes. Decoding either
 * yields a message that re-encodes to the same bytes or throws {@link ChannelException} (CHANNEL_MALFORMED); any
 * other throwable is a finding.
 */
@Tag("fuzz")
class SealedMessageFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decode(byte[] input) {
        SealedMessage message;
        try {
            message = SealedMessage.decode(ByteArray.copyOf(input));
        } catch (ChannelException expected) {
            assertThat(expected.reason()).isEqualTo(ChannelException.Reason.CHANNEL_MALFORMED);
            return;
        }
        assertThat(message.encode().toByteArray()).isEqualTo(input);
        try {
            assertThat(SealedMessage.fromBase64Url(message.toBase64Url())).isEqualTo(message);
        } catch (ChannelException e) {
            throw new AssertionError("a message that decoded once must decode from its own base64url", e);
        }
    }
}
