package org.countersign.core.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.countersign.core.bytes.ByteArray;

/** Untrusted plaintext (after the tag verified, but from a possibly hostile client) never breaks the decoder. */
class RemotePayloadPropertiesTest {
    @Property(tries = 3000)
    void arbitraryBytes_decodeOrIllegalArgumentOnly(@ForAll @Size(max = 300) byte[] bytes) {
        try {
            RemotePayload p = RemotePayload.decode(ByteArray.copyOf(bytes));
            assertThat(p.encode()).isEqualTo(ByteArray.copyOf(bytes));
        } catch (IllegalArgumentException expected) {
            // the only refusal the decoder may raise
        }
    }

    @Property(tries = 500)
    void roundTrip(@ForAll @Size(max = 40) String text, @ForAll @Size(max = 5) List<@Size(min = 1, max = 50) byte[]> parts) {
        RemotePayload p = new RemotePayload("{\"n\":" + text.length() + "}",
                parts.stream().map(ByteArray::copyOf).toList());
        assertThat(RemotePayload.decode(p.encode())).isEqualTo(p);
    }
}
