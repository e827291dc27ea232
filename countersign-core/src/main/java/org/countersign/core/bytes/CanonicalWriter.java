package org.countersign.core.bytes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds unambiguous byte strings for hashing, signing and AEAD associated data. Every variable-length field is
 * preceded by its length, so two different field lists can never produce the same bytes (no "ab"+"c" = "a"+"bc").
 * All integers are big-endian.
 */
public final class CanonicalWriter {
    /** Length marker written for an absent (null) string, distinct from the empty string's length 0. */
    public static final int ABSENT = -1;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public CanonicalWriter u8(int value) {
        out.write(value & 0xff);
        return this;
    }

    public CanonicalWriter i32(int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
        return this;
    }

    public CanonicalWriter i64(long value) {
        i32((int) (value >>> 32));
        return i32((int) value);
    }

    /** 32-bit length, then the UTF-8 bytes; {@code null} is written as length {@link #ABSENT} and no bytes. */
    public CanonicalWriter string(String value) {
        if (value == null) {
            return i32(ABSENT);
        }
        return bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    /** 32-bit length, then the bytes. */
    public CanonicalWriter bytes(ByteArray value) {
        return bytes(value.toByteArray());
    }

    private CanonicalWriter bytes(byte[] value) {
        i32(value.length);
        out.write(value, 0, value.length);
        return this;
    }

    public ByteArray toByteArray() {
        return ByteArray.copyOf(out.toByteArray());
    }
}
