package org.countersign.core.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.countersign.core.bytes.ByteArray;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the remote-message plaintext decoder (X.1279 §9.4). The plaintext is what a device
 * sealed, and a device is only as honest as its owner, so the lengths and counts are attacker-chosen. Decoding
 * either yields a payload that re-encodes to the same bytes or throws the documented
 * {@link IllegalArgumentException}; any other throwable (and a huge allocation for a short input) is a finding.
 */
@Tag("fuzz")
class RemotePayloadFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decode(byte[] input) {
        RemotePayload payload;
        try {
            payload = RemotePayload.decode(ByteArray.copyOf(input));
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertThat(payload.encode().toByteArray()).isEqualTo(input);
        assertThat(RemotePayload.decode(payload.encode())).isEqualTo(payload);
    }
}
