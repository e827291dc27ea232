package org.countersign.biometrics.liveness;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ReplaySignatureStore} in memory for one process: per subject the newest {@code perSubject} signatures,
 * forgotten after {@code retention}. Not shared across nodes.
 */
public final class InMemoryReplaySignatureStore implements ReplaySignatureStore {
    private record Entry(MotionSignature signature, Instant seenAt) {}

    private final Map<String, Deque<Entry>> bySubject = new ConcurrentHashMap<>();
    private final Duration retention;
    private final int perSubject;

    public InMemoryReplaySignatureStore(Duration retention, int perSubject) {
        this.retention = Objects.requireNonNull(retention, "retention");
        if (retention.isNegative() || retention.isZero() || perSubject < 1) {
            throw new IllegalArgumentException("retention must be positive and perSubject at least 1");
        }
        this.perSubject = perSubject;
    }

    @Override
    public List<MotionSignature> recent(String subject, Instant since, int limit) {
        Deque<Entry> d = bySubject.get(Objects.requireNonNull(subject, "subject"));
        if (d == null) {
            return List.of();
        }
        List<MotionSignature> out = new ArrayList<>();
        synchronized (d) {
            for (Iterator<Entry> it = d.iterator(); it.hasNext() && out.size() < limit;) {
                Entry e = it.next();
                if (!e.seenAt().isBefore(since)) {
                    out.add(e.signature());
                }
            }
        }
        return out;
    }

    @Override
    public void add(String subject, MotionSignature signature, Instant seenAt) {
        Objects.requireNonNull(signature, "signature");
        Deque<Entry> d = bySubject.computeIfAbsent(Objects.requireNonNull(subject, "subject"),
                k -> new ArrayDeque<>());
        synchronized (d) {
            d.addFirst(new Entry(signature, seenAt));
            Instant horizon = seenAt.minus(retention);
            d.removeIf(e -> e.seenAt().isBefore(horizon));
            while (d.size() > perSubject) {
                d.removeLast();
            }
        }
    }
}
