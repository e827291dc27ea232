package org.countersign.server.http;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per key (a tenant id or a client IP), local to this node: with N nodes behind a balancer the
 * effective limit is up to N times the configured one. A burst of two seconds' worth is allowed.
 */
public final class RateLimiter {
    private static final int MAX_KEYS = 100_000;
    private final int perSecond;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int perSecond) {
        this.perSecond = perSecond;
    }

    /** Empty when allowed; otherwise the whole seconds to wait before retrying. */
    public long secondsToWait(String key) {
        if (buckets.size() > MAX_KEYS) {
            buckets.clear(); // bounded memory under address-spraying floods; limits restart from full buckets
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(2L * perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }
}
