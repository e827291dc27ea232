package org.countersign.biometrics.liveness;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/**
 * Issues liveness challenges: a random choice of distinct actions in a random order and a fresh nonce. An
 * attacker who cannot predict the actions or their order cannot prepare a matching recording in advance
 * (X.1279 App. III items 1 and 4). How many actions to ask for is the caller's risk decision (X.1279 7.3.5), but
 * never fewer than {@link LivenessChallenge#MINIMUM_ACTIONS}, and every challenge holds at least one head action
 * (NOD or SHAKE) so that the 3-D check always has parallax to demand.
 */
public final class ChallengeFactory {
    /** Nonce length in bytes (256 bits). */
    public static final int NONCE_BYTES = 32;

    private final SecureRandom random;
    private final Clock clock;

    public ChallengeFactory(SecureRandom random, Clock clock) {
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A challenge of {@code actionCount} distinct actions in random order, at least one of them a head action.
     *
     * @throws IllegalArgumentException when the count is outside {@link LivenessChallenge#MINIMUM_ACTIONS}–4 or
     *                                  the time limit is not positive
     */
    public LivenessChallenge issue(int actionCount, Duration timeLimit) {
        Action[] all = Action.values();
        if (actionCount < LivenessChallenge.MINIMUM_ACTIONS || actionCount > all.length) {
            throw new IllegalArgumentException("action count must lie in " + LivenessChallenge.MINIMUM_ACTIONS
                    + ".." + all.length + ": " + actionCount);
        }
        // Fisher-Yates shuffle; the first actionCount entries are a uniform random ordered selection.
        List<Action> pool = new ArrayList<>(Arrays.asList(all));
        for (int i = pool.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Action t = pool.get(i);
            pool.set(i, pool.get(j));
            pool.set(j, t);
        }
        List<Action> chosen = new ArrayList<>(pool.subList(0, actionCount));
        if (chosen.stream().noneMatch(ChallengeFactory::isHeadAction)) {
            // Swap a random drawn action for a random head action (both head actions are still in the pool's tail).
            Action head = random.nextBoolean() ? Action.NOD : Action.SHAKE;
            chosen.set(random.nextInt(actionCount), head);
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return new LivenessChallenge(chosen, timeLimit, ByteArray.copyOf(nonce), clock.instant());
    }

    static boolean isHeadAction(Action a) {
        return a == Action.NOD || a == Action.SHAKE;
    }
}
