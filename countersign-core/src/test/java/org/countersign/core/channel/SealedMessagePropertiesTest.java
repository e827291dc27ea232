package org.countersign.core.channel;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.countersign.core.bytes.ByteArray;

/** The sealed-message decoder sees attacker bytes first: only {@link ChannelException} may come out. */
class SealedMessagePropertiesTest {

    @Property(tries = 3000)
    void decoderOnlyThrowsChannelException(@ForAll @Size(max = 200) byte[] bytes) {
        try {
            SealedMessage m = SealedMessage.decode(ByteArray.copyOf(bytes));
            org.assertj.core.api.Assertions.assertThat(m.encode().toByteArray()).isEqualTo(bytes);
        } catch (ChannelException expected) {
            org.assertj.core.api.Assertions.assertThat(expected.reason()).isEqualTo(ChannelException.Reason.CHANNEL_MALFORMED);
        }
    }

    @Property(tries = 1000)
    void base64DecoderOnlyThrowsChannelException(@ForAll @Size(max = 200) String text) {
        try {
            SealedMessage.fromBase64Url(text);
        } catch (ChannelException expected) {
            // fine
        }
    }
}
