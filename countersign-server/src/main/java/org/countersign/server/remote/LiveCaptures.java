package org.countersign.server.remote;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.countersign.biometrics.liveness.timing.PromptTiming;
import org.countersign.biometrics.liveness.timing.ScreenLightCheck;
import org.countersign.core.bytes.ByteArray;

/**
 * Live captures under way, in this node's memory only: the frames received so far (raw frames never reach the
 * database, A-S6), the server receipt time of each batch and the prompts sent with their server times. A live
 * capture must therefore stay on one node (sticky sessions by session id). Entries are dropped when the capture is
 * judged, and entries older than their challenge are purged on the next batch.
 */
final class LiveCaptures {
    /** One received frame with its batch's server arrival time. */
    record Received(Messages.FrameInfo info, ByteArray bytes, Instant batchReceivedAt) {}

    static final class State {
        final String challengeId;
        final Instant expiresAt;
        final List<ScreenLightCheck.Colour> colours;
        final int flashMillis;
        final List<Received> frames = new ArrayList<>();
        final List<PromptTiming.Prompt> prompts = new ArrayList<>();
        Long flashStartMillis;
        int batches;

        State(String challengeId, Instant expiresAt, List<ScreenLightCheck.Colour> colours, int flashMillis) {
            this.challengeId = challengeId;
            this.expiresAt = expiresAt;
            this.colours = List.copyOf(colours);
            this.flashMillis = flashMillis;
        }
    }

    private final Map<String, State> live = new ConcurrentHashMap<>();

    State open(String challengeId, Instant expiresAt, List<ScreenLightCheck.Colour> colours, int flashMillis) {
        State s = new State(challengeId, expiresAt, colours, flashMillis);
        live.put(challengeId, s);
        return s;
    }

    Optional<State> find(String challengeId) {
        return Optional.ofNullable(live.get(challengeId));
    }

    Optional<State> take(String challengeId) {
        return Optional.ofNullable(live.remove(challengeId));
    }

    void purge(Instant now, Duration grace) {
        live.values().removeIf(s -> now.isAfter(s.expiresAt.plus(grace)));
    }
}
