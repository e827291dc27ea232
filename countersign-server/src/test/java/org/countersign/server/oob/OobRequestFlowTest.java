package org.countersign.server.oob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.keys.EnvMasterKeyProvider;
import org.countersign.core.keys.KeyService;
import org.countersign.core.oob.ApprovalStatement;
import org.countersign.core.oob.ApprovalStatement.Decision;
import org.countersign.core.oob.Offset;
import org.countersign.core.oob.ServerAuthCode;
import org.countersign.server.oob.AuthenticatorRepository.Authenticator;
import org.countersign.server.oob.OobEvents.Event;
import org.countersign.server.oob.OobEvents.Kind;
import org.countersign.server.oob.OobFailure.Reason;
import org.countersign.server.oob.OobRequestFlow.Blocked;
import org.countersign.server.oob.OobRequestFlow.Created;
import org.countersign.server.oob.OobRequestFlow.Locked;
import org.countersign.server.oob.OobRequestFlow.Outcome;
import org.countersign.server.oob.OobRequestFlow.Recovered;
import org.countersign.server.oob.OobRequestFlow.WrongCode;
import org.countersign.server.oob.OutOfBandService.RequestCreated;
import org.countersign.server.oob.RequestRepository.OobRequest;
import org.countersign.server.oob.RequestRepository.Status;
import org.countersign.server.oob.UserStateRepository.UserState;
import org.countersign.server.oob.memory.MemoryDataKeyStore;
import org.countersign.server.oob.memory.MemoryOobStore;
import org.countersign.testkit.TestClock;
import org.junit.jupiter.api.Test;

/**
 * The X.1280 request state machine ({@link OobRequestFlow}) on the in-memory store with a hand-moved clock: no
 * database, no server, each test in milliseconds. The same rules seen through HTTP and PostgreSQL are in
 * {@code OobFlowTest} and {@code OobHardeningTest}; the store itself is held to PostgreSQL's behaviour by
 * {@link OobStoreContract}.
 */
class OobRequestFlowTest {
    private static final String TENANT = "bank";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final OobSettings BLOCK = OobSettings.DEFAULTS; // 6 digits, 60 s, block
    private static final OobSettings QUEUE = new OobSettings(6, 60, "queue", false, 600);
    private static final OobSettings RENEW = new OobSettings(6, 60, "block", true, 600);

    private final SecureRandom random = new SecureRandom();
    private final TestClock clock = TestClock.frozenAt(T0);
    private final MemoryOobStore store = new MemoryOobStore();
    private final VerificationKeys keys = new VerificationKeys(new KeyService(
            new EnvMasterKeyProvider(ByteArray.copyOf(new byte[32]).toBase64(), "mk-test0001"), new MemoryDataKeyStore(), random, clock),
            random);
    private final OobRequestFlow flow = new OobRequestFlow(keys, new PasswordRenewal(random), random);
    private int sessions;

    /** An enrolled user: the verification key (§8.1 step 12) and one active authenticator. */
    private record Enrolled(String userId, SecretBytes key, Authenticator phone) {}

    private Enrolled enrol(String userId) {
        SecretBytes key = keys.newKey();
        Authenticator phone = new Authenticator(Ids.authenticator(random), TENANT, userId, "phone", ByteArray.copyOf(
                new byte[] {1}), AuthenticatorRepository.Status.ACTIVE, clock.instant(), Optional.empty(), Optional.empty(),
                Optional.empty());
        store.inTransaction(tx -> {
            tx.lockOrCreateUser(TENANT, userId, clock.instant());
            tx.setVerificationKey(TENANT, userId, Optional.of(keys.sealKey(TENANT, userId, key)), clock.instant());
            tx.insertAuthenticator(phone);
            return null;
        });
        return new Enrolled(userId, key, phone);
    }

    /** §8.2: what the RP reports about the terminal and the login, at the current time. */
    private Offset offset(String userId) {
        sessions++;
        return new Offset("203.0.113.10", "session-" + sessions, "198.51.100.20", Optional.empty(), "Firefox", "128.0",
                userId, clock.instant());
    }

    private Outcome tryCreate(String userId, OobSettings s, String mode) {
        Offset o = offset(userId);
        Instant now = clock.instant();
        return store.inTransaction(tx -> flow.create(tx, TENANT, userId, o, s, mode, Optional.empty(), now));
    }

