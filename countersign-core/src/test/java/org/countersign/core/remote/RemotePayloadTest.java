package org.countersign.core.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.countersign.core.bytes.ByteArray;
import org.junit.jupiter.api.Test;

class RemotePayloadTest {
    @Test
    void roundTrip_jsonAndAttachments() {
        RemotePayload p = new RemotePayload("{\"a\":\"é\"}", List.of(ByteArray.ofUtf8("one"), ByteArray.ofUtf8("two")));
        RemotePayload q = RemotePayload.decode(p.encode());
        assertThat(q).isEqualTo(p);
    }

    @Test
    void strictDecoding_truncatedTrailingBadVersionBadUtf8_refused() {
        byte[] ok = new RemotePayload("{}", List.of(ByteArray.ofUtf8("x"))).encode().toByteArray();
        assertThatThrownBy(() -> RemotePayload.decode(ByteArray.copyOf(Arrays.copyOf(ok, ok.length - 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RemotePayload.decode(ByteArray.copyOf(Arrays.copyOf(ok, ok.length + 1))))
                .hasMessageContaining("trailing");
        byte[] v = ok.clone();
        v[0] = 9;
        assertThatThrownBy(() -> RemotePayload.decode(ByteArray.copyOf(v))).hasMessageContaining("version");
        byte[] u = ok.clone();
        u[5] = (byte) 0xff;
        assertThatThrownBy(() -> RemotePayload.decode(ByteArray.copyOf(u))).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> RemotePayload.decode(ByteArray.empty())).hasMessageContaining("truncated");
    }
}
