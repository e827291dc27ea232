package org.countersign.server.oob.memory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.oob.AuthenticatorRepository.Authenticator;
import org.countersign.server.oob.AuthenticatorRepository;
import org.countersign.server.oob.EnrolmentCodeStore;
import org.countersign.server.oob.OobEvents.Event;
import org.countersign.server.oob.OobSettings;
import org.countersign.server.oob.OobStore;
import org.countersign.server.oob.OobTransaction;
import org.countersign.server.oob.OobTransaction.RelayState;
import org.countersign.server.oob.RequestRepository.OobRequest;
import org.countersign.server.oob.RequestRepository.Status;
import org.countersign.server.oob.UserStateRepository.UserState;

/**
 * {@link OobStore} in memory, with the semantics the service relies on from PostgreSQL:
 * <ul>
 *   <li><b>User lock</b>: {@link OobTransaction#lockUser} takes a per-user lock held until the transaction ends, like
 *       {@code select … for update}; a user without a state row is not locked (nothing to lock), and
 *       {@link OobTransaction#lockOrCreateUser} locks before it creates.</li>
 *   <li><b>Rollback</b>: every write is undone from an undo log if the unit of work throws.</li>
 *   <li><b>Compare-and-set</b>: conditional changes check the current value and report whether they applied.</li>
 *   <li><b>Announcements</b> are kept per transaction and delivered only after commit; a rollback drops them.</li>
 *   <li><b>Order</b> of active requests: creation time, then request id in code-point order (the test databases use
 *       the {@code C} collation, where text sorts by bytes).</li>
 *   <li><b>Time</b> is kept to the microsecond, as {@code timestamptz} keeps it.</li>
 * </ul>
 * One difference stays: a write is visible to other threads before its transaction commits (PostgreSQL shows them
 * the last committed value). The flow decides only under the user's lock, where both give the same answer.
 *
 * <p>A transaction opened while the same thread is already in one is refused: on PostgreSQL it would take a second
 * connection and could wait for ever on the first one's row locks.
 */
public final class MemoryOobStore implements OobStore {
    private static final long LOCK_WAIT_SECONDS = 30;

    private record UserKey(String tenantId, String userId) {}

    private record RecoveryCode(ByteArray hash, Optional<Instant> usedAt) {}

    private record AuthenticatorRow(Authenticator authenticator, int pinFailures) {}

    private record Enrolment(String enrolmentId, String tenantId, String userId, ByteArray hash, String codePrefix,
            Instant expiresAt, Optional<Instant> usedAt) {}

    private record Relay(String tenantId, RelayState state) {}

    private final ReentrantLock data = new ReentrantLock();
    private final Map<UserKey, UserState> users = new HashMap<>();
    private final Map<UserKey, List<RecoveryCode>> recoveryCodes = new HashMap<>();
    private final Map<String, OobRequest> requests = new LinkedHashMap<>();
    private final Map<String, AuthenticatorRow> authenticators = new LinkedHashMap<>();
    private final Map<String, OobSettings> settings = new HashMap<>();
    private final Map<ByteArray, Enrolment> enrolments = new HashMap<>();
    private final Map<String, Relay> relays = new HashMap<>();
    private final Map<UserKey, ReentrantLock> userLocks = new ConcurrentHashMap<>();
    private final ThreadLocal<Tx> current = new ThreadLocal<>();
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    private final List<Event> announced = new CopyOnWriteArrayList<>();

    @Override
    public <T> T inTransaction(OobWork<T> work) {
        if (current.get() != null) {
            throw new IllegalStateException("nested transaction on one thread: PostgreSQL would take a second"
                    + " connection, which can wait for ever on the first one's row locks");
        }
        Tx tx = new Tx(true);
        current.set(tx);
        try {
            T result = work.run(tx);
            tx.commit();
            return result;
        } catch (RuntimeException | Error e) {
            tx.rollback();
            throw e;
        } finally {
            tx.releaseLocks();
            current.remove();
        }
    }

