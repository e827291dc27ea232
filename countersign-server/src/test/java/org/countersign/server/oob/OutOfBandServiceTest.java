package org.countersign.server.oob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.keys.EnvMasterKeyProvider;
import org.countersign.core.keys.KeyService;
import org.countersign.core.oob.Offset;
import org.countersign.core.sig.EcP256Signer;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.auth.Caller;
import org.countersign.server.oob.AuthenticatorRepository.Authenticator;
import org.countersign.server.oob.AuditTrail.Event;
import org.countersign.server.oob.OobFailure.Reason;
import org.countersign.server.oob.OobMessages.RequestEvent;
import org.countersign.server.oob.OobMessages.RequestResult;
import org.countersign.server.oob.OutOfBandService.EnrolmentCompleted;
import org.countersign.server.oob.OutOfBandService.EnrolmentIssued;
import org.countersign.server.oob.OutOfBandService.RequestCreated;
import org.countersign.server.oob.RequestRepository.Status;
import org.countersign.server.oob.memory.MemoryAuditTrail;
import org.countersign.server.oob.memory.MemoryDataKeyStore;
import org.countersign.server.oob.memory.MemoryEnrolmentCodeStore;
import org.countersign.server.oob.memory.MemoryOobStore;
import org.countersign.server.oob.memory.MemoryTenants;
import org.countersign.server.oob.memory.MemoryTerminalAssertions;
import org.countersign.server.oob.memory.MemoryUsedSignatureStore;
import org.countersign.server.oob.memory.MemoryUserDirectory;
import org.countersign.server.tenant.Tenant;
import org.countersign.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real {@link OutOfBandService} on the in-memory ports, with the emulated phone of {@link TestAuthenticator}
 * calling it directly: X.1280 §8.1 to §8.5 and the §9.2 controls without a database, a network or a server. The
 * same flows over HTTPS and PostgreSQL are {@code OobFlowTest} and {@code OobHardeningTest}.
 */
class OutOfBandServiceTest {
    private static final String BANK = "bank";
    private static final String SHOP = "shop";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String PHONE_IP = "198.51.100.7";

    private final SecureRandom random = new SecureRandom();
    private final TestClock clock = TestClock.frozenAt(T0);
    private final MemoryOobStore store = new MemoryOobStore();
    private final MemoryAuditTrail audit = new MemoryAuditTrail();
    private final MemoryTenants tenants = new MemoryTenants();
    private final MemoryUserDirectory users = new MemoryUserDirectory();
    private final MemoryUsedSignatureStore usedSignatures = new MemoryUsedSignatureStore();
    // Never started: nothing listens to PostgreSQL; the memory store's announcements are handed to it directly.
    private final OobEvents events = new OobEvents(null);
    private final OutOfBandService service;
    private int sessions;
    private int requestIds;

    OutOfBandServiceTest() {
        VerificationKeys keys = new VerificationKeys(new KeyService(
                new EnvMasterKeyProvider(ByteArray.copyOf(new byte[32]).toBase64(), "mk-test0001"),
                new MemoryDataKeyStore(), random, clock), random);
        service = new OutOfBandService(store, audit, tenants, users,
                new EnrolmentCodes(new MemoryEnrolmentCodeStore(store), random, clock), new RecoveryCodes(random), keys,
                new PasswordRenewal(random), new AuthenticatorSignatures(store, usedSignatures, clock), events,
                Runnable::run, random, clock,
                new RelayGuard(store, RelayGuard.loadInBackground(), new MemoryTerminalAssertions(), audit, clock),
                OutOfBandModule.DEFAULT_REQUEST_TIME_SKEW);
        store.onAnnouncement(events::deliverForTest);
        tenants.insert(new Tenant(BANK, "Bank", List.of(), Tenant.Status.ACTIVE, T0));
        tenants.insert(new Tenant(SHOP, "Shop", List.of(), Tenant.Status.ACTIVE, T0));
    }

