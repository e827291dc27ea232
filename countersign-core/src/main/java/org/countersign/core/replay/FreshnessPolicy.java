package org.countersign.core.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How old a timestamped message may be, and how far ahead of our clock it may claim to be (A-G3). The skew
 * allowance covers phones whose clocks run a little fast; anything beyond it is refused rather than trusted.
 *
 * @param maxAge  largest accepted {@code now - timestamp}
 * @param maxSkew largest accepted {@code timestamp - now}
 */
public record FreshnessPolicy(Duration maxAge, Duration maxSkew) {

    /** Two minutes back, thirty seconds ahead: enough for a push round trip and a slow user tap. */
    public static final FreshnessPolicy DEFAULT = new FreshnessPolicy(Duration.ofMinutes(2), Duration.ofSeconds(30));

    public enum Verdict { FRESH, TOO_OLD, FROM_THE_FUTURE }

    public FreshnessPolicy {
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(maxSkew, "maxSkew");
        if (maxAge.isNegative() || maxAge.isZero() || maxSkew.isNegative()) {
            throw new IllegalArgumentException("maxAge must be positive and maxSkew non-negative");
        }
    }

    public Verdict check(Instant timestamp, Instant now) {
        if (timestamp.isAfter(now.plus(maxSkew))) {
            return Verdict.FROM_THE_FUTURE;
        }
        if (timestamp.isBefore(now.minus(maxAge))) {
            return Verdict.TOO_OLD;
        }
        return Verdict.FRESH;
    }
}
