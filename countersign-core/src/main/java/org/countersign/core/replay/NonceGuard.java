package org.countersign.core.replay;

import java.time.Instant;
import org.countersign.core.bytes.ByteArray;

/**
 * Remembers nonces until they expire so each is accepted once (A-G3). Implementations: {@link InMemoryNonceGuard}
 * for one node; the server keeps a persistent one in its store for several nodes.
 */
public interface NonceGuard {

    enum Outcome {
        /** First use before expiry: go ahead. */
        ACCEPTED,
        /** Seen before: a replay. */
        REPLAYED,
        /** The nonce's expiry has passed. */
        EXPIRED,
        /** No room to remember it; refused so that a flood cannot make replays pass. */
        CAPACITY_EXCEEDED
    }

    /** Atomically checks that {@code nonce} is unused and not expired, and records it until {@code expiresAt}. */
    Outcome consume(ByteArray nonce, Instant expiresAt);

    /** Convenience for server challenges. */
    default Outcome consume(Challenge challenge) {
        return consume(challenge.value(), challenge.expiresAt());
    }
}
