package org.countersign.server.oob;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.oob.ApprovalStatement;
import org.countersign.core.oob.Offset;
import org.countersign.core.oob.ServerAuthCode;
import org.countersign.server.local.LocalMessages.WebAuthnRequestOptions;
import org.countersign.server.oob.AuthenticatorRepository.Authenticator;
import org.countersign.server.oob.OobEvents.Event;
import org.countersign.server.oob.OobEvents.Kind;
import org.countersign.server.oob.OutOfBandService.RequestCreated;
import org.countersign.server.oob.RequestRepository.OobRequest;
import org.countersign.server.oob.RequestRepository.Status;
import org.countersign.server.oob.UserStateRepository.UserState;

/**
 * The X.1280 request state machine (§8.2–§8.5, §9.2), each step one unit of work on the {@link OobStore} port:
 * what {@link OutOfBandService} runs inside a transaction, without the checks made before it (signatures,
 * freshness, tenant state) or the audit records written after it. Every step that touches a user's requests first
 * takes the user's lock, so steps of one user never interleave, on one node or many.
 *
 * <pre>
 *   create ──► pending ──► approved | rejected | codes_differ   (decide, first answer wins)
 *      │          ├──────► cancelled                           (cancel, release)
 *      │          └──────► expired                             (settle, once the window has passed)
 *      └─► queued (C-S4 queue policy) ──► pending when it reaches the front; expired or cancelled before that
 * </pre>
 */
final class OobRequestFlow {
    /** How long a queued request may wait for the front of the queue (C-S4) before it expires unseen. */
    static final Duration QUEUE_MAX_WAIT = Duration.ofMinutes(5);

    private final VerificationKeys keys;
    private final PasswordRenewal passwords;
    private final SecureRandom random;

    OobRequestFlow(VerificationKeys keys, PasswordRenewal passwords, SecureRandom random) {
        this.keys = keys;
        this.passwords = passwords;
        this.random = random;
    }

    /** What creating a request came to: a request, or a refusal to audit and throw once the transaction is over. */
    sealed interface Outcome permits Created, Blocked {}

    record Created(RequestCreated created) implements Outcome {}

    record Blocked(OobFailure why) implements Outcome {}

    /**
     * §8.2 step 3 and §8.3 steps 1–2 for a validated offset: refused without an enrolled authenticator; under the
     * user's lock, overdue requests end first; then C-S4 (§9.2.4) blocks or queues it behind a shown code.
     */
    Outcome create(OobTransaction tx, String tenantId, String userId, Offset offset, OobSettings s, String mode,
            Optional<WebAuthnRequestOptions> webauthn, Instant now) {
        // The user's row lock serialises this with every other change to the user's requests, on any node.
        Optional<UserState> state = tx.lockUser(tenantId, userId);
        if (state.isEmpty() || state.get().verificationKeySealed().isEmpty()
                || tx.countActiveAuthenticators(tenantId, userId) == 0) {
            return new Blocked(OobFailure.noAuthenticator());
        }
        settle(tx, tenantId, userId, now, s);
        // §9.2.4 (C-S4): while a code is shown, a new request is blocked or queued, so a false request from
        // another terminal (§9.1.5) cannot appear beside the user's own.
        int ahead = tx.activeRequests(tenantId, userId).size();
        if (ahead > 0 && s.policy() == RequestPolicy.BLOCK) {
            return new Blocked(OobFailure.requestPending());
        }
        // §8.3 step 1: the code is OCRA over the offset hash with the user's verification key.
        SecretBytes key = keys.openKey(tenantId, userId, state.get().verificationKeySealed().get());
        ServerAuthCode code = ServerAuthCode.compute(key, offset, s.codeDigits());
        String requestId = Ids.request(random);
        Status status = ahead == 0 ? Status.PENDING : Status.QUEUED;
        Instant expires = status == Status.PENDING ? now.plusSeconds(s.validitySeconds()) : now.plus(QUEUE_MAX_WAIT);
        tx.insertRequest(OobRequest.builder().requestId(requestId).tenantId(tenantId).userId(userId)
                .offsetBytes(offset.encode()).offsetHash(code.offsetHash())
                .codeSealed(keys.sealText(tenantId, requestId, VerificationKeys.REQUEST_CODE, code.value()))
                .digits(s.codeDigits()).status(status).createdAt(now)
                .windowStart(status == Status.PENDING ? Optional.of(now) : Optional.empty()).expiresAt(expires)
                .queuePosition(ahead).build());
        tx.insertRelay(tenantId, requestId, mode);
        if (status == Status.PENDING) {
            // §8.3 step 5: the offset goes to the user's authenticators (pushed once this transaction commits).
            tx.announce(new Event(Kind.REQUEST, tenantId, userId, requestId, status.wire()));
        }
        return new Created(new RequestCreated(requestId, status,
                status == Status.PENDING ? Optional.of(code.value()) : Optional.empty(), s.codeDigits(), expires,
                s.validitySeconds(), ahead, RelayMode.ofWire(mode), webauthn));
    }

