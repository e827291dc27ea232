package org.countersign.server.auth;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentications per client address and per key id, and says when a source has used up its
 * allowance, so that the check can be refused before any database lookup or hashing. Local to this node.
 */
public final class FailureThrottle {
    private static final int MAX_KEYS = 100_000;
    private final long burst;
    private final long perMinute;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** {@code burst} failures at once, then {@code perMinute} more each minute. */
    public FailureThrottle(long burst, long perMinute) {
        this.burst = burst;
        this.perMinute = perMinute;
    }

    /** 0 when {@code source} may try; otherwise whole seconds until it may try again. Costs no allowance. */
    public long secondsBlocked(String source) {
        Bucket b = buckets.get(source);
        if (b == null) {
            return 0;
        }
        EstimationProbe probe = b.estimateAbilityToConsume(1);
        if (probe.canBeConsumed()) {
            return 0;
        }
        return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }

    /** Records one failure from {@code source}. */
    public void fail(String source) {
        if (buckets.size() > MAX_KEYS) {
            buckets.clear(); // bounded memory under address-spraying floods
        }
        buckets.computeIfAbsent(source, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                .build()).tryConsume(1);
    }
}
