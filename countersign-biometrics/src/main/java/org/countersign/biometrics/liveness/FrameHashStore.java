package org.countersign.biometrics.liveness;

import java.time.Instant;
import org.countersign.core.bytes.ByteArray;

/**
 * Remembers the hashes of frames already presented, so that a recorded capture cannot be submitted again
 * (X.1279 App. III item 4, A-G3). The library does not own storage: the server persists the hashes with an
 * expiry; {@link InMemoryFrameHashStore} serves one process and tests.
 */
public interface FrameHashStore {
    /**
     * Records {@code frameHash} as seen at {@code seenAt}. Atomic: of two concurrent calls with the same hash,
     * exactly one returns {@code true}.
     *
     * @return {@code true} when the hash was new, {@code false} when it had been recorded before
     */
    boolean addIfAbsent(ByteArray frameHash, Instant seenAt);
}
