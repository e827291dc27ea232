package org.countersign.core.keys;

import java.util.Objects;
import java.util.regex.Pattern;
import org.countersign.core.bytes.SecretBytes;

/**
 * An AES-256 key-encryption key. It only ever wraps data keys and sealed files; it never encrypts application
 * data directly, so rotating it means re-wrapping a few data keys instead of re-encrypting every record.
 *
 * @param id  stable name stored next to everything wrapped under this key, e.g. {@code mk-1a2b3c4d}
 * @param key 32 secret bytes
 */
public record MasterKey(String id, SecretBytes key) {
    static final int KEY_LENGTH = 32;
    /** Ids end up in file names and in blobs, so keep them to a safe alphabet. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public MasterKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("master key id must match " + ID.pattern());
        }
        if (key.length() != KEY_LENGTH) {
            throw new IllegalArgumentException("master key must be 32 bytes (AES-256), got " + key.length());
        }
    }

    static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
