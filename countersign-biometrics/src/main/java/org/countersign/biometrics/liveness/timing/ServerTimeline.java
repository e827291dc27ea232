package org.countersign.biometrics.liveness.timing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Puts frames on the server's clock. Frames arrive in batches; the server notes when each batch arrived. A frame
 * cannot have been taken after its batch arrived, so the client clock is anchored by the smallest (arrival − client
 * time of the batch's last frame) over all batches, and every frame's server time is its client time plus that
 * offset, never later than its own batch's arrival. Client timestamps thus only place frames between receipts: a
 * client that stretches them cannot move a frame past the arrival of the batch that carried it.
 */
public final class ServerTimeline {
    /** One frame: its batch's server arrival and the client's capture time in milliseconds. */
    public record Stamp(Instant batchReceivedAt, long clientMillis) {
        public Stamp {
            Objects.requireNonNull(batchReceivedAt, "batchReceivedAt");
        }
    }

    private ServerTimeline() {}

    /** Server times of the frames, in the order given (frames in capture order, batches in arrival order). */
    public static List<Instant> place(List<Stamp> stamps) {
        long offset = offsetMillis(stamps);
        List<Instant> out = new ArrayList<>();
        for (Stamp s : stamps) {
            long t = Math.min(s.clientMillis() + offset, s.batchReceivedAt().toEpochMilli());
            out.add(Instant.ofEpochMilli(t));
        }
        return out;
    }

    /** Server epoch milliseconds minus client milliseconds, the smallest over the batches' last frames. */
    public static long offsetMillis(List<Stamp> stamps) {
        long offset = Long.MAX_VALUE;
        for (int i = 0; i < stamps.size(); i++) {
            boolean lastOfBatch = i == stamps.size() - 1
                    || !stamps.get(i + 1).batchReceivedAt().equals(stamps.get(i).batchReceivedAt());
            if (lastOfBatch) {
                offset = Math.min(offset, stamps.get(i).batchReceivedAt().toEpochMilli() - stamps.get(i).clientMillis());
            }
        }
        return offset == Long.MAX_VALUE ? 0 : offset;
    }
}
