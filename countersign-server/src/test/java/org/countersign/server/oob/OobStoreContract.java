package org.countersign.server.oob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.Sha256;
import org.countersign.server.oob.AuthenticatorRepository.Authenticator;
import org.countersign.server.oob.OobTransaction.ClaimedEnrolment;
import org.countersign.server.oob.OobTransaction.RelayState;
import org.countersign.server.oob.OobTransaction.UserRef;
import org.countersign.server.oob.RequestRepository.OobRequest;
import org.countersign.server.oob.RequestRepository.Status;
import org.countersign.server.oob.UserStateRepository.UserState;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OobStore} must do, run against PostgreSQL ({@link OobStoreContractJdbcTest}) and the in-memory
 * twin ({@link OobStoreContractMemoryTest}) so the twin the state-machine tests use cannot drift from the SQL.
 * Each test takes fresh users, so the PostgreSQL database is shared by the class.
 */
abstract class OobStoreContract {
    static final String T1 = "tenant-one";
    static final String T2 = "tenant-two";
    /** Microseconds, as timestamptz keeps them. */
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");
    private static final AtomicInteger IDS = new AtomicInteger();

    abstract OobStore store();

    /** A user that exists in both tenants (PostgreSQL: rows in {@code users}, which the oob tables reference). */
    abstract String newUser();

    /** Adds an unused registration code as {@code EnrolmentCodes.issue} does. */
    abstract void addEnrolmentCode(String enrolmentId, String tenantId, String userId, ByteArray hash, Instant expiresAt);

    private static String id(String prefix) {
        return prefix + "_" + String.format("%022d", IDS.incrementAndGet());
    }

    static OobRequest request(String requestId, String tenantId, String userId, Status status, Instant createdAt,
            Instant expiresAt) {
        ByteArray offset = ByteArray.copyOf(("offset-" + requestId).getBytes(StandardCharsets.UTF_8));
        return OobRequest.builder().requestId(requestId).tenantId(tenantId).userId(userId).offsetBytes(offset)
                .offsetHash(Sha256.of(offset)).codeSealed("sealed-" + requestId).digits(6).status(status)
                .createdAt(createdAt).windowStart(status == Status.PENDING ? Optional.of(createdAt) : Optional.empty())
                .expiresAt(expiresAt).build();
    }

