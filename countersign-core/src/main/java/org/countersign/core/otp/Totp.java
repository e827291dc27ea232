package org.countersign.core.otp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;
import org.countersign.core.bytes.SecretBytes;

/**
 * TOTP, RFC 6238: HOTP over the number of time steps since {@code t0}. Keys should match the hash length
 * (20/32/64 bytes, RFC 6238 Appendix B erratum 2866).
 */
public final class Totp {
    private final OtpAlgorithm algorithm;
    private final Duration step;
    private final Instant t0;
    private final int digits;
    private final Clock clock;

    private Totp(OtpAlgorithm algorithm, Duration step, Instant t0, int digits, Clock clock) {
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.step = Objects.requireNonNull(step, "step");
        this.t0 = Objects.requireNonNull(t0, "t0");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (step.toSeconds() < 1 || step.toNanos() % 1_000_000_000L != 0) {
            throw new OtpFormatException("TOTP step must be whole seconds >= 1");
        }
        Hotp.checkDigits(digits);
        this.digits = digits;
    }

    /** RFC 6238 defaults: 30-second steps from the Unix epoch. */
    public static Totp of(OtpAlgorithm algorithm, int digits, Clock clock) {
        return new Totp(algorithm, Duration.ofSeconds(30), Instant.EPOCH, digits, clock);
    }

    public static Totp of(OtpAlgorithm algorithm, Duration step, Instant t0, int digits, Clock clock) {
        return new Totp(algorithm, step, t0, digits, clock);
    }

    /** RFC 6238 §4.2: T = floor((now - T0) / X). */
    public long timeStep(Instant at) {
        return Math.floorDiv(at.getEpochSecond() - t0.getEpochSecond(), step.toSeconds());
    }

    public String generate(SecretBytes key) {
        return generateAt(key, clock.instant());
    }

    public String generateAt(SecretBytes key, Instant at) {
        return Hotp.generate(algorithm, key, timeStep(at), digits);
    }

    /**
     * Accepts a code from the current step or up to {@code driftSteps} steps either side (RFC 6238 §5.2) and
     * returns the matching step. The caller must refuse steps at or before the last one accepted for this key so
     * that a code works only once (RFC 6238 §5.2).
     */
    public OptionalLong verify(SecretBytes key, String candidate, int driftSteps) {
        if (driftSteps < 0 || driftSteps > 10) {
            throw new OtpFormatException("drift must be 0..10 steps");
        }
        long now = timeStep(clock.instant());
        long found = -1;
        for (long s = now - driftSteps; s <= now + driftSteps; s++) {
            if (Hotp.constantTimeEquals(Hotp.generate(algorithm, key, s, digits), candidate) && found < 0) {
                found = s;
            }
        }
        return found < 0 ? OptionalLong.empty() : OptionalLong.of(found);
    }

    public int digits() {
        return digits;
    }

    public Duration step() {
        return step;
    }
}
