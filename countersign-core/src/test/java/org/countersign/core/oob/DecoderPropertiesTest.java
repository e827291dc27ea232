package org.countersign.core.oob;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.countersign.core.bytes.ByteArray;

/** Decoders meet untrusted bytes: whatever arrives, they return a value or their one typed exception. */
class DecoderPropertiesTest {

    @Property(tries = 2000)
    void offsetDecoderOnlyThrowsTypedErrors(@ForAll @Size(max = 300) byte[] bytes) {
        try {
            Offset o = Offset.decode(ByteArray.copyOf(bytes));
            // anything accepted is canonical: it re-encodes to the same bytes
            org.assertj.core.api.Assertions.assertThat(o.encode().toByteArray()).isEqualTo(bytes);
        } catch (OffsetFormatException expected) {
            // fine
        }
    }

    @Property(tries = 2000)
    void offsetDecoderSurvivesMutationsOfAValidEncoding(@ForAll @Size(min = 1, max = 4) java.util.List<Integer> positions,
            @ForAll byte value) {
        byte[] good = OffsetTest.sample().encode().toByteArray();
        for (int p : positions) {
            good[Math.floorMod(p, good.length)] = value;
        }
        try {
            Offset o = Offset.decode(ByteArray.copyOf(good));
            org.assertj.core.api.Assertions.assertThat(o.encode().toByteArray()).isEqualTo(good);
        } catch (OffsetFormatException expected) {
            // fine
        }
    }

    @Property(tries = 2000)
    void approvalDecoderOnlyThrowsTypedErrors(@ForAll @Size(max = 120) byte[] bytes) {
        try {
            ApprovalStatement s = ApprovalStatement.decode(ByteArray.copyOf(bytes));
            org.assertj.core.api.Assertions.assertThat(s.encode().toByteArray()).isEqualTo(bytes);
        } catch (OffsetFormatException expected) {
            // fine
        }
    }
}