    /**
     * Ends overdue requests and moves the queue (C-S4) for one user. Runs under the user's row lock; announces
     * every change so streams and waiting polls on all nodes learn of it.
     */
    void settle(OobTransaction tx, String tenantId, String userId, Instant now, OobSettings s) {
        boolean shown = false;
        OobRequest nextQueued = null;
        for (OobRequest r : tx.activeRequests(tenantId, userId)) {
            if (!r.expiresAt().isAfter(now)) {
                // §8.3: a code is valid only within its window; after that it can no longer be approved.
                if (tx.finishRequest(tenantId, r.requestId(), r.status(), Status.EXPIRED, r.expiresAt(),
                        Optional.empty(), Optional.empty())) {
                    tx.announce(new Event(Kind.RESOLVED, tenantId, userId, r.requestId(), Status.EXPIRED.wire()));
                }
            } else if (r.status() == Status.PENDING) {
                shown = true;
            } else if (nextQueued == null) {
                nextQueued = r;
            }
        }
        if (!shown && nextQueued != null) {
            // §9.2.4 queue: the next request's code and window start only now, when it reaches the authenticator.
            tx.promoteRequest(tenantId, nextQueued.requestId(), now, now.plusSeconds(s.validitySeconds()));
            tx.announce(new Event(Kind.REQUEST, tenantId, userId, nextQueued.requestId(), Status.PENDING.wire()));
        }
    }

    /** {@link #settle} for a user who may have no state row (then there is nothing to settle). */
    void settleIfKnown(OobTransaction tx, String tenantId, String userId, Instant now, OobSettings s) {
        if (tx.lockUser(tenantId, userId).isPresent()) {
            settle(tx, tenantId, userId, now, s);
        }
    }

    /**
     * §8.4–§8.5 step 3 once the signatures are checked: under the user's lock, the authenticator is still active,
     * the request is the same user's, pending and in its window, and offset hash and code are its own. The first
     * valid answer wins (compare-and-set from pending); a replayed or late answer finds it decided.
     */
    void decide(OobTransaction tx, Authenticator a, String requestId, ApprovalStatement statement, Status decided,
            OobSettings s, Instant now, String callerIp, Optional<String> networkCheckJson) {
        tx.lockUser(a.tenantId(), a.userId());
        // Re-read under the lock: wrong PINs sent in parallel may have locked the authenticator meanwhile.
        if (!tx.findAuthenticatorById(a.authenticatorId()).map(Authenticator::active).orElse(false)) {
            throw OobFailure.authenticatorRevoked();
        }
        OobRequest current = tx.findRequest(a.tenantId(), requestId).orElseThrow(() -> OobFailure.notFound("request"));
        if (!current.userId().equals(a.userId())) {
            // Another user's phone (same tenant) cannot answer this user's request.
            throw OobFailure.authenticatorMismatch();
        }
        if (current.status() == Status.PENDING && !current.expiresAt().isAfter(now)) {
            throw OobFailure.requestExpired();
        }
        switch (current.status()) {
            case PENDING -> { }
            case QUEUED -> throw OobFailure.notPending();
            case EXPIRED -> throw OobFailure.requestExpired();
            default -> throw OobFailure.alreadyDecided(current.status().wire());
        }
        if (!current.offsetHash().constantTimeEquals(statement.offsetHash())) {
            throw OobFailure.offsetMismatch("offsetHash");
        }
        String expected = keys.openText(a.tenantId(), requestId, VerificationKeys.REQUEST_CODE, current.codeSealed());
        if (!new ServerAuthCode(expected, current.offsetHash()).matches(statement.code())) {
            throw OobFailure.offsetMismatch("code");
        }
        if (decided == Status.APPROVED) {
            RelayGuard.requireBoundForApproval(tx, a.tenantId(), requestId);
        }
        tx.recordRelayDecision(a.tenantId(), requestId, callerIp, networkCheckJson);
        // C-S5 (Annex A step 2): after an approved login the password becomes a random complex value, handed
        // to the RP once with the result.
        Optional<String> replacement = decided == Status.APPROVED && s.passwordRenewal()
                ? Optional.of(keys.sealText(a.tenantId(), requestId, VerificationKeys.REPLACEMENT_PASSWORD, passwords.next()))
                : Optional.empty();
        if (!tx.finishRequest(a.tenantId(), requestId, Status.PENDING, decided, now, Optional.of(a.authenticatorId()),
                replacement)) {
            throw OobFailure.alreadyDecided("decided");
        }
        tx.touchAuthenticator(a.tenantId(), a.authenticatorId(), now);
        tx.resetPinFailures(a.authenticatorId());
        // §8.5 step 4: the result reaches the RP (its long-poll wakes) and the other devices drop the request.
        tx.announce(new Event(Kind.RESOLVED, a.tenantId(), a.userId(), requestId, decided.wire()));
        settle(tx, a.tenantId(), a.userId(), now, s);
    }

