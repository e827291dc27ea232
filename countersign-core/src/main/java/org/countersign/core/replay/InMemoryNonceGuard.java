package org.countersign.core.replay;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import org.countersign.core.bytes.ByteArray;

/**
 * A {@link NonceGuard} in memory with a hard bound on entries. Expired entries are dropped as time passes; when the
 * table is full of live entries new nonces are refused (fail closed) instead of forgetting live ones, which would
 * let their replays through.
 */
public final class InMemoryNonceGuard implements NonceGuard {
    private record Entry(ByteArray nonce, Instant expiresAt) {}

    private final Clock clock;
    private final int capacity;
    private final Map<ByteArray, Instant> live = new HashMap<>();
    private final PriorityQueue<Entry> byExpiry = new PriorityQueue<>((a, b) -> a.expiresAt().compareTo(b.expiresAt()));

    public InMemoryNonceGuard(Clock clock, int capacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized Outcome consume(ByteArray nonce, Instant expiresAt) {
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Instant now = clock.instant();
        evictExpired(now);
        if (live.containsKey(nonce)) {
            return Outcome.REPLAYED;
        }
        if (!now.isBefore(expiresAt)) {
            return Outcome.EXPIRED;
        }
        if (live.size() >= capacity) {
            return Outcome.CAPACITY_EXCEEDED;
        }
        live.put(nonce, expiresAt);
        byExpiry.add(new Entry(nonce, expiresAt));
        return Outcome.ACCEPTED;
    }

    /** Number of nonces remembered now. */
    public synchronized int size() {
        evictExpired(clock.instant());
        return live.size();
    }

    private void evictExpired(Instant now) {
        while (!byExpiry.isEmpty() && !now.isBefore(byExpiry.peek().expiresAt())) {
            live.remove(byExpiry.poll().nonce());
        }
    }
}
