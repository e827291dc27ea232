package org.countersign.server.oob;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.Sha256;
import org.countersign.server.oob.EnrolmentCodeStore.FailureScope;
import org.countersign.server.oob.EnrolmentCodeStore.Target;

/**
 * The registration information of X.1280 §8.1 steps 6–11: a one-time code of 12 Crockford base32 symbols
 * (60 random bits). Only its SHA-256 is stored, with its first {@value #PREFIX} symbols in clear; it is single use
 * and expires.
 *
 * <p>Guessing (D-1) is bounded without letting one client lock out everyone who shares its address (a proxy or NAT):
 * a wrong code whose first symbols match an open enrolment is charged to that enrolment and its user;
 * {@value #MAX_FAILURES} such failures lock the enrolment and {@value #MAX_USER_FAILURES} lock all the user's
 * enrolments, even for the right code, until the oldest leaves {@link #WINDOW}. A wrong code that matches no open
 * enrolment could never have succeeded; it is charged to the address, which after {@value #MAX_FAILURES} of them is
 * refused further blind guesses, and an address with {@value #MAX_ADDRESS_FAILURES} charged failures (one sweeping
 * many enrolments) is refused everything. The right code of an enrolment nobody attacked always works.
 *
 * <p>The rows are kept by an {@link EnrolmentCodeStore}; the rules above are here, whatever keeps them.
 */
final class EnrolmentCodes {
    static final int LENGTH = 12;
    static final int MAX_FAILURES = 5;
    static final int MAX_USER_FAILURES = 10;
    static final int MAX_ADDRESS_FAILURES = 20;
    static final int PREFIX = 4;
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final String DOMAIN = "countersign-oob-enrolment-code-v1";

    record Issued(String enrolmentId, String code, Instant expiresAt) {
        String displayCode() {
            return Crockford.grouped(code, 4);
        }
    }

    private final EnrolmentCodeStore store;
    private final SecureRandom random;
    private final Clock clock;

    EnrolmentCodes(EnrolmentCodeStore store, SecureRandom random, Clock clock) {
        this.store = store;
        this.random = random;
        this.clock = clock;
    }

    Issued issue(String tenantId, String userId, Duration validity) {
        String code = Crockford.random(LENGTH, random);
        String id = Ids.enrolment(random);
        Instant now = clock.instant();
        Instant expires = now.plus(validity);
        store.insert(new EnrolmentCodeStore.NewCode(id, tenantId, userId, hash(code), code.substring(0, PREFIX), now,
                expires));
        return new Issued(id, code, expires);
    }

    /** Open enrolments whose code starts like the typed one; empty for a code that cannot be right. */
    List<Target> targets(String typed) {
        Optional<String> canonical = Crockford.normalise(typed, LENGTH);
        if (canonical.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        return store.openWithPrefix(canonical.get().substring(0, PREFIX), now, 8);
    }

    /** A refusal before the code is looked at: how long to wait and what is locked. */
    record Lock(long retryAfterSeconds, String scope) {}

    /** Whether this attempt is refused by a lock, checked before the code itself. */
    Optional<Lock> lock(String clientIp, List<Target> targets) {
        Instant now = clock.instant();
        if (targets.isEmpty()) {
            return seconds(new FailureScope.BlindFrom(clientIp), MAX_FAILURES, now)
                    .map(s -> new Lock(s, "from this address"));
        }
        Optional<Long> address = seconds(new FailureScope.ChargedFrom(clientIp), MAX_ADDRESS_FAILURES, now);
        if (address.isPresent()) {
            return Optional.of(new Lock(address.get(), "from this address"));
        }
        for (Target t : targets) {
            Optional<Long> enrolment = seconds(new FailureScope.OfEnrolment(t.enrolmentId()), MAX_FAILURES, now);
            if (enrolment.isPresent()) {
                return Optional.of(new Lock(enrolment.get(), "for this enrolment"));
            }
            Optional<Long> user = seconds(new FailureScope.OfUser(t.tenantId(), t.userId()), MAX_USER_FAILURES, now);
            if (user.isPresent()) {
                return Optional.of(new Lock(user.get(), "for this user"));
            }
        }
        return Optional.empty();
    }

    private Optional<Long> seconds(FailureScope scope, int max, Instant now) {
        List<Instant> failures = store.failuresSince(scope, now.minus(WINDOW), max);
        if (failures.size() < max) {
            return Optional.empty();
        }
        // Unlocked once the oldest of the last `max` failures leaves the window.
        Instant unlock = failures.get(max - 1).plus(WINDOW);
        return Optional.of(Math.max(1, Duration.between(now, unlock).toSeconds() + 1));
    }

    /** Charges a wrong code to the enrolments it aimed at, or to the address alone when it aimed at none. */
    void recordFailure(String clientIp, List<Target> targets) {
        Instant now = clock.instant();
        if (targets.isEmpty()) {
            store.recordFailure(clientIp, Optional.empty(), now);
            return;
        }
        for (Target t : targets) {
            store.recordFailure(clientIp, Optional.of(t), now);
        }
    }

    /** Consumes a typed code inside the caller's transaction: empty when unknown, used or expired. */
    static Optional<OobTransaction.ClaimedEnrolment> claim(OobTransaction tx, String typed, Instant now) {
        Optional<String> canonical = Crockford.normalise(typed, LENGTH);
        if (canonical.isEmpty()) {
            return Optional.empty();
        }
        return tx.claimEnrolmentCode(hash(canonical.get()), now);
    }

    /** The stored hash of a canonical code (tests seed the in-memory twin with it). */
    static ByteArray hashOf(String canonicalCode) {
        return hash(canonicalCode);
    }

    void purge(Instant now) {
        store.purgeFailures(now.minus(WINDOW));
    }

    private static ByteArray hash(String canonicalCode) {
        return Sha256.labelled(DOMAIN, canonicalCode);
    }
}