    private RequestCreated create(Enrolled u, OobSettings s) {
        Outcome outcome = tryCreate(u.userId(), s, RelayGuard.PLAIN);
        assertThat(outcome).isInstanceOf(Created.class);
        return ((Created) outcome).created();
    }

    private OobRequest stored(String requestId) {
        return store.read(tx -> tx.findRequest(TENANT, requestId)).orElseThrow();
    }

    /** The statement the phone signs (§8.5 step 1) with the code the user saw on the phone. */
    private ApprovalStatement statement(String requestId, String code, Decision decision) {
        return new ApprovalStatement(requestId, stored(requestId).offsetHash(), code, decision, clock.instant());
    }

    /** The code the phone computes from the offset it was sent (§8.3 step 6). */
    private String phoneCode(Enrolled u, String requestId) {
        return ServerAuthCode.compute(u.key(), Offset.decode(stored(requestId).offsetBytes()), 6).value();
    }

    private void decide(Enrolled u, Authenticator phone, String requestId, Decision decision, OobSettings s) {
        ApprovalStatement st = statement(requestId, phoneCode(u, requestId), decision);
        Status to = switch (decision) {
            case APPROVE -> Status.APPROVED;
            case REJECT -> Status.REJECTED;
            case CODES_DIFFER -> Status.CODES_DIFFER;
        };
        Instant now = clock.instant();
        store.inTransaction(tx -> {
            flow.decide(tx, phone, requestId, st, to, s, now, "198.51.100.30", Optional.empty());
            return null;
        });
    }

    private void approve(Enrolled u, String requestId) {
        decide(u, u.phone(), requestId, Decision.APPROVE, BLOCK);
    }

    private boolean cancel(String userId, String requestId, OobSettings s) {
        Instant now = clock.instant();
        return store.inTransaction(tx -> flow.cancel(tx, TENANT, userId, requestId, now, s));
    }

    private List<OobRequest> active(String userId) {
        return store.read(tx -> tx.activeRequests(TENANT, userId));
    }

    private int activeAuthenticators(String userId) {
        return store.read(tx -> tx.countActiveAuthenticators(TENANT, userId));
    }

    private Optional<UserState> userState(String userId) {
        return store.read(tx -> tx.findUser(TENANT, userId));
    }

    private Optional<String> takePassword(String requestId) {
        return store.read(tx -> tx.takeReplacementPassword(TENANT, requestId));
    }

    private boolean disablePasswordLogin(String userId) {
        return store.inTransaction(tx -> flow.setPasswordLoginDisabled(tx, TENANT, userId, true, clock.instant()));
    }

    private static Reason reason(Throwable t) {
        assertThat(t).isInstanceOf(OobFailure.class);
        return ((OobFailure) t).reason();
    }

    private List<Event> eventsAbout(String requestId) {
        return store.announced().stream().filter(e -> e.id().equals(requestId)).toList();
    }

    // --- §8.2 / §8.3 request and code -------------------------------------------------------------------------------

