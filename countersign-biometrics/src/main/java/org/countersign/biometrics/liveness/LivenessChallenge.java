package org.countersign.biometrics.liveness;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/**
 * What the server asked for: the actions in the order they must be performed, how long the capture may last,
 * a fresh nonce binding the capture to this request, and when it was issued (X.1279 7.3.2; replay protection with
 * nonce and timestamp, X.1279 9, A-G3).
 *
 * @param actions   distinct actions, in the required order; the judge refuses a challenge with fewer than
 *                  {@link #MINIMUM_ACTIONS}
 * @param timeLimit longest capture, counted from the challenge start; also the judge's clock bound with a grace
 * @param nonce     unpredictable bytes chosen by the server for this challenge only
 * @param issuedAt  server time at issue
 */
public record LivenessChallenge(List<Action> actions, Duration timeLimit, ByteArray nonce, Instant issuedAt) {
    /**
     * The floor of actions for every remote registration and authentication. Policy can ask for more, never fewer:
     * with no action a held photo passes every passive check that a live still face passes. The target is 2 (one
     * action is often performed by chance, a spontaneous blink); it stays at 1 while the end-to-end suites have
     * real captures of one action per person only — see docs/liveness.md "Floor of actions".
     */
    public static final int MINIMUM_ACTIONS = 1;

    public LivenessChallenge {
        actions = List.copyOf(actions);
        Objects.requireNonNull(timeLimit, "timeLimit");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(issuedAt, "issuedAt");
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("time limit must be positive: " + timeLimit);
        }
        if (actions.stream().distinct().count() != actions.size()) {
            throw new IllegalArgumentException("actions must be distinct: " + actions);
        }
        if (nonce.length() < 16) {
            throw new IllegalArgumentException("nonce must hold at least 16 bytes");
        }
    }

    /** The instant after which no capture for this challenge can be complete. */
    public Instant expiresAt() {
        return issuedAt.plus(timeLimit);
    }
}