    @Override
    public <T> T read(OobWork<T> work) {
        return work.run(new Tx(false));
    }

    /** Calls {@code listener} with every announcement once its transaction has committed. */
    public void onAnnouncement(Consumer<Event> listener) {
        listeners.add(listener);
    }

    /** Every announcement committed so far, in order. */
    public List<Event> announced() {
        return List.copyOf(announced);
    }

    /** Adds an unused registration code, as {@code EnrolmentCodes.issue} would (tests only). */
    public void addEnrolmentCode(String enrolmentId, String tenantId, String userId, ByteArray codeHash,
            Instant expiresAt) {
        addEnrolmentCode(enrolmentId, tenantId, userId, codeHash, "", expiresAt);
    }

    /**
     * Adds an unused registration code with the first symbols kept in clear ({@link MemoryEnrolmentCodeStore}): the
     * codes table is one, shared by the enrolment port and this store's single-use claim.
     */
    public void addEnrolmentCode(String enrolmentId, String tenantId, String userId, ByteArray codeHash,
            String codePrefix, Instant expiresAt) {
        update(() -> enrolments.put(codeHash, new Enrolment(enrolmentId, tenantId, userId, codeHash, codePrefix,
                micros(expiresAt), Optional.empty())));
    }

    /** Unused, unexpired registration codes starting with {@code codePrefix}, in enrolment id order. */
    public List<EnrolmentCodeStore.Target> openEnrolments(String codePrefix, Instant now, int limit) {
        return query(() -> enrolments.values().stream()
                .filter(e -> e.codePrefix().equals(codePrefix) && e.usedAt().isEmpty() && e.expiresAt().isAfter(now))
                .sorted(Comparator.comparing(Enrolment::enrolmentId))
                .map(e -> new EnrolmentCodeStore.Target(e.enrolmentId(), e.tenantId(), e.userId()))
                .limit(limit).toList());
    }

    /** Whether some thread holds the user's lock now (tests of lock release). */
    public boolean userLocked(String tenantId, String userId) {
        ReentrantLock l = userLocks.get(new UserKey(tenantId, userId));
        return l != null && l.isLocked();
    }

    /** Whether some thread waits for the user's lock now (tests that force an interleaving). */
    public boolean someoneWaitsForUser(String tenantId, String userId) {
        ReentrantLock l = userLocks.get(new UserKey(tenantId, userId));
        return l != null && l.hasQueuedThreads();
    }

    private void update(Runnable r) {
        data.lock();
        try {
            r.run();
        } finally {
            data.unlock();
        }
    }

    private <T> T query(Supplier<T> s) {
        data.lock();
        try {
            return s.get();
        } finally {
            data.unlock();
        }
    }

    private static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    private static Optional<Instant> micros(Optional<Instant> t) {
        return t.map(MemoryOobStore::micros);
    }

    private static OobRequest micros(OobRequest r) {
        return r.toBuilder().createdAt(micros(r.createdAt())).windowStart(micros(r.windowStart()))
                .expiresAt(micros(r.expiresAt())).decidedAt(micros(r.decidedAt())).build();
    }

    private final class Tx implements OobTransaction {
        private final boolean transactional;
        private final Deque<Runnable> undo = new ArrayDeque<>();
        private final List<Event> pending = new ArrayList<>();
        private final Set<ReentrantLock> held = new LinkedHashSet<>();

        Tx(boolean transactional) {
            this.transactional = transactional;
        }

        void commit() {
            undo.clear();
            for (Event e : pending) {
                announced.add(e);
                listeners.forEach(l -> l.accept(e));
            }
            pending.clear();
        }

        void rollback() {
            update(() -> {
                while (!undo.isEmpty()) {
                    undo.pop().run();
                }
            });
            pending.clear();
        }

        void releaseLocks() {
            for (ReentrantLock l : held) {
                while (l.isHeldByCurrentThread()) {
                    l.unlock();
                }
            }
            held.clear();
        }

