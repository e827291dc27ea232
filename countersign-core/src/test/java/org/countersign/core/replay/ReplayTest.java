package org.countersign.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.replay.NonceGuard.Outcome;
import org.countersign.testkit.TestClock;
import org.junit.jupiter.api.Test;

class ReplayTest {
    final TestClock clock = TestClock.frozenAt(Instant.parse("2026-03-01T00:00:00Z"));
    final SecureRandom random = new SecureRandom();

    @Test
    void A_G3_challengeIsRedeemedOnce() {
        NonceGuard guard = new InMemoryNonceGuard(clock, 100);
        Challenge c = Challenge.issue(random, clock, Duration.ofMinutes(1));
        assertThat(c.value().length()).isEqualTo(32);
        assertThat(guard.consume(c)).isEqualTo(Outcome.ACCEPTED);
        assertThat(guard.consume(c)).isEqualTo(Outcome.REPLAYED);
    }

    @Test
    void A_G3_expiredChallengeIsRefused() {
        NonceGuard guard = new InMemoryNonceGuard(clock, 100);
        Challenge c = Challenge.issue(random, clock, Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        assertThat(c.isExpiredAt(clock.instant())).isTrue();
        assertThat(guard.consume(c)).isEqualTo(Outcome.EXPIRED);
    }

    @Test
    void memoryIsBoundedAndFailsClosed() {
        InMemoryNonceGuard guard = new InMemoryNonceGuard(clock, 3);
        Instant exp = clock.instant().plusSeconds(60);
        for (int i = 0; i < 3; i++) {
            assertThat(guard.consume(ByteArray.copyOf(new byte[] {(byte) i}), exp)).isEqualTo(Outcome.ACCEPTED);
        }
        assertThat(guard.consume(ByteArray.fromHex("ff"), exp)).isEqualTo(Outcome.CAPACITY_EXCEEDED);
        // live entries are still remembered: a replay is still caught while full
        assertThat(guard.consume(ByteArray.fromHex("00"), exp)).isEqualTo(Outcome.REPLAYED);
        clock.set(exp);
        assertThat(guard.size()).isZero();
        assertThat(guard.consume(ByteArray.fromHex("ff"), exp.plusSeconds(60))).isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void A_G3_freshnessWindow() {
        FreshnessPolicy p = new FreshnessPolicy(Duration.ofSeconds(60), Duration.ofSeconds(5));
        Instant now = clock.instant();
        assertThat(p.check(now, now)).isEqualTo(FreshnessPolicy.Verdict.FRESH);
        assertThat(p.check(now.minusSeconds(60), now)).isEqualTo(FreshnessPolicy.Verdict.FRESH);
        assertThat(p.check(now.minusSeconds(61), now)).isEqualTo(FreshnessPolicy.Verdict.TOO_OLD);
        assertThat(p.check(now.plusSeconds(5), now)).isEqualTo(FreshnessPolicy.Verdict.FRESH);
        assertThat(p.check(now.plusSeconds(6), now)).isEqualTo(FreshnessPolicy.Verdict.FROM_THE_FUTURE);
        assertThatThrownBy(() -> new FreshnessPolicy(Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void challengeRecordValidates() {
        assertThatThrownBy(() -> new Challenge(ByteArray.fromHex("00"), clock.instant(), clock.instant().plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Challenge(ByteArray.copyOf(new byte[32]), clock.instant(), clock.instant()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
