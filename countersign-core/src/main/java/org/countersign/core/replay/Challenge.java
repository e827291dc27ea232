package org.countersign.core.replay;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/**
 * A single-use server challenge (A-G3, X.1279 §9.4 freshness): 32 random bytes with an issue and expiry time. The
 * server stores it, the client echoes or signs it, and a {@link NonceGuard} makes sure it is redeemed once.
 *
 * @param value     32 random bytes
 * @param issuedAt  when the server issued it
 * @param expiresAt after this instant it is refused
 */
public record Challenge(ByteArray value, Instant issuedAt, Instant expiresAt) {

    public static final int LENGTH = 32;

    public Challenge {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (value.length() != LENGTH) {
            throw new IllegalArgumentException("challenge must be 32 bytes");
        }
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("challenge must expire after it is issued");
        }
    }

    public static Challenge issue(SecureRandom random, Clock clock, Duration lifetime) {
        byte[] b = new byte[LENGTH];
        random.nextBytes(b);
        Instant now = clock.instant();
        return new Challenge(ByteArray.copyOf(b), now, now.plus(lifetime));
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
