package org.countersign.core.keys;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.keys.KeyServiceException.Reason;

/**
 * The one ciphertext type: AES-256-GCM output together with the id of the key that made it. Used for data
 * sealed under data keys, for data keys wrapped under master keys, and for sealed files.
 *
 * <p>Binary form, version 1 (all integers big-endian):
 * <pre>
 *   u8  version = 1
 *   u8  key id length (1..255), key id as UTF-8
 *   u8  nonce length (12), nonce
 *   u32 ciphertext length (>= 16, includes the GCM tag), ciphertext
 * </pre>
 * Nothing may follow. The text form is the binary form in unpadded base64url.
 *
 * @param keyId      id of the data key or master key that sealed this
 * @param nonce      12-byte GCM nonce
 * @param ciphertext ciphertext followed by the 16-byte tag
 */
public record SealedBlob(String keyId, ByteArray nonce, ByteArray ciphertext) {
    public static final int VERSION = 1;
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    /** Far above any secret we seal; bounds allocation when decoding hostile input. */
    static final int MAX_CIPHERTEXT = 16 * 1024 * 1024;

    public SealedBlob {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(ciphertext, "ciphertext");
        int idLength = keyId.getBytes(StandardCharsets.UTF_8).length;
        if (idLength < 1 || idLength > 255) {
            throw new IllegalArgumentException("key id must be 1..255 UTF-8 bytes");
        }
        if (nonce.length() != NONCE_LENGTH) {
            throw new IllegalArgumentException("nonce must be 12 bytes");
        }
        if (ciphertext.length() < TAG_LENGTH || ciphertext.length() > MAX_CIPHERTEXT) {
            throw new IllegalArgumentException("ciphertext length out of range");
        }
    }

    public ByteArray encode() {
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(1 + 1 + id.length + 1 + NONCE_LENGTH + 4 + ciphertext.length());
        out.put((byte) VERSION);
        out.put((byte) id.length).put(id);
        out.put((byte) NONCE_LENGTH).put(nonce.toByteArray());
        out.putInt(ciphertext.length()).put(ciphertext.toByteArray());
        return ByteArray.copyOf(out.array());
    }

    /** @throws KeyServiceException with reason {@link Reason#MALFORMED} for anything but a valid version-1 blob */
    public static SealedBlob decode(ByteArray encoded) {
        Objects.requireNonNull(encoded, "encoded");
        ByteBuffer in = ByteBuffer.wrap(encoded.toByteArray());
        try {
            int version = in.get() & 0xff;
            if (version != VERSION) {
                throw malformed("unknown version " + version);
            }
            byte[] id = take(in, in.get() & 0xff);
            String keyId = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(id)).toString();
            int nonceLength = in.get() & 0xff;
            if (nonceLength != NONCE_LENGTH) {
                throw malformed("nonce length " + nonceLength);
            }
            byte[] nonce = take(in, nonceLength);
            int ctLength = in.getInt();
            if (ctLength < TAG_LENGTH || ctLength > MAX_CIPHERTEXT) {
                throw malformed("ciphertext length " + ctLength);
            }
            byte[] ct = take(in, ctLength);
            if (in.hasRemaining()) {
                throw malformed(in.remaining() + " trailing bytes");
            }
            return new SealedBlob(keyId, ByteArray.copyOf(nonce), ByteArray.copyOf(ct));
        } catch (java.nio.BufferUnderflowException | CharacterCodingException | IllegalArgumentException e) {
            throw new KeyServiceException(Reason.MALFORMED, "truncated or invalid sealed blob", e);
        }
    }

    /** Unpadded base64url of {@link #encode()}, for text columns, JSON and files. */
    public String toText() {
        return encode().toBase64Url();
    }

    /** @throws KeyServiceException with reason {@link Reason#MALFORMED} for bad base64url or a bad blob */
    public static SealedBlob fromText(String text) {
        Objects.requireNonNull(text, "text");
        if (!text.matches("[A-Za-z0-9_-]*")) {
            throw malformed("not unpadded base64url");
        }
        ByteArray bytes;
        try {
            bytes = ByteArray.fromBase64Url(text);
        } catch (IllegalArgumentException e) {
            throw new KeyServiceException(Reason.MALFORMED, "not base64url", e);
        }
        return decode(bytes);
    }

    private static byte[] take(ByteBuffer in, int n) {
        if (n > in.remaining()) {
            throw malformed("field longer than the remaining input");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private static KeyServiceException malformed(String why) {
        return new KeyServiceException(Reason.MALFORMED, why);
    }
}