        /** Writes {@code value} under {@code key}, remembering the old value for a rollback. */
        private <K, V> void put(Map<K, V> map, K key, V value) {
            V old = map.get(key);
            boolean had = map.containsKey(key);
            if (value == null) {
                map.remove(key);
            } else {
                map.put(key, value);
            }
            if (transactional) {
                undo.push(() -> {
                    if (had) {
                        map.put(key, old);
                    } else {
                        map.remove(key);
                    }
                });
            }
        }

        private void lock(UserKey key) {
            if (!transactional) {
                throw new IllegalStateException("the user's lock is taken only inside a transaction");
            }
            ReentrantLock l = userLocks.computeIfAbsent(key, k -> new ReentrantLock());
            if (l.isHeldByCurrentThread()) {
                return;
            }
            try {
                if (!l.tryLock(LOCK_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("user lock not free after " + LOCK_WAIT_SECONDS + " s: " + key);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the user's lock", e);
            }
            held.add(l);
        }

        // --- user state -----------------------------------------------------------------------------------------

        @Override
        public Optional<UserState> findUser(String tenantId, String userId) {
            return query(() -> Optional.ofNullable(users.get(new UserKey(tenantId, userId))));
        }

        @Override
        public Optional<UserState> lockUser(String tenantId, String userId) {
            UserKey key = new UserKey(tenantId, userId);
            if (findUser(tenantId, userId).isEmpty()) {
                return Optional.empty(); // no row, nothing locked
            }
            lock(key);
            return findUser(tenantId, userId); // re-read once the lock is ours, as for update does
        }

        @Override
        public UserState lockOrCreateUser(String tenantId, String userId, Instant now) {
            UserKey key = new UserKey(tenantId, userId);
            lock(key);
            return query(() -> {
                UserState s = users.get(key);
                if (s == null) {
                    s = new UserState(tenantId, userId, Optional.empty(), false, 0, Optional.empty());
                    put(users, key, s);
                }
                return s;
            });
        }

        private void updateUser(String tenantId, String userId, UnaryOperator<UserState> change) {
            UserKey key = new UserKey(tenantId, userId);
            update(() -> {
                UserState s = users.get(key);
                if (s != null) { // an update of a missing row changes nothing
                    put(users, key, change.apply(s));
                }
            });
        }

        @Override
        public void setVerificationKey(String tenantId, String userId, Optional<String> sealed, Instant now) {
            updateUser(tenantId, userId, s -> new UserState(s.tenantId(), s.userId(), sealed, s.passwordLoginDisabled(),
                    s.recoveryFailures(), s.recoveryWindowStart()));
        }

        @Override
        public void setPasswordLoginDisabled(String tenantId, String userId, boolean disabled, Instant now) {
            updateUser(tenantId, userId, s -> new UserState(s.tenantId(), s.userId(), s.verificationKeySealed(), disabled,
                    s.recoveryFailures(), s.recoveryWindowStart()));
        }

        @Override
        public void setRecoveryFailures(String tenantId, String userId, int failures, Optional<Instant> windowStart,
                Instant now) {
            updateUser(tenantId, userId, s -> new UserState(s.tenantId(), s.userId(), s.verificationKeySealed(),
                    s.passwordLoginDisabled(), failures, micros(windowStart)));
        }

        @Override
        public void replaceRecoveryCodes(String tenantId, String userId, List<ByteArray> hashes) {
            UserKey key = new UserKey(tenantId, userId);
            update(() -> {
                if (!users.containsKey(key) && !hashes.isEmpty()) {
                    // oob_recovery_codes references oob_user_state
                    throw new IllegalStateException("recovery codes for a user without state: " + key);
                }
                List<RecoveryCode> codes = hashes.stream().map(h -> new RecoveryCode(h, Optional.<Instant>empty())).toList();
                put(recoveryCodes, key, codes.isEmpty() ? null : codes);
            });
        }

        @Override
        public boolean useRecoveryCode(String tenantId, String userId, ByteArray hash, Instant now) {
            UserKey key = new UserKey(tenantId, userId);
            return query(() -> {
                List<RecoveryCode> codes = recoveryCodes.getOrDefault(key, List.of());
                List<RecoveryCode> next = new ArrayList<>(codes);
                for (int i = 0; i < next.size(); i++) {
                    RecoveryCode c = next.get(i);
                    if (c.hash().equals(hash) && c.usedAt().isEmpty()) {
                        next.set(i, new RecoveryCode(c.hash(), Optional.of(micros(now))));
                        put(recoveryCodes, key, List.copyOf(next));
                        return true;
                    }
                }
                return false;
            });
        }

        // --- requests -------------------------------------------------------------------------------------------

        @Override
        public void insertRequest(OobRequest r) {
            update(() -> {
                if (requests.containsKey(r.requestId())) {
                    throw new IllegalStateException("duplicate request id " + r.requestId());
                }
                // As the insert statement does: not decided yet, no authenticator, no replacement password.
                put(requests, r.requestId(), micros(r.toBuilder().decidedAt(Optional.empty())
                        .authenticatorId(Optional.empty()).replacementPasswordSealed(Optional.empty()).build()));
            });
        }

        @Override
        public Optional<OobRequest> findRequest(String tenantId, String requestId) {
            return query(() -> Optional.ofNullable(requests.get(requestId)).filter(r -> r.tenantId().equals(tenantId)));
        }

        @Override
        public List<OobRequest> activeRequests(String tenantId, String userId) {
            return query(() -> requests.values().stream()
                    .filter(r -> r.tenantId().equals(tenantId) && r.userId().equals(userId) && r.status().active())
                    .sorted(Comparator.comparing(OobRequest::createdAt).thenComparing(OobRequest::requestId))
                    .toList());
        }

        @Override
        public List<UserRef> usersWithOverdue(Instant now, int limit) {
            return query(() -> requests.values().stream()
                    .filter(r -> r.status().active() && !r.expiresAt().isAfter(now))
                    .map(r -> new UserRef(r.tenantId(), r.userId())).distinct().limit(limit).toList());
        }

        @Override
        public boolean finishRequest(String tenantId, String requestId,
                Status from,
                Status to, Instant decidedAt,
                Optional<String> authenticatorId, Optional<String> replacementSealed) {
            return query(() -> {
                OobRequest r = requests.get(requestId);
                if (r == null || !r.tenantId().equals(tenantId) || r.status() != from) {
                    return false;
                }
                put(requests, requestId, r.toBuilder().status(to).decidedAt(Optional.of(micros(decidedAt)))
                        .authenticatorId(authenticatorId).replacementPasswordSealed(replacementSealed).build());
                return true;
            });
        }

        @Override
        public boolean promoteRequest(String tenantId, String requestId, Instant now, Instant expiresAt) {
            return query(() -> {
                OobRequest r = requests.get(requestId);
                if (r == null || !r.tenantId().equals(tenantId)
                        || r.status() != Status.QUEUED) {
                    return false;
                }
                put(requests, requestId, r.toBuilder().status(Status.PENDING).windowStart(Optional.of(micros(now)))
                        .expiresAt(micros(expiresAt)).build());
                return true;
            });
        }

        @Override
        public Optional<String> takeReplacementPassword(String tenantId, String requestId) {
            return query(() -> {
                OobRequest r = requests.get(requestId);
                if (r == null || !r.tenantId().equals(tenantId) || r.replacementPasswordSealed().isEmpty()) {
                    return Optional.<String>empty();
                }
                put(requests, requestId, r.toBuilder().replacementPasswordSealed(Optional.empty()).build());
                return r.replacementPasswordSealed();
            });
        }

        // --- authenticators -------------------------------------------------------------------------------------

        @Override
        public void insertAuthenticator(Authenticator a) {
            update(() -> {
                if (authenticators.containsKey(a.authenticatorId())) {
                    throw new IllegalStateException("duplicate authenticator id " + a.authenticatorId());
                }
                // As the insert statement does: active, never used, not revoked.
                put(authenticators, a.authenticatorId(), new AuthenticatorRow(new Authenticator(a.authenticatorId(),
                        a.tenantId(), a.userId(), a.deviceName(), a.publicKeySpki(), AuthenticatorRepository.Status.ACTIVE, micros(a.createdAt()),
                        Optional.empty(), Optional.empty(), a.approvalKeySpki()), 0));
            });
        }

        @Override
        public Optional<Authenticator> findAuthenticatorById(String authenticatorId) {
            return query(() -> Optional.ofNullable(authenticators.get(authenticatorId)).map(AuthenticatorRow::authenticator));
        }

        @Override
        public Optional<Authenticator> findAuthenticator(String tenantId, String userId, String authenticatorId) {
            return findAuthenticatorById(authenticatorId)
                    .filter(a -> a.tenantId().equals(tenantId) && a.userId().equals(userId));
        }

        @Override
        public List<Authenticator> listAuthenticators(String tenantId, String userId) {
            return query(() -> authenticators.values().stream().map(AuthenticatorRow::authenticator)
                    .filter(a -> a.tenantId().equals(tenantId) && a.userId().equals(userId))
                    .sorted(Comparator.comparing(Authenticator::createdAt).thenComparing(Authenticator::authenticatorId))
                    .toList());
        }

        @Override
        public int countActiveAuthenticators(String tenantId, String userId) {
            return (int) listAuthenticators(tenantId, userId).stream().filter(Authenticator::active).count();
        }

        private boolean changeAuthenticator(String authenticatorId, Predicate<Authenticator> where,
                UnaryOperator<AuthenticatorRow> change) {
            return query(() -> {
                AuthenticatorRow row = authenticators.get(authenticatorId);
                if (row == null || !where.test(row.authenticator())) {
                    return false;
                }
                put(authenticators, authenticatorId, change.apply(row));
                return true;
            });
        }

        private static Authenticator with(Authenticator a, String deviceName,
                AuthenticatorRepository.Status status, Optional<Instant> lastUsed,
                Optional<Instant> revokedAt) {
            return new Authenticator(a.authenticatorId(), a.tenantId(), a.userId(), deviceName, a.publicKeySpki(), status,
                    a.createdAt(), lastUsed, revokedAt, a.approvalKeySpki());
        }

        @Override
        public boolean renameAuthenticator(String tenantId, String userId, String authenticatorId, String deviceName) {
            return changeAuthenticator(authenticatorId, a -> a.tenantId().equals(tenantId) && a.userId().equals(userId),
                    row -> new AuthenticatorRow(with(row.authenticator(), deviceName, row.authenticator().status(),
                            row.authenticator().lastUsedAt(), row.authenticator().revokedAt()), row.pinFailures()));
        }

        @Override
        public boolean revokeAuthenticator(String tenantId, String userId, String authenticatorId, Instant now) {
            return changeAuthenticator(authenticatorId,
                    a -> a.tenantId().equals(tenantId) && a.userId().equals(userId) && a.active(),
                    row -> new AuthenticatorRow(with(row.authenticator(), row.authenticator().deviceName(), AuthenticatorRepository.Status.REVOKED,
                            row.authenticator().lastUsedAt(), Optional.of(micros(now))), row.pinFailures()));
        }

        @Override
        public List<String> revokeAllAuthenticators(String tenantId, String userId, Instant now) {
            return query(() -> {
                List<String> ids = new ArrayList<>();
                for (Authenticator a : listAuthenticators(tenantId, userId)) {
                    if (revokeAuthenticator(tenantId, userId, a.authenticatorId(), now)) {
                        ids.add(a.authenticatorId());
                    }
                }
                return ids;
            });
        }

        @Override
        public int recordPinFailure(String authenticatorId, int max, Instant now) {
            return query(() -> {
                AuthenticatorRow row = authenticators.get(authenticatorId);
                if (row == null || !row.authenticator().active()) {
                    return max;
                }
                int failures = row.pinFailures() + 1;
                Authenticator a = row.authenticator();
                put(authenticators, authenticatorId, new AuthenticatorRow(failures >= max
                        ? with(a, a.deviceName(), AuthenticatorRepository.Status.REVOKED, a.lastUsedAt(), Optional.of(micros(now))) : a, failures));
                return failures;
            });
        }

        @Override
        public void resetPinFailures(String authenticatorId) {
            changeAuthenticator(authenticatorId, a -> true, row -> new AuthenticatorRow(row.authenticator(), 0));
        }

        @Override
        public void touchAuthenticator(String tenantId, String authenticatorId, Instant now) {
            changeAuthenticator(authenticatorId, a -> a.tenantId().equals(tenantId),
                    row -> new AuthenticatorRow(with(row.authenticator(), row.authenticator().deviceName(),
                            row.authenticator().status(), Optional.of(micros(now)), row.authenticator().revokedAt()),
                            row.pinFailures()));
        }

        // --- settings, enrolment codes, relay -------------------------------------------------------------------

        @Override
        public OobSettings settings(String tenantId) {
            return query(() -> settings.getOrDefault(tenantId, OobSettings.DEFAULTS));
        }

        @Override
        public void saveSettings(String tenantId, OobSettings s) {
            update(() -> put(settings, tenantId, s));
        }

        @Override
        public Optional<ClaimedEnrolment> claimEnrolmentCode(ByteArray codeHash, Instant now) {
            return query(() -> {
                Enrolment e = enrolments.get(codeHash);
                if (e == null || e.usedAt().isPresent() || !e.expiresAt().isAfter(now)) {
                    return Optional.<ClaimedEnrolment>empty();
                }
                put(enrolments, codeHash, new Enrolment(e.enrolmentId(), e.tenantId(), e.userId(), e.hash(),
                        e.codePrefix(), e.expiresAt(), Optional.of(micros(now))));
                return Optional.of(new ClaimedEnrolment(e.enrolmentId(), e.tenantId(), e.userId()));
            });
        }

        @Override
        public void insertRelay(String tenantId, String requestId, String mode) {
            update(() -> {
                if (!requests.containsKey(requestId) || relays.containsKey(requestId)) {
                    // oob_request_relay: primary key request_id, which references oob_requests
                    throw new IllegalStateException("relay row for a missing request or twice: " + requestId);
                }
                put(relays, requestId, new Relay(tenantId,
                        new RelayState(mode, Optional.empty(), Optional.empty(), Optional.empty())));
            });
        }

        @Override
        public Optional<RelayState> relayState(String tenantId, String requestId) {
            return query(() -> Optional.ofNullable(relays.get(requestId)).filter(r -> r.tenantId().equals(tenantId))
                    .map(Relay::state));
        }

        @Override
        public void recordRelayDecision(String tenantId, String requestId, String authenticatorAddress,
                Optional<String> networkCheckJson) {
            update(() -> {
                Relay r = relays.get(requestId);
                if (r != null && r.tenantId().equals(tenantId)) {
                    put(relays, requestId, new Relay(tenantId, new RelayState(r.state().mode(), r.state().boundAt(),
                            Optional.ofNullable(authenticatorAddress), networkCheckJson)));
                }
            });
        }

        @Override
        public boolean bindTerminal(String tenantId, String requestId, Instant boundAt, String credentialId) {
            // The credential id is kept by PostgreSQL for the record only; the port never reads it back.
            return query(() -> {
                Relay r = relays.get(requestId);
                if (r == null || !r.tenantId().equals(tenantId) || r.state().bound()) {
                    return false;
                }
                put(relays, requestId, new Relay(tenantId, new RelayState(r.state().mode(),
                        Optional.of(micros(boundAt)), r.state().authenticatorAddress(), r.state().networkCheckJson())));
                return true;
            });
        }

        // --- announcements --------------------------------------------------------------------------------------

        @Override
        public void announce(Event e) {
            if (transactional) {
                pending.add(e);
            } else {
                announced.add(e);
                listeners.forEach(l -> l.accept(e));
            }
        }
    }

}
