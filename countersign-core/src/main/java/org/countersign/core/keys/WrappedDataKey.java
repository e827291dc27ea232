package org.countersign.core.keys;

import java.time.Instant;
import java.util.Objects;

/**
 * A data key as stored: its material sealed under a master key. Never holds the plain key.
 *
 * @param keyId       data key id, written into every blob it seals
 * @param purpose     what the key seals (one family of keys per purpose)
 * @param masterKeyId id of the master key that wrapped it (equals {@code wrapped.keyId()})
 * @param wrapped     the key material sealed under the master key
 * @param createdAt   creation time; the newest primary key of a purpose seals new data
 * @param primary     whether this key seals new data; older keys only open
 */
public record WrappedDataKey(String keyId, String purpose, String masterKeyId, SealedBlob wrapped, Instant createdAt,
                             boolean primary) {
    public WrappedDataKey {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(masterKeyId, "masterKeyId");
        Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(createdAt, "createdAt");
        if (!masterKeyId.equals(wrapped.keyId())) {
            throw new IllegalArgumentException("masterKeyId must equal wrapped.keyId()");
        }
    }

    WrappedDataKey withPrimary(boolean p) {
        return new WrappedDataKey(keyId, purpose, masterKeyId, wrapped, createdAt, p);
    }

    WrappedDataKey rewrapped(SealedBlob blob) {
        return new WrappedDataKey(keyId, purpose, blob.keyId(), blob, createdAt, primary);
    }
}