    /**
     * The RP withdraws a request: true if this call cancelled it, false if it was cancelled already; a request
     * that ended otherwise stays as it is (refused). The next queued request, if any, comes to the front.
     */
    boolean cancel(OobTransaction tx, String tenantId, String userId, String requestId, Instant now, OobSettings s) {
        tx.lockUser(tenantId, userId);
        settle(tx, tenantId, userId, now, s);
        OobRequest current = tx.findRequest(tenantId, requestId).orElseThrow(() -> OobFailure.notFound("request"));
        if (current.status() == Status.CANCELLED) {
            return false;
        }
        if (!current.status().active()) {
            throw OobFailure.alreadyDecided(current.status().wire());
        }
        if (!tx.finishRequest(tenantId, requestId, current.status(), Status.CANCELLED, now, Optional.empty(),
                Optional.empty())) {
            // Cannot happen under the user's lock; if it ever did, the other change won and this one must not claim it.
            throw OobFailure.alreadyDecided("decided");
        }
        tx.announce(new Event(Kind.RESOLVED, tenantId, userId, requestId, Status.CANCELLED.wire()));
        settle(tx, tenantId, userId, now, s);
        return true;
    }

    /**
     * §9.2.2 (C-S2) release under the user's lock: every authenticator revoked, open requests cancelled, the
     * verification key and recovery codes deleted, password login enabled again. Returns how many were revoked.
     */
    int release(OobTransaction tx, String tenantId, String userId, Instant now) {
        if (tx.lockUser(tenantId, userId).isEmpty()) {
            return 0;
        }
        List<String> revoked = tx.revokeAllAuthenticators(tenantId, userId, now);
        for (OobRequest r : tx.activeRequests(tenantId, userId)) {
            if (tx.finishRequest(tenantId, r.requestId(), r.status(), Status.CANCELLED, now, Optional.empty(),
                    Optional.empty())) {
                tx.announce(new Event(Kind.RESOLVED, tenantId, userId, r.requestId(), Status.CANCELLED.wire()));
            }
        }
        tx.setVerificationKey(tenantId, userId, Optional.empty(), now);
        tx.replaceRecoveryCodes(tenantId, userId, List.of());
        tx.setPasswordLoginDisabled(tenantId, userId, false, now);
        tx.setRecoveryFailures(tenantId, userId, 0, Optional.empty(), now);
        for (String id : revoked) {
            tx.announce(new Event(Kind.REVOKED, tenantId, userId, id, "revoked"));
        }
        return revoked.size();
    }

    sealed interface RecoveryOutcome permits Recovered, WrongCode, Locked {}

    record Recovered(int revoked) implements RecoveryOutcome {}

    record WrongCode() implements RecoveryOutcome {}

    record Locked(long retryAfterSeconds) implements RecoveryOutcome {}

    /**
     * §9.2.2 with a recovery code (C-S2): each code works once; {@value RecoveryCodes#MAX_FAILURES} wrong codes
     * within {@link RecoveryCodes#WINDOW} of the first lock recovery, even for a right code, until the window ends.
     */
    RecoveryOutcome recover(OobTransaction tx, String tenantId, String userId, String typedCode, Instant now) {
        Optional<UserState> state = tx.lockUser(tenantId, userId);
        if (state.isEmpty()) {
            return new WrongCode();
        }
        UserState st = state.get();
        boolean windowOpen = st.recoveryWindowStart().map(t -> t.plus(RecoveryCodes.WINDOW).isAfter(now)).orElse(false);
        if (windowOpen && st.recoveryFailures() >= RecoveryCodes.MAX_FAILURES) {
            Instant unlock = st.recoveryWindowStart().get().plus(RecoveryCodes.WINDOW);
            return new Locked(Math.max(1, Duration.between(now, unlock).toSeconds() + 1));
        }
        Optional<ByteArray> hash = RecoveryCodes.hashOfTyped(tenantId, userId, typedCode);
        if (hash.isPresent() && tx.useRecoveryCode(tenantId, userId, hash.get(), now)) {
            return new Recovered(release(tx, tenantId, userId, now));
        }
        if (windowOpen) {
            tx.setRecoveryFailures(tenantId, userId, st.recoveryFailures() + 1, st.recoveryWindowStart(), now);
        } else {
            tx.setRecoveryFailures(tenantId, userId, 1, Optional.of(now), now);
        }
        return new WrongCode();
    }

    /**
     * §9.2.1 (C-S1): turning password login off needs an active authenticator (false otherwise), so nobody is
     * locked out; turning it on for a user without state changes nothing.
     */
    boolean setPasswordLoginDisabled(OobTransaction tx, String tenantId, String userId, boolean disabled, Instant now) {
        if (!disabled && tx.lockUser(tenantId, userId).isEmpty()) {
            return true;
        }
        if (disabled && tx.countActiveAuthenticators(tenantId, userId) == 0) {
            return false;
        }
        tx.lockOrCreateUser(tenantId, userId, now);
        tx.setPasswordLoginDisabled(tenantId, userId, disabled, now);
        return true;
    }
}
