package org.countersign.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move by hand, so expiry windows pass without waiting. Two kinds: frozen at a given instant, or
 * following real time shifted by an offset (for servers whose other parts need time to keep flowing).
 */
public final class TestClock extends Clock {
    private final boolean followsSystem;
    private volatile Instant frozen;
    private volatile Duration offset = Duration.ZERO;

    private TestClock(boolean followsSystem, Instant frozen) {
        this.followsSystem = followsSystem;
        this.frozen = frozen;
    }

    /** Stands still at {@code start} until moved. */
    public static TestClock frozenAt(Instant start) {
        return new TestClock(false, start);
    }

    /** Real time plus an offset that {@link #advance} moves (forward or back). */
    public static TestClock offsetFromSystem() {
        return new TestClock(true, null);
    }

    public void advance(Duration by) {
        if (followsSystem) {
            offset = offset.plus(by);
        } else {
            frozen = frozen.plus(by);
        }
    }

    /** Moves a frozen clock to {@code instant}. */
    public void set(Instant instant) {
        if (followsSystem) {
            throw new IllegalStateException("a clock following real time cannot be set, only advanced");
        }
        frozen = instant;
    }

    @Override
    public Instant instant() {
        return followsSystem ? Instant.now().plus(offset) : frozen;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