    static Authenticator authenticator(String id, String tenantId, String userId, Instant createdAt) {
        return new Authenticator(id, tenantId, userId, "phone " + id, ByteArray.copyOf(new byte[] {1, 2, 3}),
                AuthenticatorRepository.Status.ACTIVE, createdAt, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private void inTx(java.util.function.Consumer<OobTransaction> work) {
        store().inTransaction(tx -> {
            work.accept(tx);
            return null;
        });
    }

    // --- user state and lock ---------------------------------------------------------------------------------------

    @Test
    void userStateIsCreatedOnceWithDefaultsAndMissingUsersAreNotLocked() {
        String u = newUser();
        var locked = store().inTransaction(tx -> tx.lockUser(T1, u));
        assertThat(locked).isEmpty();
        UserState created = store().inTransaction(tx -> tx.lockOrCreateUser(T1, u, T0));
        assertThat(created).isEqualTo(new UserState(T1, u, Optional.empty(), false, 0, Optional.empty()));
        inTx(tx -> tx.setVerificationKey(T1, u, Optional.of("sealed-key"), T0));
        // A second create keeps the row as it is.
        var state = store().inTransaction(tx -> tx.lockOrCreateUser(T1, u, T0)).verificationKeySealed();
        assertThat(state).contains("sealed-key");
        var user = store().read(tx -> tx.findUser(T2, u));
        assertThat(user).isEmpty();
    }

    @Test
    void userStateFieldsAreWrittenAndReadBack() {
        String u = newUser();
        inTx(tx -> {
            tx.lockOrCreateUser(T1, u, T0);
            tx.setVerificationKey(T1, u, Optional.of("k"), T0);
            tx.setPasswordLoginDisabled(T1, u, true, T0);
            tx.setRecoveryFailures(T1, u, 3, Optional.of(T0), T0);
        });
        var user = store().read(tx -> tx.findUser(T1, u));
        assertThat(user).contains(new UserState(T1, u, Optional.of("k"), true, 3, Optional.of(T0)));
        inTx(tx -> {
            tx.setVerificationKey(T1, u, Optional.empty(), T0);
            tx.setRecoveryFailures(T1, u, 0, Optional.empty(), T0);
        });
        var user2 = store().read(tx -> tx.findUser(T1, u));
        assertThat(user2).contains(new UserState(T1, u, Optional.empty(), true, 0, Optional.empty()));
    }

    @Test
    void aFailedUnitOfWorkLeavesNothingBehind() {
        String u = newUser();
        String r = id("req");
        assertThatThrownBy(() -> inTx(tx -> {
            tx.lockOrCreateUser(T1, u, T0);
            tx.insertRequest(request(r, T1, u, Status.PENDING, T0, T0.plusSeconds(60)));
            tx.insertAuthenticator(authenticator(id("auth"), T1, u, T0));
            throw OobFailure.requestPending();
        })).isInstanceOf(OobFailure.class);
        var user = store().read(tx -> tx.findUser(T1, u));
        assertThat(user).isEmpty();
        var request = store().read(tx -> tx.findRequest(T1, r));
        assertThat(request).isEmpty();
        var listed = store().read(tx -> tx.listAuthenticators(T1, u));
        assertThat(listed).isEmpty();
        // and the lock is free again: another unit of work takes it at once
        var state = store().inTransaction(tx -> tx.lockOrCreateUser(T1, u, T0));
        assertThat(state).isNotNull();
    }

    @Test
    void theUserLockSerialisesReadModifyWrite() throws Exception {
        String u = newUser();
        inTx(tx -> tx.lockOrCreateUser(T1, u, T0));
        int threads = 4;
        int rounds = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        inTx(tx -> {
                            int seen = tx.lockUser(T1, u).orElseThrow().recoveryFailures();
                            tx.setRecoveryFailures(T1, u, seen + 1, Optional.of(T0), T0);
                        });
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // Without the lock, two units of work would read the same count and one increment would be lost.
        var user = store().read(tx -> tx.findUser(T1, u)).orElseThrow().recoveryFailures();
        assertThat(user).isEqualTo(threads * rounds);
    }

    @Test
    void recoveryCodesAreUsedOnceAndReplacedAsAWhole() {
        String u = newUser();
        ByteArray a = Sha256.of(ByteArray.copyOf(new byte[] {1}));
        ByteArray b = Sha256.of(ByteArray.copyOf(new byte[] {2}));
        inTx(tx -> {
            tx.lockOrCreateUser(T1, u, T0);
            tx.replaceRecoveryCodes(T1, u, List.of(a, b));
        });
        var used = store().inTransaction(tx -> tx.useRecoveryCode(T1, u, a, T0));
        assertThat(used).isTrue();
        var used2 = store().inTransaction(tx -> tx.useRecoveryCode(T1, u, a, T0));
        assertThat(used2).isFalse();
        var used3 = store().inTransaction(tx -> tx.useRecoveryCode(T2, u, b, T0));
        assertThat(used3).isFalse();
        inTx(tx -> tx.replaceRecoveryCodes(T1, u, List.of()));
        var used4 = store().inTransaction(tx -> tx.useRecoveryCode(T1, u, b, T0));
        assertThat(used4).isFalse();
        inTx(tx -> tx.replaceRecoveryCodes(T1, u, List.of(a)));
        var used5 = store().inTransaction(tx -> tx.useRecoveryCode(T1, u, a, T0));
        assertThat(used5).isTrue();
    }

    // --- requests ----------------------------------------------------------------------------------------------------

    @Test
    void activeRequestsAreTheUsersQueuedAndPendingOnesOldestFirstThenById() {
        String u = newUser();
        String other = newUser();
        String early = id("req");
        String sameTimeB = id("req");
        String sameTimeA = "req_-" + sameTimeB.substring(5); // '-' sorts before the digits, byte-wise
        String ended = id("req");
        inTx(tx -> {
            tx.insertRequest(request(sameTimeB, T1, u, Status.QUEUED, T0.plusSeconds(2), T0.plusSeconds(300)));
            tx.insertRequest(request(sameTimeA, T1, u, Status.QUEUED, T0.plusSeconds(2), T0.plusSeconds(300)));
            tx.insertRequest(request(early, T1, u, Status.PENDING, T0, T0.plusSeconds(60)));
            tx.insertRequest(request(ended, T1, u, Status.PENDING, T0.minusSeconds(1), T0.plusSeconds(60)));
            tx.insertRequest(request(id("req"), T1, other, Status.PENDING, T0, T0.plusSeconds(60)));
            tx.insertRequest(request(id("req"), T2, u, Status.PENDING, T0, T0.plusSeconds(60)));
        });
        var finished = store().inTransaction(tx -> tx.finishRequest(T1, ended, Status.PENDING, Status.REJECTED, T0,
                Optional.empty(), Optional.empty()));
        assertThat(finished).isTrue();
        List<String> order = store().read(tx -> tx.activeRequests(T1, u)).stream().map(OobRequest::requestId).toList();
        assertThat(order).containsExactly(early, sameTimeA, sameTimeB);
    }

    @Test
    void requestsAreReadBackAsWrittenAndOnlyInTheirTenant() {
        String u = newUser();
        String r = id("req");
        OobRequest written = request(r, T1, u, Status.PENDING, T0, T0.plusSeconds(60));
        inTx(tx -> tx.insertRequest(written));
        var request = store().read(tx -> tx.findRequest(T1, r));
        assertThat(request).contains(written);
        var request2 = store().read(tx -> tx.findRequest(T2, r));
        assertThat(request2).isEmpty();
    }

    @Test
    void finishIsACompareAndSetOnStatus() {
        String u = newUser();
        String r = id("req");
        inTx(tx -> tx.insertRequest(request(r, T1, u, Status.PENDING, T0, T0.plusSeconds(60))));
        var finished = store().inTransaction(tx -> tx.finishRequest(T1, r, Status.QUEUED, Status.CANCELLED, T0,
                Optional.empty(), Optional.empty()));
        assertThat(finished).isFalse();
        var finished2 = store().inTransaction(tx -> tx.finishRequest(T2, r, Status.PENDING, Status.CANCELLED, T0,
                Optional.empty(), Optional.empty()));
        assertThat(finished2).isFalse();
        var finished3 = store().inTransaction(tx -> tx.finishRequest(T1, r, Status.PENDING, Status.APPROVED,
                T0.plusSeconds(5), Optional.of("auth_x"), Optional.of("sealed-password")));
        assertThat(finished3).isTrue();
        var finished4 = store().inTransaction(tx -> tx.finishRequest(T1, r, Status.PENDING, Status.REJECTED, T0,
                Optional.empty(), Optional.empty()));
        assertThat(finished4).isFalse();
        OobRequest after = store().read(tx -> tx.findRequest(T1, r)).orElseThrow();
        assertThat(after.status()).isEqualTo(Status.APPROVED);
        assertThat(after.decidedAt()).contains(T0.plusSeconds(5));
        assertThat(after.authenticatorId()).contains("auth_x");
        assertThat(after.replacementPasswordSealed()).contains("sealed-password");
    }

    @Test
    void promotionStartsTheWindowOfAQueuedRequestOnly() {
        String u = newUser();
        String queued = id("req");
        String pending = id("req");
        inTx(tx -> {
            tx.insertRequest(request(pending, T1, u, Status.PENDING, T0, T0.plusSeconds(60)));
            tx.insertRequest(request(queued, T1, u, Status.QUEUED, T0.plusSeconds(1), T0.plusSeconds(300)));
        });
        var promoted = store().inTransaction(tx -> tx.promoteRequest(T1, pending, T0.plusSeconds(9), T0.plusSeconds(99)));
        assertThat(promoted).isFalse();
        var promoted2 = store().inTransaction(tx -> tx.promoteRequest(T1, queued, T0.plusSeconds(10), T0.plusSeconds(70)));
        assertThat(promoted2).isTrue();
        OobRequest p = store().read(tx -> tx.findRequest(T1, queued)).orElseThrow();
        assertThat(p.status()).isEqualTo(Status.PENDING);
        assertThat(p.windowStart()).contains(T0.plusSeconds(10));
        assertThat(p.expiresAt()).isEqualTo(T0.plusSeconds(70));
        var request = store().read(tx -> tx.findRequest(T1, pending)).orElseThrow().expiresAt();
        assertThat(request).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void theReplacementPasswordIsHandedOutOnce() {
        String u = newUser();
        String r = id("req");
        inTx(tx -> {
            tx.insertRequest(request(r, T1, u, Status.PENDING, T0, T0.plusSeconds(60)));
            tx.finishRequest(T1, r, Status.PENDING, Status.APPROVED, T0, Optional.of("auth_x"), Optional.of("sealed-pw"));
        });
        var password = store().read(tx -> tx.takeReplacementPassword(T2, r));
        assertThat(password).isEmpty();
        var password2 = store().read(tx -> tx.takeReplacementPassword(T1, r));
        assertThat(password2).contains("sealed-pw");
        var password3 = store().read(tx -> tx.takeReplacementPassword(T1, r));
        assertThat(password3).isEmpty();
        var request = store().read(tx -> tx.findRequest(T1, r)).orElseThrow().replacementPasswordSealed();
        assertThat(request).isEmpty();
    }

    @Test
    void overdueUsersAreThoseWithAnActiveRequestPastItsDeadline() {
        String late = newUser();
        String onTime = newUser();
        String decided = newUser();
        Instant now = T0.plus(java.time.Duration.ofDays(3650)); // later than anything other tests wrote
        inTx(tx -> {
            tx.insertRequest(request(id("req"), T1, late, Status.PENDING, now.minusSeconds(90), now.minusSeconds(30)));
            tx.insertRequest(request(id("req"), T1, late, Status.QUEUED, now.minusSeconds(80), now));
            tx.insertRequest(request(id("req"), T1, onTime, Status.PENDING, now, now.plusSeconds(60)));
            String r = id("req");
            tx.insertRequest(request(r, T1, decided, Status.PENDING, now.minusSeconds(90), now.minusSeconds(30)));
            tx.finishRequest(T1, r, Status.PENDING, Status.APPROVED, now.minusSeconds(60), Optional.empty(), Optional.empty());
        });
        List<UserRef> overdue = store().read(tx -> tx.usersWithOverdue(now, 10_000));
        assertThat(overdue).contains(new UserRef(T1, late)).doesNotContain(new UserRef(T1, onTime), new UserRef(T1, decided));
        assertThat(overdue.stream().filter(x -> x.userId().equals(late)).count()).isEqualTo(1);
    }

    // --- authenticators ------------------------------------------------------------------------------------------------

    @Test
    void authenticatorsAreListedOldestFirstAndScopedByTenantAndUser() {
        String u = newUser();
        String first = id("auth");
        String second = id("auth");
        inTx(tx -> {
            tx.insertAuthenticator(authenticator(second, T1, u, T0.plusSeconds(5)));
            tx.insertAuthenticator(authenticator(first, T1, u, T0));
        });
        var listed = store().read(tx -> tx.listAuthenticators(T1, u));
        assertThat(listed).extracting(Authenticator::authenticatorId)
                .containsExactly(first, second);
        var listed2 = store().read(tx -> tx.listAuthenticators(T2, u));
        assertThat(listed2).isEmpty();
        var authenticator = store().read(tx -> tx.findAuthenticator(T2, u, first));
        assertThat(authenticator).isEmpty();
        var authenticator2 = store().read(tx -> tx.findAuthenticatorById(first));
        assertThat(authenticator2).contains(authenticator(first, T1, u, T0));
        var activeCount = store().read(tx -> tx.countActiveAuthenticators(T1, u));
        assertThat(activeCount).isEqualTo(2);
        var renamed = store().read(tx -> tx.renameAuthenticator(T1, u, first, "new name"));
        assertThat(renamed).isTrue();
        var renamed2 = store().read(tx -> tx.renameAuthenticator(T2, u, first, "other tenant"));
        assertThat(renamed2).isFalse();
        var authenticator3 = store().read(tx -> tx.findAuthenticator(T1, u, first)).orElseThrow().deviceName();
        assertThat(authenticator3).isEqualTo("new name");
        inTx(tx -> tx.touchAuthenticator(T1, first, T0.plusSeconds(30)));
        var authenticator4 = store().read(tx -> tx.findAuthenticator(T1, u, first)).orElseThrow().lastUsedAt();
        assertThat(authenticator4).contains(T0.plusSeconds(30));
    }

    @Test
    void revocationIsACompareAndSetAndRevokeAllNamesWhatItRevoked() {
        String u = newUser();
        String a = id("auth");
        String b = id("auth");
        String c = id("auth");
        inTx(tx -> {
            tx.insertAuthenticator(authenticator(a, T1, u, T0));
            tx.insertAuthenticator(authenticator(b, T1, u, T0.plusSeconds(1)));
            tx.insertAuthenticator(authenticator(c, T1, u, T0.plusSeconds(2)));
        });
        var revoked = store().read(tx -> tx.revokeAuthenticator(T2, u, a, T0));
        assertThat(revoked).isFalse();
        var revoked2 = store().read(tx -> tx.revokeAuthenticator(T1, u, a, T0.plusSeconds(3)));
        assertThat(revoked2).isTrue();
        var revoked3 = store().read(tx -> tx.revokeAuthenticator(T1, u, a, T0.plusSeconds(4)));
        assertThat(revoked3).isFalse();
        Authenticator afterRevoke = store().read(tx -> tx.findAuthenticatorById(a)).orElseThrow();
        assertThat(afterRevoke.active()).isFalse();
        assertThat(afterRevoke.revokedAt()).contains(T0.plusSeconds(3));
        var revokedIds = store().inTransaction(tx -> tx.revokeAllAuthenticators(T1, u, T0.plusSeconds(5)));
        assertThat(revokedIds).containsExactlyInAnyOrder(b, c);
        var activeCount = store().read(tx -> tx.countActiveAuthenticators(T1, u));
        assertThat(activeCount).isZero();
    }

    @Test
    void pinFailuresCountUpRevokeAtTheLimitAndResetOnSuccess() {
        String u = newUser();
        String a = id("auth");
        inTx(tx -> tx.insertAuthenticator(authenticator(a, T1, u, T0)));
        var failures = store().read(tx -> tx.recordPinFailure(a, 3, T0));
        assertThat(failures).isEqualTo(1);
        var failures2 = store().read(tx -> tx.recordPinFailure(a, 3, T0));
        assertThat(failures2).isEqualTo(2);
        inTx(tx -> tx.resetPinFailures(a));
        var failures3 = store().read(tx -> tx.recordPinFailure(a, 3, T0));
        assertThat(failures3).isEqualTo(1);
        var failures4 = store().read(tx -> tx.recordPinFailure(a, 3, T0));
        assertThat(failures4).isEqualTo(2);
        var failures5 = store().read(tx -> tx.recordPinFailure(a, 3, T0.plusSeconds(7)));
        assertThat(failures5).isEqualTo(3);
        Authenticator locked = store().read(tx -> tx.findAuthenticatorById(a)).orElseThrow();
        assertThat(locked.active()).isFalse();
        assertThat(locked.revokedAt()).contains(T0.plusSeconds(7));
        // A revoked or unknown authenticator answers the limit, so the caller reports it locked.
        var failures6 = store().read(tx -> tx.recordPinFailure(a, 3, T0));
        assertThat(failures6).isEqualTo(3);
        var failures7 = store().read(tx -> tx.recordPinFailure(id("auth"), 3, T0));
        assertThat(failures7).isEqualTo(3);
    }

    // --- settings, enrolment codes, relay ----------------------------------------------------------------------------

    @Test
    void settingsDefaultUntilSavedAndSavingReplaces() {
        String tenant = T1;
        OobSettings queue = new OobSettings(8, 90, "queue", true, 900);
        OobSettings block = new OobSettings(6, 30, "block", false, 600);
        inTx(tx -> tx.saveSettings(tenant, queue));
        var settings = store().read(tx -> tx.settings(tenant));
        assertThat(settings).isEqualTo(queue);
        inTx(tx -> tx.saveSettings(tenant, block));
        var settings2 = store().read(tx -> tx.settings(tenant));
        assertThat(settings2).isEqualTo(block);
        var settings3 = store().read(tx -> tx.settings(T2));
        assertThat(settings3).isEqualTo(OobSettings.DEFAULTS);
    }

    @Test
    void aRegistrationCodeIsClaimedOnceAndNotAfterItExpires() {
        String u = newUser();
        ByteArray live = EnrolmentCodes.hashOf("LIVECODE" + IDS.incrementAndGet());
        ByteArray old = EnrolmentCodes.hashOf("OLDCODE" + IDS.incrementAndGet());
        String enrolment = id("enr");
        addEnrolmentCode(enrolment, T1, u, live, T0.plusSeconds(600));
        addEnrolmentCode(id("enr"), T1, u, old, T0.plusSeconds(10));
        var claimed = store().inTransaction(tx -> tx.claimEnrolmentCode(old, T0.plusSeconds(10)));
        assertThat(claimed).isEmpty();
        var claimed2 = store().inTransaction(tx -> tx.claimEnrolmentCode(live, T0));
        assertThat(claimed2).contains(new ClaimedEnrolment(enrolment, T1, u));
        var claimed3 = store().inTransaction(tx -> tx.claimEnrolmentCode(live, T0));
        assertThat(claimed3).isEmpty();
    }

    @Test
    void relayStateIsKeptPerRequestAndTenant() {
        String u = newUser();
        String r = id("req");
        inTx(tx -> {
            tx.insertRequest(request(r, T1, u, Status.PENDING, T0, T0.plusSeconds(60)));
            tx.insertRelay(T1, r, RelayGuard.WEBAUTHN_BOUND);
        });
        var relay = store().read(tx -> tx.relayState(T1, r));
        assertThat(relay).contains(new RelayState(RelayGuard.WEBAUTHN_BOUND, Optional.empty(), Optional.empty(), Optional.empty()));
        var relay2 = store().read(tx -> tx.relayState(T2, r));
        assertThat(relay2).isEmpty();
        inTx(tx -> tx.recordRelayDecision(T1, r, "198.51.100.7", Optional.of("{\"verdict\":\"same\"}")));
        RelayState s = store().read(tx -> tx.relayState(T1, r)).orElseThrow();
        assertThat(s.authenticatorAddress()).contains("198.51.100.7");
        assertThat(s.networkCheckJson()).contains("{\"verdict\":\"same\"}");
        assertThat(s.bound()).isFalse();
    }

    @Test
    void aTerminalIsBoundOnceAndOnlyInItsTenant() {
        String u = newUser();
        String r = id("req");
        inTx(tx -> {
            tx.insertRequest(request(r, T1, u, Status.PENDING, T0, T0.plusSeconds(60)));
            tx.insertRelay(T1, r, RelayGuard.WEBAUTHN_BOUND);
        });
        boolean otherTenant = store().inTransaction(tx -> tx.bindTerminal(T2, r, T0, "cred-1"));
        assertThat(otherTenant).isFalse();
        boolean first = store().inTransaction(tx -> tx.bindTerminal(T1, r, T0.plusSeconds(1), "cred-1"));
        assertThat(first).isTrue();
        boolean second = store().inTransaction(tx -> tx.bindTerminal(T1, r, T0.plusSeconds(2), "cred-2"));
        assertThat(second).isFalse();
        RelayState s = store().read(tx -> tx.relayState(T1, r)).orElseThrow();
        assertThat(s.boundAt()).contains(T0.plusSeconds(1));
        assertThat(s.mode()).isEqualTo(RelayGuard.WEBAUTHN_BOUND);
    }
}
