package org.countersign.biometrics.liveness;

import java.time.Instant;
import java.util.List;

/**
 * Per-subject memory of the motion signatures of earlier submissions, accepted and refused alike, so that a
 * recording cannot be presented again even after re-encoding (X.1279 App. III item 4). The library does not own
 * storage: {@link InMemoryReplaySignatureStore} serves one process and tests; a server persists them.
 *
 * <p>Subjects are opaque keys chosen by the caller (the server uses its user id). Only signatures are stored: no
 * frame, template or landmark set.
 */
public interface ReplaySignatureStore {
    /** The signatures recorded for {@code subject} at or after {@code since}, newest first, at most {@code limit}. */
    List<MotionSignature> recent(String subject, Instant since, int limit);

    /** Records one more signature for {@code subject}. */
    void add(String subject, MotionSignature signature, Instant seenAt);
}