    @Test
    void X1280_8_2_requestCreatedPendingWithItsCodeAndWindowAndAnnouncedToThePhone() {
        Enrolled alice = enrol("alice");
        RequestCreated c = create(alice, BLOCK);
        assertThat(c.status()).isEqualTo(Status.PENDING);
        assertThat(c.expiresAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(c.queuePosition()).isZero();
        OobRequest r = stored(c.requestId());
        assertThat(r.status()).isEqualTo(Status.PENDING);
        assertThat(r.windowStart()).contains(T0);
        assertThat(eventsAbout(c.requestId())).containsExactly(
                new Event(Kind.REQUEST, TENANT, "alice", c.requestId(), "pending"));
    }

    @Test
    void X1280_8_3_codeIsTheOcraOfTheOffsetUnderTheUsersVerificationKey() {
        Enrolled alice = enrol("alice");
        RequestCreated c = create(alice, BLOCK);
        // What the RP shows is what the phone computes from the offset it receives: the user can compare them.
        assertThat(c.code()).contains(phoneCode(alice, c.requestId()));
        // Another user's key over the same offset gives another code: the code is bound to the enrolment.
        Offset sent = Offset.decode(stored(c.requestId()).offsetBytes());
        assertThat(ServerAuthCode.compute(keys.newKey(), sent, 6).value()).isNotEqualTo(c.code().orElseThrow());
        // The code is kept sealed, never in clear.
        assertThat(stored(c.requestId()).codeSealed()).doesNotContain(c.code().orElseThrow());
    }

    @Test
    void X1280_8_2_requestForAUserWithoutAnActiveAuthenticatorIsRefused() {
        assertThat(tryCreate("nobody", BLOCK, RelayGuard.PLAIN)).isInstanceOfSatisfying(Blocked.class,
                b -> assertThat(b.why().reason()).isEqualTo(Reason.NO_AUTHENTICATOR));
        Enrolled alice = enrol("alice");
        store.read(tx -> tx.revokeAuthenticator(TENANT, "alice", alice.phone().authenticatorId(), T0));
        assertThat(tryCreate("alice", BLOCK, RelayGuard.PLAIN)).isInstanceOfSatisfying(Blocked.class,
                b -> assertThat(b.why().reason()).isEqualTo(Reason.NO_AUTHENTICATOR));
        assertThat(active("alice")).isEmpty();
    }

    // --- §8.4 / §8.5 decisions ----------------------------------------------------------------------------------------

    @Test
    void X1280_8_4_approvalWithTheShownCodeApproves() {
        Enrolled alice = enrol("alice");
        RequestCreated c = create(alice, BLOCK);
        clock.advance(Duration.ofSeconds(12));
        approve(alice, c.requestId());
        OobRequest r = stored(c.requestId());
        assertThat(r.status()).isEqualTo(Status.APPROVED);
        assertThat(r.decidedAt()).contains(T0.plusSeconds(12));
        assertThat(r.authenticatorId()).contains(alice.phone().authenticatorId());
        assertThat(r.replacementPasswordSealed()).isEmpty(); // the tenant did not ask for C-S5
        assertThat(store.read(tx -> tx.findAuthenticatorById(alice.phone().authenticatorId())).orElseThrow().lastUsedAt())
                .contains(T0.plusSeconds(12));
        // §8.5 step 4: the RP's poll and the other devices hear of it.
        assertThat(eventsAbout(c.requestId())).last().isEqualTo(
                new Event(Kind.RESOLVED, TENANT, "alice", c.requestId(), "approved"));
    }

    @Test
    void X1280_8_4_replayedApprovalRefused() {
        Enrolled alice = enrol("alice");
        RequestCreated c = create(alice, BLOCK);
        ApprovalStatement st = statement(c.requestId(), phoneCode(alice, c.requestId()), Decision.APPROVE);
        store.inTransaction(tx -> {
            flow.decide(tx, alice.phone(), c.requestId(), st, Status.APPROVED, BLOCK, T0, "198.51.100.30", Optional.empty());
            return null;
        });
        Throwable replay = catchThrowable(() -> store.inTransaction(tx -> {
            flow.decide(tx, alice.phone(), c.requestId(), st, Status.APPROVED, BLOCK, T0, "198.51.100.30", Optional.empty());
            return null;
        }));
        assertThat(reason(replay)).isEqualTo(Reason.ALREADY_DECIDED);
        assertThat(eventsAbout(c.requestId()).stream().filter(e -> e.kind() == Kind.RESOLVED)).hasSize(1);
    }

    @Test
    void X1280_8_4_expiredRequestCannotBeApproved() {
        Enrolled alice = enrol("alice");
        RequestCreated c = create(alice, BLOCK);
        clock.advance(Duration.ofSeconds(60)); // the window is [T0, T0 + 60 s)
        assertThat(reason(catchThrowable(() -> approve(alice, c.requestId()))))
                .isEqualTo(Reason.REQUEST_EXPIRED);
        assertThat(stored(c.requestId()).status()).isEqualTo(Status.PENDING); // the refusal rolled back; settle ends it
        store.inTransaction(tx -> {
            flow.settleIfKnown(tx, TENANT, "alice", clock.instant(), BLOCK);
            return null;
        });
        OobRequest r = stored(c.requestId());
        assertThat(r.status()).isEqualTo(Status.EXPIRED);
        assertThat(r.decidedAt()).contains(T0.plusSeconds(60)); // ended at its deadline, not when noticed
        assertThat(reason(catchThrowable(() -> approve(alice, c.requestId()))))
                .isEqualTo(Reason.REQUEST_EXPIRED);
    }

    @Test
    void X1280_8_4_approvalOneSecondBeforeTheDeadlineIsAccepted() {
        Enrolled alice = enrol("alice");
        RequestCreated c = create(alice, BLOCK);
        clock.advance(Duration.ofSeconds(59));
        approve(alice, c.requestId());
        assertThat(stored(c.requestId()).status()).isEqualTo(Status.APPROVED);
    }

    @Test
    void X1280_8_4_aCodeOtherThanTheShownOneIsRefusedAndChangesNothing() {
        Enrolled alice = enrol("alice");
        RequestCreated c = create(alice, BLOCK);
        String shown = c.code().orElseThrow();
        String other = shown.equals("000000") ? "000001" : "000000";
        ApprovalStatement st = statement(c.requestId(), other, Decision.APPROVE);
        Throwable t = catchThrowable(() -> store.inTransaction(tx -> {
            flow.decide(tx, alice.phone(), c.requestId(), st, Status.APPROVED, BLOCK, T0, null, Optional.empty());
            return null;
        }));
        assertThat(reason(t)).isEqualTo(Reason.OFFSET_MISMATCH);
        assertThat(stored(c.requestId()).status()).isEqualTo(Status.PENDING);
    }

    @Test
    void X1280_8_4_aStatementOverAnotherOffsetIsRefused() {
        Enrolled alice = enrol("alice");
        RequestCreated first = create(alice, QUEUE);
        RequestCreated second = create(alice, QUEUE);
        // The phone signs the first request's id with the offset hash of the second one (a swapped offset).
        ApprovalStatement st = new ApprovalStatement(first.requestId(), stored(second.requestId()).offsetHash(),
                phoneCode(alice, first.requestId()), Decision.APPROVE, T0);
        Throwable t = catchThrowable(() -> store.inTransaction(tx -> {
            flow.decide(tx, alice.phone(), first.requestId(), st, Status.APPROVED, QUEUE, T0, null, Optional.empty());
            return null;
        }));
        assertThat(reason(t)).isEqualTo(Reason.OFFSET_MISMATCH);
        assertThat(stored(first.requestId()).status()).isEqualTo(Status.PENDING);
    }

    @Test
    void X1280_8_4_rejectAndCodesDifferEndTheRequestWithThatAnswer() {
        Enrolled alice = enrol("alice");
        RequestCreated rejected = create(alice, BLOCK);
        decide(alice, alice.phone(), rejected.requestId(), Decision.REJECT, RENEW);
        RequestCreated differ = create(alice, BLOCK);
        decide(alice, alice.phone(), differ.requestId(), Decision.CODES_DIFFER, RENEW);
        assertThat(stored(rejected.requestId()).status()).isEqualTo(Status.REJECTED);
        assertThat(stored(differ.requestId()).status()).isEqualTo(Status.CODES_DIFFER);
        // Only an approval renews the password (C-S5), even where the tenant asked for renewal.
        assertThat(stored(rejected.requestId()).replacementPasswordSealed()).isEmpty();
        assertThat(stored(differ.requestId()).replacementPasswordSealed()).isEmpty();
    }

    @Test
    void X1280_8_4_anotherUsersAuthenticatorCannotAnswer() {
        Enrolled alice = enrol("alice");
        Enrolled mallory = enrol("mallory");
        RequestCreated c = create(alice, BLOCK);
        Throwable t = catchThrowable(
                () -> decide(alice, mallory.phone(), c.requestId(), Decision.APPROVE, BLOCK));
        assertThat(reason(t)).isEqualTo(Reason.AUTHENTICATOR_MISMATCH);
        assertThat(stored(c.requestId()).status()).isEqualTo(Status.PENDING);
    }

    @Test
    void X1280_9_2_3_anAuthenticatorRevokedMeanwhileCannotAnswer() {
        Enrolled alice = enrol("alice");
        RequestCreated c = create(alice, BLOCK);
        // The caller loaded the authenticator before wrong PINs, sent in parallel, locked it.
        for (int i = 0; i < OutOfBandService.MAX_PIN_FAILURES; i++) {
            store.read(tx -> tx.recordPinFailure(alice.phone().authenticatorId(), OutOfBandService.MAX_PIN_FAILURES, T0));
        }
        Throwable t = catchThrowable(() -> approve(alice, c.requestId()));
        assertThat(reason(t)).isEqualTo(Reason.AUTHENTICATOR_REVOKED);
        assertThat(stored(c.requestId()).status()).isEqualTo(Status.PENDING);
    }

    @Test
    void X1280_AnnexA_approvalRenewsThePasswordOnceWhenTheTenantAsksForIt() {
        Enrolled alice = enrol("alice");
        RequestCreated c = create(alice, RENEW);
        decide(alice, alice.phone(), c.requestId(), Decision.APPROVE, RENEW);
        String sealed = takePassword(c.requestId()).orElseThrow();
        String password = keys.openText(TENANT, c.requestId(), VerificationKeys.REPLACEMENT_PASSWORD, sealed);
        assertThat(password).hasSize(PasswordRenewal.LENGTH);
        assertThat(takePassword(c.requestId())).isEmpty();
    }

    @Test
    void X1280_9_1_1_boundRequestCannotBeApprovedBeforeTheTerminalIsBoundButCanBeRejected() {
        Enrolled alice = enrol("alice");
        Outcome o = tryCreate("alice", BLOCK, RelayGuard.WEBAUTHN_BOUND);
        String id = ((Created) o).created().requestId();
        Throwable t = catchThrowable(() -> approve(alice, id));
        assertThat(reason(t)).isEqualTo(Reason.TERMINAL_NOT_BOUND);
        assertThat(stored(id).status()).isEqualTo(Status.PENDING);
        // Nothing of the refused approval is kept: the relay row has no deciding address.
        assertThat(store.read(tx -> tx.relayState(TENANT, id)).orElseThrow().authenticatorAddress()).isEmpty();
        decide(alice, alice.phone(), id, Decision.REJECT, BLOCK);
        assertThat(stored(id).status()).isEqualTo(Status.REJECTED);
        assertThat(store.read(tx -> tx.relayState(TENANT, id)).orElseThrow().authenticatorAddress()).contains("198.51.100.30");
    }

    // --- §9.2.4 simultaneous requests (C-S4) ------------------------------------------------------------------------

    @Test
    void X1280_9_2_4_blockPolicyRefusesASecondRequestWhileOneIsShown() {
        Enrolled alice = enrol("alice");
        RequestCreated first = create(alice, BLOCK);
        clock.advance(Duration.ofSeconds(30));
        assertThat(tryCreate("alice", BLOCK, RelayGuard.PLAIN)).isInstanceOfSatisfying(Blocked.class,
                b -> assertThat(b.why().reason()).isEqualTo(Reason.REQUEST_PENDING));
        assertThat(active("alice")).extracting(OobRequest::requestId)
                .containsExactly(first.requestId());
        // Once the shown one has expired, the next request is accepted (it is settled first, under the same lock).
        clock.advance(Duration.ofSeconds(30));
        RequestCreated next = create(alice, BLOCK);
        assertThat(next.status()).isEqualTo(Status.PENDING);
        assertThat(stored(first.requestId()).status()).isEqualTo(Status.EXPIRED);
    }

    @Test
    void X1280_9_2_4_blockPolicyIsPerUser() {
        Enrolled alice = enrol("alice");
        Enrolled bob = enrol("bob");
        create(alice, BLOCK);
        assertThat(create(bob, BLOCK).status()).isEqualTo(Status.PENDING);
    }

    @Test
    void X1280_9_2_4_queuePolicyQueuesWithoutACodeAndPromotesInOrder() {
        Enrolled alice = enrol("alice");
        RequestCreated first = create(alice, QUEUE);
        clock.advance(Duration.ofSeconds(1));
        RequestCreated second = create(alice, QUEUE);
        clock.advance(Duration.ofSeconds(1));
        RequestCreated third = create(alice, QUEUE);
        assertThat(List.of(second.status(), third.status())).containsOnly(Status.QUEUED);
        assertThat(List.of(second.queuePosition(), third.queuePosition())).containsExactly(1, 2);
        // A queued request shows no code and is not sent to the phone until it reaches the front.
        assertThat(second.code()).isEmpty();
        assertThat(eventsAbout(second.requestId())).isEmpty();
        assertThat(second.expiresAt()).isEqualTo(T0.plusSeconds(1).plus(OobRequestFlow.QUEUE_MAX_WAIT));

        clock.advance(Duration.ofSeconds(10));
        decide(alice, alice.phone(), first.requestId(), Decision.APPROVE, QUEUE);
        OobRequest promoted = stored(second.requestId());
        assertThat(promoted.status()).isEqualTo(Status.PENDING);
        // Its window starts when it reaches the front, not when it was created.
        assertThat(promoted.windowStart()).contains(T0.plusSeconds(12));
        assertThat(promoted.expiresAt()).isEqualTo(T0.plusSeconds(72));
        assertThat(eventsAbout(second.requestId())).containsExactly(
                new Event(Kind.REQUEST, TENANT, "alice", second.requestId(), "pending"));
        assertThat(stored(third.requestId()).status()).isEqualTo(Status.QUEUED);
    }

    @Test
    void X1280_9_2_4_queuedRequestCannotBeApprovedBeforeItReachesTheFront() {
        Enrolled alice = enrol("alice");
        create(alice, QUEUE);
        RequestCreated queued = create(alice, QUEUE);
        Throwable t = catchThrowable(
                () -> decide(alice, alice.phone(), queued.requestId(), Decision.APPROVE, QUEUE));
        assertThat(reason(t)).isEqualTo(Reason.NOT_PENDING);
        assertThat(stored(queued.requestId()).status()).isEqualTo(Status.QUEUED);
    }

    @Test
    void X1280_9_2_4_aQueuedRequestExpiresUnseenAfterTheMaximumWait() {
        Enrolled alice = enrol("alice");
        RequestCreated shown = create(alice, new OobSettings(6, 600, "queue", false, 600)); // 10 min window
        RequestCreated queued = create(alice, QUEUE);
        clock.advance(OobRequestFlow.QUEUE_MAX_WAIT);
        store.inTransaction(tx -> {
            flow.settleIfKnown(tx, TENANT, "alice", clock.instant(), QUEUE);
            return null;
        });
        assertThat(stored(queued.requestId()).status()).isEqualTo(Status.EXPIRED);
        assertThat(stored(shown.requestId()).status()).isEqualTo(Status.PENDING);
        assertThat(eventsAbout(queued.requestId())).containsExactly(
                new Event(Kind.RESOLVED, TENANT, "alice", queued.requestId(), "expired"));
    }

    @Test
    void X1280_9_2_4_cancelByTheRelyingPartyFreesTheUserAndThePhoneCannotApproveIt() {
        Enrolled alice = enrol("alice");
        RequestCreated c = create(alice, BLOCK);
        assertThat(cancel("alice", c.requestId(), BLOCK)).isTrue();
        assertThat(cancel("alice", c.requestId(), BLOCK)).isFalse(); // again: a no-op
        assertThat(stored(c.requestId()).status()).isEqualTo(Status.CANCELLED);
        assertThat(eventsAbout(c.requestId())).last().isEqualTo(
                new Event(Kind.RESOLVED, TENANT, "alice", c.requestId(), "cancelled"));
        assertThat(reason(catchThrowable(() -> approve(alice, c.requestId()))))
                .isEqualTo(Reason.ALREADY_DECIDED);
        assertThat(create(alice, BLOCK).status()).isEqualTo(Status.PENDING);
    }

    @Test
    void X1280_9_2_4_cancellingTheShownRequestBringsTheNextQueuedOneToTheFront() {
        Enrolled alice = enrol("alice");
        RequestCreated shown = create(alice, QUEUE);
        clock.advance(Duration.ofSeconds(1));
        RequestCreated queued = create(alice, QUEUE);
        cancel("alice", shown.requestId(), QUEUE);
        assertThat(stored(queued.requestId()).status()).isEqualTo(Status.PENDING);
    }

    @Test
    void X1280_9_2_4_cancelOfADecidedRequestIsRefusedAndKeepsTheDecision() {
        Enrolled alice = enrol("alice");
        RequestCreated c = create(alice, BLOCK);
        approve(alice, c.requestId());
        assertThat(reason(catchThrowable(() -> cancel("alice", c.requestId(), BLOCK))))
                .isEqualTo(Reason.ALREADY_DECIDED);
        assertThat(stored(c.requestId()).status()).isEqualTo(Status.APPROVED);
    }

    /**
     * Approve and cancel of one request on two threads. To make the dangerous interleaving happen every time rather
     * than by chance, the step named {@code first} stops right after it has read the request (inside its unit of
     * work) until the other step has either finished or is waiting for the user's lock. With the lock, the other
     * waits and then finds the request decided; without it, both would act on a pending request, and only the
     * compare-and-set on the status could still stop the second.
     */
    private void approveAndCancelRace(boolean approveFirst) throws Exception {
        Enrolled alice = enrol("alice");
        RequestCreated c = create(alice, BLOCK);
        ApprovalStatement st = statement(c.requestId(), phoneCode(alice, c.requestId()), Decision.APPROVE);
        Instant now = clock.instant();
        CompletableFuture<Boolean> approved = new CompletableFuture<>();
        CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
        CompletableFuture<Boolean> other = approveFirst ? cancelled : approved;
        CountDownLatch firstHasRead = new CountDownLatch(1);
        OobStore pausing = new OobStore() {
            @Override
            public <T> T inTransaction(OobWork<T> work) {
                return store.inTransaction(tx -> work.run(pauseAfterRead(tx)));
            }

            @Override
            public <T> T read(OobWork<T> work) {
                return store.read(work);
            }

            private OobTransaction pauseAfterRead(OobTransaction tx) {
                boolean pauses = Thread.currentThread().getName().equals("first");
                return (OobTransaction) Proxy.newProxyInstance(OobTransaction.class.getClassLoader(),
                        new Class<?>[] {OobTransaction.class}, (proxy, method, args) -> {
                            Object result;
                            try {
                                result = method.invoke(tx, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                            if (pauses && method.getName().equals("findRequest") && firstHasRead.getCount() > 0) {
                                firstHasRead.countDown();
                                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                                while (!other.isDone() && !store.someoneWaitsForUser(TENANT, "alice")) {
                                    assertThat(System.nanoTime()).as("the other step neither ran nor waited")
                                            .isLessThan(deadline);
                                    Thread.onSpinWait();
                                }
                            }
                            return result;
                        });
            }
        };
        Runnable approve = () -> {
            try {
                pausing.inTransaction(tx -> {
                    flow.decide(tx, alice.phone(), c.requestId(), st, Status.APPROVED, BLOCK, now, null, Optional.empty());
                    return null;
                });
                approved.complete(true);
            } catch (OobFailure e) {
                if (e.reason() == Reason.ALREADY_DECIDED) {
                    approved.complete(false);
                } else {
                    approved.completeExceptionally(e);
                }
            } catch (RuntimeException | Error e) {
                approved.completeExceptionally(e);
            }
        };
        Runnable cancel = () -> {
            try {
                cancelled.complete(pausing.inTransaction(tx -> flow.cancel(tx, TENANT, "alice", c.requestId(), now, BLOCK)));
            } catch (OobFailure e) {
                if (e.reason() == Reason.ALREADY_DECIDED) {
                    cancelled.complete(false);
                } else {
                    cancelled.completeExceptionally(e);
                }
            } catch (RuntimeException | Error e) {
                cancelled.completeExceptionally(e);
            }
        };
        Thread first = new Thread(approveFirst ? approve : cancel, "first");
        Thread second = new Thread(approveFirst ? cancel : approve, "second");
        first.start();
        assertThat(firstHasRead.await(10, TimeUnit.SECONDS)).isTrue();
        second.start();
        first.join();
        second.join();
        boolean approveWon = approved.get();
        boolean cancelWon = cancelled.get();
        assertThat(approveWon).as("exactly one of approve and cancel wins").isNotEqualTo(cancelWon);
        // The one that read the request first holds the user's lock, so it is the one that wins.
        assertThat(approveWon).isEqualTo(approveFirst);
        assertThat(stored(c.requestId()).status()).isEqualTo(approveWon ? Status.APPROVED : Status.CANCELLED);
        assertThat(eventsAbout(c.requestId()).stream().filter(e -> e.kind() == Kind.RESOLVED)).hasSize(1);
    }

    @Test
    void X1280_8_4_concurrentApproveAndCancelExactlyOneWins_approveReadsFirst() throws Exception {
        approveAndCancelRace(true);
    }

    @Test
    void X1280_8_4_concurrentApproveAndCancelExactlyOneWins_cancelReadsFirst() throws Exception {
        approveAndCancelRace(false);
    }

    // --- §9.2.1 / §9.2.2 password restriction, release and recovery (C-S1, C-S2) -----------------------------------

    @Test
    void X1280_9_2_1_passwordLoginCannotBeTurnedOffWithoutAnActiveAuthenticator() {
        assertThat(disablePasswordLogin("nobody")).isFalse();
        assertThat(userState("nobody")).isEmpty();
        enrol("alice");
        assertThat(disablePasswordLogin("alice")).isTrue();
        assertThat(userState("alice").orElseThrow().passwordLoginDisabled()).isTrue();
    }

    @Test
    void X1280_9_2_2_releaseRevokesEveryAuthenticatorCancelsOpenRequestsAndDeletesTheKey() {
        Enrolled alice = enrol("alice");
        RequestCreated shown = create(alice, QUEUE);
        RequestCreated queued = create(alice, QUEUE);
        disablePasswordLogin("alice");
        int revoked = store.inTransaction(tx -> flow.release(tx, TENANT, "alice", T0));
        assertThat(revoked).isEqualTo(1);
        assertThat(stored(shown.requestId()).status()).isEqualTo(Status.CANCELLED);
        assertThat(stored(queued.requestId()).status()).isEqualTo(Status.CANCELLED);
        UserState state = userState("alice").orElseThrow();
        assertThat(state.verificationKeySealed()).isEmpty();
        assertThat(state.passwordLoginDisabled()).isFalse();
        assertThat(activeAuthenticators("alice")).isZero();
        assertThat(store.announced()).contains(
                new Event(Kind.REVOKED, TENANT, "alice", alice.phone().authenticatorId(), "revoked"));
        // Without a key and an authenticator no new request can be made until the user enrols again.
        assertThat(tryCreate("alice", BLOCK, RelayGuard.PLAIN)).isInstanceOf(Blocked.class);
    }

    private List<String> giveRecoveryCodes(String userId) {
        RecoveryCodes.Generated g = new RecoveryCodes(random).generate(TENANT, userId);
        store.inTransaction(tx -> {
            tx.replaceRecoveryCodes(TENANT, userId, g.hashes());
            return null;
        });
        return g.display();
    }

    private OobRequestFlow.RecoveryOutcome recover(String userId, String code) {
        Instant now = clock.instant();
        return store.inTransaction(tx -> flow.recover(tx, TENANT, userId, code, now));
    }

    @Test
    void X1280_9_2_2_aRecoveryCodeReleasesTheUserOnce() {
        enrol("alice");
        List<String> codes = giveRecoveryCodes("alice");
        assertThat(recover("alice", codes.get(3))).isEqualTo(new Recovered(1));
        assertThat(activeAuthenticators("alice")).isZero();
        // Release deletes the remaining codes too; the used one never works again.
        assertThat(recover("alice", codes.get(3))).isInstanceOf(WrongCode.class);
        assertThat(recover("alice", codes.get(4))).isInstanceOf(WrongCode.class);
    }

    @Test
    void X1280_9_2_2_wrongRecoveryCodesLockRecoveryEvenForTheRightCodeUntilTheWindowEnds() {
        enrol("alice");
        List<String> codes = giveRecoveryCodes("alice");
        for (int i = 0; i < RecoveryCodes.MAX_FAILURES; i++) {
            assertThat(recover("alice", "0000000000")).isInstanceOf(WrongCode.class);
            clock.advance(Duration.ofSeconds(10));
        }
        // Locked from the first failure's time for the window: 15 min after T0, and 50 s have passed.
        assertThat(recover("alice", codes.get(0))).isEqualTo(new Locked(RecoveryCodes.WINDOW.toSeconds() - 50 + 1));
        assertThat(activeAuthenticators("alice")).isEqualTo(1);
        clock.set(T0.plus(RecoveryCodes.WINDOW));
        assertThat(recover("alice", codes.get(0))).isEqualTo(new Recovered(1));
    }

    @Test
    void X1280_8_5_aStepThatFailsAfterAnnouncingIsUndoneAndNeverHeard() {
        Enrolled alice = enrol("alice");
        RequestCreated c = create(alice, BLOCK);
        int before = store.announced().size();
        // The cancel has ended the request and announced it when something later in the same unit of work fails.
        Throwable t = catchThrowable(() -> store.inTransaction(tx -> {
            flow.cancel(tx, TENANT, "alice", c.requestId(), T0, BLOCK);
            throw new IllegalStateException("the store failed after the cancel");
        }));
        assertThat(t).hasMessageContaining("after the cancel");
        // Neither the change nor its announcement survive: no phone drops a request that is still pending.
        assertThat(stored(c.requestId()).status()).isEqualTo(Status.PENDING);
        assertThat(store.announced()).hasSize(before);
        assertThat(store.userLocked(TENANT, "alice")).isFalse();
        approve(alice, c.requestId());
        assertThat(stored(c.requestId()).status()).isEqualTo(Status.APPROVED);
    }
}
