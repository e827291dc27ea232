package org.countersign.biometrics.liveness;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.countersign.core.bytes.ByteArray;

/**
 * A {@link FrameHashStore} held in memory for one process. Hashes are forgotten {@code retention} after they
 * were seen: keep it longer than any challenge's time limit plus grace so that a replay inside that window is
 * always caught. Not shared across nodes: a multi-node server persists hashes instead.
 */
public final class InMemoryFrameHashStore implements FrameHashStore {
    private final ConcurrentHashMap<ByteArray, Instant> seen = new ConcurrentHashMap<>();
    private final Duration retention;

    public InMemoryFrameHashStore(Duration retention) {
        this.retention = Objects.requireNonNull(retention, "retention");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive");
        }
    }

    @Override
    public boolean addIfAbsent(ByteArray frameHash, Instant seenAt) {
        Objects.requireNonNull(frameHash, "frameHash");
        Objects.requireNonNull(seenAt, "seenAt");
        Instant horizon = seenAt.minus(retention);
        seen.values().removeIf(t -> t.isBefore(horizon));
        return seen.putIfAbsent(frameHash, seenAt) == null;
    }

    /** How many hashes are held now. */
    public int size() {
        return seen.size();
    }
}