    @AfterEach
    void closeEvents() {
        events.close();
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** The relying party's back end, authenticated by its API key. */
    private Caller rp(String tenantId) {
        return new Caller(Optional.of(tenantId), "apikey:" + tenantId, "rq-" + (++requestIds), "203.0.113.10");
    }

    /** The phone: no tenant until it proves one by signature. */
    private Caller phoneCaller() {
        return new Caller(Optional.empty(), "anonymous", "rq-" + (++requestIds), PHONE_IP);
    }

    private static <T> T parse(String json, Class<T> type) {
        try {
            return TestAuthenticator.JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** §8.1 steps 9–12 with the phone's own body, as it would post it. */
    private EnrolmentCompleted complete(TestAuthenticator phone, String code) {
        EnrolmentCompleted done = service.completeEnrolment(
                parse(phone.completeBody(code, "phone"), OobMessages.CompleteEnrolment.class), phoneCaller());
        phone.enrolled(done.authenticatorId(), done.tenantId(), done.userId(), done.verificationKey(), done.digits());
        return done;
    }

    private TestAuthenticator enrol(String tenantId, String userId) {
        TestAuthenticator phone = new TestAuthenticator(clock);
        complete(phone, service.issueEnrolment(tenantId, userId, rp(tenantId)).enrolmentCode());
        return phone;
    }

    /** §8.2: the RP reports the terminal; the request time is the verifier's clock. */
    private RequestCreated create(String tenantId, String userId) {
        sessions++;
        return service.createRequest(tenantId, new OobMessages.CreateRequest(userId, "203.0.113.10", "session-" + sessions,
                "198.51.100.20", "192.168.1.20", "Firefox", "128.0", null, null), rp(tenantId));
    }

    /** §8.3 steps 5–7: the phone fetches what is pending for it with a signed query (polling fallback). */
    private RequestEvent pendingOne(TestAuthenticator phone) {
        Authenticator a = authenticate(phone, "GET", "/v1/oob/authenticator/pending", phone.signedQuery("GET",
                "/v1/oob/authenticator/pending"));
        List<RequestEvent> pending = service.pendingFor(a);
        assertThat(pending).hasSize(1);
        return pending.get(0);
    }

    private Authenticator authenticate(TestAuthenticator phone, String method, String path, String query) {
        Map<String, String> q = new HashMap<>();
        for (String pair : query.substring(1).split("&")) {
            String[] kv = pair.split("=", 2);
            q.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return service.authenticateQuery(method, path, q.get("authenticatorId"), q.get("ts"), q.get("sig"));
    }

    /** §8.4/§8.5: the phone's signed decision over the offset it was sent. */
    private OobMessages.Decide decision(TestAuthenticator phone, RequestEvent pushed, String decision) {
        return parse(phone.decisionBody(pushed.requestId(), pushed.offset(), decision),
                OobMessages.Decide.class);
    }

    private OobFailure refused(Runnable call) {
        OobFailure f = catchThrowableOfType(call::run, OobFailure.class);
        assertThat(f).as("expected a refusal").isNotNull();
        return f;
    }

    private static void assertEvent(Event e, String tenantId, String actor, String subject, AuditOutcome outcome) {
        assertThat(e.tenantId()).isEqualTo(Optional.ofNullable(tenantId));
        assertThat(e.actor().wire()).isEqualTo(actor);
        assertThat(e.subject().map(s -> s.wire())).isEqualTo(Optional.ofNullable(subject));
        assertThat(e.outcome()).isEqualTo(outcome);
    }

    // ---------------------------------------------------------------------------------------------- flows

    @Test
    void X1280_8_fullFlow_enrolRequestApproveResult_onTheInMemoryPorts() {
        service.saveSettings(BANK, new OobSettings(6, 60, "block", true, 600), rp(BANK));
        // §8.1 steps 4–7: registration information for the RP, the user record created on first use.
        EnrolmentIssued issued = service.issueEnrolment(BANK, "alice", rp(BANK));
        assertThat(issued.enrolmentCode()).matches("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}");
        assertThat(users.exists(BANK, "alice")).isTrue();
        Event issue = audit.last(AuditAction.OOB_ENROLMENT_ISSUE);
        assertEvent(issue, BANK, "apikey:" + BANK, "alice", AuditOutcome.SUCCESS);
        assertThat(issue.details()).containsEntry("enrolmentId", issued.enrolmentId());

        // §8.1 steps 10–12: the phone completes with its key; the first enrolment brings recovery codes.
        TestAuthenticator phone = new TestAuthenticator(clock);
        EnrolmentCompleted done = complete(phone, issued.enrolmentCode().replace("-", "").toLowerCase());
        assertThat(done.tenantId()).isEqualTo(BANK);
        assertThat(done.tenantName()).isEqualTo("Bank");
        assertThat(done.recoveryCodes()).hasSize(8);
        assertThat(done.ocraSuite()).isEqualTo("OCRA-1:HOTP-SHA256-6:QH64");
        assertEvent(audit.last(AuditAction.OOB_ENROLMENT_COMPLETE), BANK, "authenticator:" + done.authenticatorId(),
                "alice", AuditOutcome.SUCCESS);

        // §8.2/§8.3: the RP asks and gets the code for the terminal; the phone computes the same from the offset.
        RequestCreated created = create(BANK, "alice");
        assertThat(created.status()).isEqualTo(Status.PENDING);
        RequestEvent pushed = pendingOne(phone);
        assertThat(pushed.requestId()).isEqualTo(created.requestId());
        assertThat(pushed.tenantName()).isEqualTo("Bank");
        Offset offset = Offset.decode(ByteArray.fromBase64Url(pushed.offset()));
        assertThat(offset.userId()).isEqualTo("alice");
        assertThat(phone.codeFor(pushed.offset())).isEqualTo(created.code().orElseThrow());
        assertThat(audit.last(AuditAction.OOB_REQUEST_CREATE).details())
                .containsEntry("oobRequestId", created.requestId()).containsEntry("status", "pending");

        // §8.4/§8.5: the signed approval decides; the result names the device and hands the new password once.
        assertThat(service.decide(decision(phone, pushed, "approve"), phoneCaller())).isEqualTo(Status.APPROVED);
        Event decided = audit.last(AuditAction.OOB_REQUEST_DECIDE);
        assertEvent(decided, BANK, "authenticator:" + phone.authenticatorId, "alice", AuditOutcome.SUCCESS);
        assertThat(decided.details()).containsEntry("decision", "approved")
                .containsEntry("authenticatorId", phone.authenticatorId).containsKey("networkVerdict");
        RequestResult result = service.result(BANK, created.requestId(), rp(BANK));
        assertThat(result.status()).isEqualTo(Status.APPROVED);
        assertThat(result.authenticatorId()).isEqualTo(phone.authenticatorId);
        assertThat(result.deviceName()).isEqualTo("phone");
        assertThat(result.mode()).isEqualTo(RelayMode.PLAIN);
        assertThat(result.network()).isNotNull();
        assertThat(result.replacementPassword()).hasSizeGreaterThanOrEqualTo(24);
        assertThat(audit.of(AuditAction.OOB_PASSWORD_RENEW)).hasSize(1);
        assertThat(service.result(BANK, created.requestId(), rp(BANK)).replacementPassword()).isNull();
        assertThat(audit.of(AuditAction.OOB_PASSWORD_RENEW)).hasSize(1);
        assertThat(store.announced()).extracting(OobEvents.Event::kind)
                .containsExactly(OobEvents.Kind.REQUEST, OobEvents.Kind.RESOLVED);
    }

    @Test
    void X1280_8_1_registrationInformationIsSingleUseAndAWrongCodeIsAuditedAgainstTheAddress() {
        EnrolmentIssued issued = service.issueEnrolment(BANK, "bob", rp(BANK));
        complete(new TestAuthenticator(clock), issued.enrolmentCode());
        OobFailure again = refused(() -> complete(new TestAuthenticator(clock), issued.enrolmentCode()));
        assertThat(again.reason()).isEqualTo(Reason.ENROLMENT_CODE_INVALID);
        assertEvent(audit.last(AuditAction.OOB_ENROLMENT_COMPLETE), null, "anonymous", "ip:" + PHONE_IP,
                AuditOutcome.refused(Reason.ENROLMENT_CODE_INVALID.code()));
        assertThat(service.listAuthenticators(BANK, "bob")).hasSize(1);
    }

    @Test
    void X1280_8_1_guessingLocksTheAddressUntilTheWindowPasses() {
        for (int i = 0; i < EnrolmentCodes.MAX_FAILURES; i++) {
            assertThat(refused(() -> complete(new TestAuthenticator(clock), "ZZZZ-ZZZZ-ZZZZ")).reason())
                    .isEqualTo(Reason.ENROLMENT_CODE_INVALID);
        }
        // D-1: even a right code is not looked at from this address now.
        EnrolmentIssued issued = service.issueEnrolment(BANK, "carol", rp(BANK));
        String wrongButAimed = issued.enrolmentCode().substring(0, 4) + "-0000-0000";
        OobFailure locked = refused(() -> complete(new TestAuthenticator(clock), "ZZZZ-ZZZZ-ZZZY"));
        assertThat(locked.reason()).isEqualTo(Reason.ENROLMENT_LOCKED);
        assertThat(locked.retryAfterSeconds()).isPresent();
        assertThat(audit.last(AuditAction.OOB_ENROLMENT_COMPLETE).details()).containsEntry("scope", "from this address");
        // A guess aimed at the open enrolment is charged to it, not to the blind-guess count, so it is checked.
        assertThat(refused(() -> complete(new TestAuthenticator(clock), wrongButAimed)).reason())
                .isEqualTo(Reason.ENROLMENT_CODE_INVALID);
        clock.advance(EnrolmentCodes.WINDOW.plusSeconds(1));
        assertThat(refused(() -> complete(new TestAuthenticator(clock), "ZZZZ-ZZZZ-ZZZY")).reason())
                .isEqualTo(Reason.ENROLMENT_CODE_INVALID);
    }

    @Test
    void X1280_8_4_rejectionEndsTheRequestRejected() {
        TestAuthenticator phone = enrol(BANK, "dave");
        RequestCreated created = create(BANK, "dave");
        assertThat(service.decide(decision(phone, pendingOne(phone), "reject"), phoneCaller()))
                .isEqualTo(Status.REJECTED);
        RequestResult rejected = service.result(BANK, created.requestId(), rp(BANK));
        assertThat(rejected.status()).isEqualTo(Status.REJECTED);
        assertThat(rejected.replacementPassword()).isNull();
        assertThat(audit.last(AuditAction.OOB_REQUEST_DECIDE).details()).containsEntry("decision", "rejected");
        // the user may start again at once (§9.2.4 block policy frees the user)
        assertThat(create(BANK, "dave").status()).isEqualTo(Status.PENDING);
    }

    @Test
    void X1280_9_2_3_wrongPinSignaturesAreCountedAndLockTheAuthenticator() {
        TestAuthenticator phone = new TestAuthenticator(clock);
        EcP256Signer rightPinKey = EcP256Signer.generate(random);
        phone.approvalKey = rightPinKey;
        complete(phone, service.issueEnrolment(BANK, "erin", rp(BANK)).enrolmentCode());
        RequestCreated created = create(BANK, "erin");
        RequestEvent pushed = pendingOne(phone);
        // A wrong PIN unwraps some other key: the device signature is right, the approval signature is not.
        phone.approvalKey = EcP256Signer.generate(random);
        for (int i = 1; i < OutOfBandService.MAX_PIN_FAILURES; i++) {
            OobFailure f = refused(() -> service.decide(decision(phone, pushed, "approve"), phoneCaller()));
            assertThat(f.reason()).isEqualTo(Reason.PIN_INVALID);
            assertThat(f.attemptsLeft()).hasValue(OutOfBandService.MAX_PIN_FAILURES - i);
        }
        OobFailure last = refused(() -> service.decide(decision(phone, pushed, "approve"), phoneCaller()));
        assertThat(last.reason()).isEqualTo(Reason.AUTHENTICATOR_REVOKED);
        assertEvent(audit.last(AuditAction.OOB_AUTHENTICATOR_PIN_LOCK), BANK, "authenticator:" + phone.authenticatorId,
                "erin", AuditOutcome.SUCCESS);
        assertThat(audit.of(AuditAction.OOB_REQUEST_DECIDE)).hasSize(OutOfBandService.MAX_PIN_FAILURES)
                .allSatisfy(e -> assertThat(e.outcome().result()).isEqualTo(AuditOutcome.Result.REFUSED));
        // the right PIN no longer helps, and the request is still the RP's to end
        phone.approvalKey = rightPinKey;
        assertThat(refused(() -> service.decide(decision(phone, pushed, "approve"), phoneCaller())).reason())
                .isEqualTo(Reason.AUTHENTICATOR_REVOKED);
        assertThat(service.result(BANK, created.requestId(), rp(BANK)).status()).isEqualTo(Status.PENDING);
        assertThat(service.listAuthenticators(BANK, "erin")).singleElement()
                .satisfies(a -> assertThat(a.active()).isFalse());
        assertThat(store.announced()).extracting(OobEvents.Event::kind).contains(OobEvents.Kind.REVOKED);
    }

    @Test
    void X1280_9_2_4_cancelledRequestCannotBeApprovedAndCancelIsIdempotent() {
        TestAuthenticator phone = enrol(BANK, "frank");
        RequestCreated created = create(BANK, "frank");
        RequestEvent pushed = pendingOne(phone);
        assertThat(service.cancel(BANK, created.requestId(), rp(BANK)).status()).isEqualTo(Status.CANCELLED);
        assertEvent(audit.last(AuditAction.OOB_REQUEST_CANCEL), BANK, "apikey:" + BANK, "frank", AuditOutcome.SUCCESS);
        assertThat(service.cancel(BANK, created.requestId(), rp(BANK)).status()).isEqualTo(Status.CANCELLED);
        assertThat(audit.of(AuditAction.OOB_REQUEST_CANCEL)).hasSize(1);
        OobFailure late = refused(() -> service.decide(decision(phone, pushed, "approve"), phoneCaller()));
        assertThat(late.reason()).isEqualTo(Reason.ALREADY_DECIDED);
        assertThat(late.decidedStatus()).contains("cancelled");
        assertThat(service.result(BANK, created.requestId(), rp(BANK)).status()).isEqualTo(Status.CANCELLED);
    }

    @Test
    void X1280_8_4_replayedAndStaleSignedResponsesAreRefused() {
        TestAuthenticator phone = enrol(BANK, "grace");
        RequestCreated created = create(BANK, "grace");
        RequestEvent pushed = pendingOne(phone);
        // A statement signed too long ago (or ahead) is refused before the request is even read.
        OobMessages.Decide stale = parse(phone.decisionBody(created.requestId(),
                Offset.decode(ByteArray.fromBase64Url(pushed.offset())).hash(),
                phone.codeFor(pushed.offset()), "approve",
                clock.instant().minus(AuthenticatorSignatures.SKEW).minusSeconds(1)), OobMessages.Decide.class);
        assertThat(refused(() -> service.decide(stale, phoneCaller())).reason()).isEqualTo(Reason.SIGNATURE_INVALID);
        assertThat(service.result(BANK, created.requestId(), rp(BANK)).status()).isEqualTo(Status.PENDING);

        OobMessages.Decide approval = decision(phone, pushed, "approve");
        assertThat(service.decide(approval, phoneCaller())).isEqualTo(Status.APPROVED);
        // The same signed approval sent again changes nothing: the request is decided.
        OobFailure replay = refused(() -> service.decide(approval, phoneCaller()));
        assertThat(replay.reason()).isEqualTo(Reason.ALREADY_DECIDED);
        assertThat(audit.last(AuditAction.OOB_REQUEST_DECIDE).outcome())
                .isEqualTo(AuditOutcome.refused(Reason.ALREADY_DECIDED.code()));

        // A signed query is accepted once (A-G3), and forgotten only after it could no longer be fresh. (The clock
        // moves first: at the same millisecond the phone would sign the very query it sent for pendingOne.)
        clock.advance(Duration.ofSeconds(1));
        String query = phone.signedQuery("GET", "/v1/oob/authenticator/pending");
        authenticate(phone, "GET", "/v1/oob/authenticator/pending", query);
        assertThat(refused(() -> authenticate(phone, "GET", "/v1/oob/authenticator/pending", query)).reason())
                .isEqualTo(Reason.SIGNATURE_INVALID);
        int remembered = usedSignatures.size();
        clock.advance(AuthenticatorSignatures.SKEW.multipliedBy(3));
        service.sweep();
        assertThat(usedSignatures.size()).isLessThan(remembered);
        assertThat(refused(() -> authenticate(phone, "GET", "/v1/oob/authenticator/pending", query)).reason())
                .isEqualTo(Reason.SIGNATURE_INVALID);
    }

    @Test
    void A_G1_anotherTenantSeesNeitherTheUserNorTheRequest() {
        TestAuthenticator phone = enrol(BANK, "heidi");
        RequestCreated created = create(BANK, "heidi");
        assertThat(refused(() -> service.result(SHOP, created.requestId(), rp(SHOP))).reason())
                .isEqualTo(Reason.NOT_FOUND);
        assertThat(refused(() -> service.cancel(SHOP, created.requestId(), rp(SHOP))).reason())
                .isEqualTo(Reason.NOT_FOUND);
        assertThat(refused(() -> service.listAuthenticators(SHOP, "heidi")).reason()).isEqualTo(Reason.NOT_FOUND);
        assertThat(refused(() -> service.revoke(SHOP, "heidi", phone.authenticatorId, rp(SHOP))).reason())
                .isEqualTo(Reason.NOT_FOUND);
        // the bank's request is untouched and still answerable by the bank's user's phone
        assertThat(service.decide(decision(phone, pendingOne(phone), "approve"), phoneCaller()))
                .isEqualTo(Status.APPROVED);
        assertThat(audit.events()).noneMatch(e -> e.tenantId().equals(Optional.of(SHOP))
                && e.outcome().equals(AuditOutcome.SUCCESS));
    }

    @Test
    void X1280_8_3_requestTimeFarFromTheVerifiersClockIsRefused() {
        enrol(BANK, "ivan");
        String farAway = T0.plus(OutOfBandModule.DEFAULT_REQUEST_TIME_SKEW).plus(Duration.ofSeconds(1)).toString();
        OobFailure f = refused(() -> service.createRequest(BANK, new OobMessages.CreateRequest("ivan", "203.0.113.10",
                "s-far", "198.51.100.20", null, "Firefox", "128.0", farAway, null), rp(BANK)));
        assertThat(f.reason()).isEqualTo(Reason.INVALID);
        assertThat(audit.of(AuditAction.OOB_REQUEST_CREATE)).isEmpty();
    }
}
