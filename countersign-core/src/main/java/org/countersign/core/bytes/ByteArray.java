package org.countersign.core.bytes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An immutable byte string for public values (challenges, public keys, hashes, ids). APIs take and return this
 * type instead of {@code byte[]} so that nobody can change a value after it was checked. Secrets use
 * {@link SecretBytes} instead.
 */
public final class ByteArray {
    private static final ByteArray EMPTY = new ByteArray(new byte[0]);
    private final byte[] bytes;

    private ByteArray(byte[] owned) {
        this.bytes = owned;
    }

    public static ByteArray copyOf(byte[] bytes) {
        return new ByteArray(bytes.clone());
    }

    public static ByteArray empty() {
        return EMPTY;
    }

    public static ByteArray ofUtf8(String text) {
        return new ByteArray(text.getBytes(StandardCharsets.UTF_8));
    }

    public static ByteArray fromHex(String hex) {
        return new ByteArray(HexFormat.of().parseHex(hex));
    }

    /** Decodes base64url without padding (also accepts padding). */
    public static ByteArray fromBase64Url(String text) {
        return new ByteArray(Base64.getUrlDecoder().decode(text));
    }

    public static ByteArray fromBase64(String text) {
        return new ByteArray(Base64.getDecoder().decode(text));
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }

    public String toHex() {
        return HexFormat.of().formatHex(bytes);
    }

    public String toBase64Url() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    public ByteArray concat(ByteArray other) {
        byte[] out = Arrays.copyOf(bytes, bytes.length + other.bytes.length);
        System.arraycopy(other.bytes, 0, out, bytes.length, other.bytes.length);
        return new ByteArray(out);
    }

    /** Constant-time comparison, for values an attacker may try to guess byte by byte. */
    public boolean constantTimeEquals(ByteArray other) {
        return other != null && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteArray other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "ByteArray(" + toHex() + ")";
    }
}
