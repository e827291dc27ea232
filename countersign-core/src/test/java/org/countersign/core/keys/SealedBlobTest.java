package org.countersign.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.countersign.core.keys.KeyServiceTest.assertReason;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.keys.KeyServiceException.Reason;
import org.junit.jupiter.api.Test;

class SealedBlobTest {
    private static final SealedBlob BLOB = new SealedBlob("dk-0123456789abcdef",
            ByteArray.fromHex("000102030405060708090a0b"), ByteArray.copyOf(new byte[20]));

    @Property
    void encodeDecodeRoundTrip(@ForAll @AlphaChars @StringLength(min = 1, max = 255) String keyId,
                               @ForAll @Size(value = 12) byte[] nonce, @ForAll @Size(min = 16, max = 200) byte[] ct) {
        SealedBlob b = new SealedBlob(keyId, ByteArray.copyOf(nonce), ByteArray.copyOf(ct));
        assertThat(SealedBlob.decode(b.encode())).isEqualTo(b);
        assertThat(SealedBlob.fromText(b.toText())).isEqualTo(b);
    }

    @Property
    void decodeNeverThrowsAnythingButMalformed(@ForAll @Size(max = 64) byte[] junk) {
        try {
            SealedBlob.decode(ByteArray.copyOf(junk));
        } catch (KeyServiceException e) {
            assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        }
    }

    @Test
    void rejectsUnknownVersion() {
        byte[] b = BLOB.encode().toByteArray();
        b[0] = 2;
        assertReason(() -> SealedBlob.decode(ByteArray.copyOf(b)), Reason.MALFORMED);
    }

    @Test
    void rejectsTrailingBytes() {
        assertReason(() -> SealedBlob.decode(BLOB.encode().concat(ByteArray.fromHex("00"))), Reason.MALFORMED);
    }

    @Test
    void rejectsTruncationAtEveryLength() {
        byte[] b = BLOB.encode().toByteArray();
        for (int n = 0; n < b.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(b, n);
            assertReason(() -> SealedBlob.decode(ByteArray.copyOf(cut)), Reason.MALFORMED);
        }
    }

    @Test
    void rejectsBadNonceAndCiphertextLengths() {
        byte[] b = BLOB.encode().toByteArray();
        int nonceLengthAt = 2 + "dk-0123456789abcdef".length();
        byte[] badNonce = b.clone();
        badNonce[nonceLengthAt] = 11;
        assertReason(() -> SealedBlob.decode(ByteArray.copyOf(badNonce)), Reason.MALFORMED);
        byte[] shortCt = b.clone();
        shortCt[shortCt.length - 21] = 15; // ciphertext length field's low byte: shorter than a GCM tag
        assertReason(() -> SealedBlob.decode(ByteArray.copyOf(shortCt)), Reason.MALFORMED);
        byte[] emptyId = b.clone();
        emptyId[1] = 0;
        assertReason(() -> SealedBlob.decode(ByteArray.copyOf(emptyId)), Reason.MALFORMED);
    }

    @Test
    void textFormRejectsNonBase64Url() {
        assertReason(() -> SealedBlob.fromText(BLOB.toText() + "="), Reason.MALFORMED);
        assertReason(() -> SealedBlob.fromText("a+b/"), Reason.MALFORMED);
        assertReason(() -> SealedBlob.fromText("A"), Reason.MALFORMED);
    }

    @Test
    void associatedDataEncodingIsUnambiguous() {
        assertThat(new AssociatedData("ab", "c", "p").canonicalBytes())
                .isNotEqualTo(new AssociatedData("a", "bc", "p").canonicalBytes());
        assertThat(new AssociatedData(null, "s", "p").canonicalBytes())
                .isNotEqualTo(new AssociatedData("", "s", "p").canonicalBytes());
    }
}
