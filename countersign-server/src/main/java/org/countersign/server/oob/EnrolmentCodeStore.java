package org.countersign.server.oob;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;

/**
 * Storage of the X.1280 §8.1 registration information and of wrong guesses at it (D-1). What a code is, and when
 * guesses lock, is {@link EnrolmentCodes}; this port only keeps rows. The single-use claim of a code belongs to the
 * enrolment's unit of work and is {@link OobTransaction#claimEnrolmentCode}.
 */
public interface EnrolmentCodeStore {

    /** An unused registration code: only its hash, and its first symbols in clear so wrong guesses find their target. */
    record NewCode(String enrolmentId, String tenantId, String userId, ByteArray codeHash, String codePrefix,
            Instant createdAt, Instant expiresAt) {}

    /** An open enrolment a typed code aims at (same first symbols). */
    record Target(String enrolmentId, String tenantId, String userId) {}

    /** Whose wrong guesses are counted together. */
    sealed interface FailureScope {
        /** Guesses from an address that aimed at no open enrolment (they could never have been right). */
        record BlindFrom(String clientIp) implements FailureScope {}

        /** Guesses from an address that were charged to some enrolment (one address sweeping many). */
        record ChargedFrom(String clientIp) implements FailureScope {}

        record OfEnrolment(String enrolmentId) implements FailureScope {}

        record OfUser(String tenantId, String userId) implements FailureScope {}
    }

    void insert(NewCode code);

    /** Unused, unexpired enrolments whose code starts with {@code codePrefix}; at most {@code limit}. */
    List<Target> openWithPrefix(String codePrefix, Instant now, int limit);

    /** Counts one wrong code from {@code clientIp}, charged to {@code target} if it aimed at one. */
    void recordFailure(String clientIp, Optional<Target> target, Instant at);

    /** Times of the scope's failures after {@code since}, newest first, at most {@code limit}. */
    List<Instant> failuresSince(FailureScope scope, Instant since, int limit);

    /** Forgets failures from before {@code before}. */
    void purgeFailures(Instant before);
}
