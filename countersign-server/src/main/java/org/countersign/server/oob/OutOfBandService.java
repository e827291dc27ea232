package org.countersign.server.oob;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.oob.ApprovalStatement;
import org.countersign.core.oob.Offset;
import org.countersign.core.oob.ServerAuthCode;
import org.countersign.core.sig.EcP256PublicKey;
import org.countersign.core.sig.SignatureEncoding;
import org.countersign.core.sig.SignatureFormatException;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;
import org.countersign.server.auth.Caller;
import org.countersign.server.failure.FlowFailure;
import org.countersign.server.local.LocalCredentialService;
import org.countersign.server.local.LocalMessages.WebAuthnRequestOptions;
import org.countersign.server.oob.AuthenticatorRepository.Authenticator;
import org.countersign.server.oob.EnrolmentCodeStore.Target;
import org.countersign.server.oob.OobEvents.Event;
import org.countersign.server.oob.OobEvents.Kind;
import org.countersign.server.oob.OobMessages.RequestEvent;
import org.countersign.server.oob.OobMessages.RequestResult;
import org.countersign.server.oob.OobMessages.TerminalBound;
import org.countersign.server.oob.RequestRepository.OobRequest;
import org.countersign.server.oob.RequestRepository.Status;
import org.countersign.server.oob.OobRequestFlow.Blocked;
import org.countersign.server.oob.OobRequestFlow.Created;
import org.countersign.server.oob.OobRequestFlow.Locked;
import org.countersign.server.oob.OobRequestFlow.Outcome;
import org.countersign.server.oob.OobRequestFlow.Recovered;
import org.countersign.server.oob.OobRequestFlow.RecoveryOutcome;
import org.countersign.server.oob.UserStateRepository.UserState;
import org.countersign.server.tenant.Tenant;
import org.countersign.server.tenant.TenantRepository;

/**
 * Out-of-band server authentication, ITU-T X.1280 §8 and §9.2, as numbered steps. The relying party (RP) first
 * makes the user prove who they are its own way; afterwards the user checks the RP before the RP checks the user:
 * the same code appears on the login page and on the phone only if the page really talks to this verifier about
 * this very login.
 *
 * <p>Every public method takes the tenant (or derives it from an authenticator proven by signature), so no call
 * reaches another tenant's data (A-G1); every outcome that matters for security is written to the audit chain
 * (A-G4). Times come from the injected {@link Clock}.
 *
 * <p>Storage goes through ports: {@link OobStore} for requests, authenticators and user state, whose transactions
 * run the request state machine {@link OobRequestFlow}; {@link EnrolmentCodeStore} and {@link UsedSignatureStore}
 * behind {@link EnrolmentCodes} and {@link AuthenticatorSignatures}; {@link UserDirectory} for the tenant's users;
 * {@link AuditTrail} for the audit chain. So the whole flow also runs on in-memory twins, without a database.
 * Audit records are written after the transaction, not inside it: a change is committed first, then audited.
 */
public final class OutOfBandService {
    /** Wrong approval-key signatures (wrong PINs, X.1280 §9.2.3) in a row after which the authenticator is locked. */
    static final int MAX_PIN_FAILURES = 5;

    private final OobStore store;
    private final OobRequestFlow flow;
    private final AuditTrail audit;
    private final TenantRepository tenants;
    private final UserDirectory users;
    private final EnrolmentCodes enrolmentCodes;
    private final RecoveryCodes recoveryCodes;
    private final VerificationKeys keys;
    private final PasswordRenewal passwords;
    private final AuthenticatorSignatures signatures;
    private final OobEvents events;
    private final Executor waitExecutor;
    private final SecureRandom random;
    private final Clock clock;
    private final RelayGuard relay;
    private final Duration requestTimeSkew;

    OutOfBandService(OobStore store, AuditTrail audit, TenantRepository tenants, UserDirectory users,
            EnrolmentCodes enrolmentCodes, RecoveryCodes recoveryCodes, VerificationKeys keys,
            PasswordRenewal passwords, AuthenticatorSignatures signatures, OobEvents events, Executor waitExecutor,
            SecureRandom random, Clock clock, RelayGuard relay, Duration requestTimeSkew) {
        this.store = store;
        this.flow = new OobRequestFlow(keys, passwords, random);
        this.audit = audit;
        this.tenants = tenants;
        this.users = users;
        this.enrolmentCodes = enrolmentCodes;
        this.recoveryCodes = recoveryCodes;
        this.keys = keys;
        this.passwords = passwords;
        this.signatures = signatures;
        this.events = events;
        this.waitExecutor = waitExecutor;
        this.random = random;
        this.clock = clock;
        this.relay = relay;
        this.requestTimeSkew = requestTimeSkew;
    }

    // ------------------------------------------------------------------------------------------------------------
    // §8.1 Authenticator installation and registration (C-F1)
    // ------------------------------------------------------------------------------------------------------------

    /** What §8.1 step 7 hands back to the RP, which passes it to the user by a trusted route (step 8). */
    public record EnrolmentIssued(String enrolmentId, String userId, String enrolmentCode, String canonicalCode,
            Instant expiresAt) {}

    /**
     * §8.1 steps 4–7. Step 5 (authenticating the user) is the RP's own method, done before it calls; the RP's API
     * key proves the call comes from that RP.
     */
    public EnrolmentIssued issueEnrolment(String tenantId, String userId, Caller caller) {
        Instant now = clock.instant();
        // Step 6 needs a user record to bind the registration information to; create it on first use.
        users.ensure(tenantId, userId, now);
        OobSettings s = settings(tenantId);
        // Step 6: one-time registration information, kept only as a hash.
        EnrolmentCodes.Issued issued = enrolmentCodes.issue(tenantId, userId, Duration.ofSeconds(s.enrolmentValiditySeconds()));
        audit.event(AuditAction.OOB_ENROLMENT_ISSUE).tenant(tenantId).by(AuditActor.of(caller), caller.requestId())
                .about(AuditSubject.user(userId)).details(Map.of("enrolmentId", issued.enrolmentId()))
                .record(AuditOutcome.SUCCESS);
        // Step 7: returned to the RP with the user id; the RP id is the tenant the caller authenticated as.
        return new EnrolmentIssued(issued.enrolmentId(), userId, issued.displayCode(), issued.code(), issued.expiresAt());
    }

    /** §8.1 step 12's answer: the verification key and, on the user's first enrolment, the recovery codes. */
    public record EnrolmentCompleted(String authenticatorId, String tenantId, String tenantName, String userId,
            String verificationKey, String ocraSuite, int digits, List<String> recoveryCodes) {}

    private record Registered(Authenticator authenticator, SecretBytes verificationKey, List<String> recoveryCodes) {}

    /** §8.1 steps 10–12, called by the authenticator with the registration information the user typed or scanned. */
    public EnrolmentCompleted completeEnrolment(OobMessages.CompleteEnrolment req, Caller caller) {
        // Guessing control (D-1): a locked enrolment, user or address is refused before the code is even looked at,
        // so the right code does not help while it is locked. See EnrolmentCodes for what is charged where.
        List<Target> targets = enrolmentCodes.targets(req.enrolmentCode());
        Optional<EnrolmentCodes.Lock> lock = enrolmentCodes.lock(caller.ip(), targets);
        if (lock.isPresent()) {
            audit.event(AuditAction.OOB_ENROLMENT_COMPLETE).by(AuditActor.of(caller), caller.requestId())
                    .about(AuditSubject.address(caller.ip()))
                    .details(Map.of("retryAfterSeconds", Long.toString(lock.get().retryAfterSeconds()),
                            "scope", lock.get().scope()))
                    .record(AuditOutcome.refused(OobFailure.Reason.ENROLMENT_LOCKED.code()));
            throw OobFailure.enrolmentLocked(lock.get().retryAfterSeconds(), lock.get().scope());
        }
        // The device key must be a valid P-256 SPKI before the code is spent on it.
        EcP256PublicKey deviceKey;
        try {
            deviceKey = EcP256PublicKey.fromSpki(req.spki());
        } catch (SignatureFormatException | IllegalArgumentException e) {
            throw OobFailure.signatureMalformed("publicKeySpki: " + e.getMessage());
        }
        // §9.2.3: the optional approval key, whose private half the authenticator keeps wrapped under the PIN.
        Optional<ByteArray> approvalKey;
        try {
            approvalKey = req.approvalSpki().map(spki -> {
                try {
                    return EcP256PublicKey.fromSpki(spki).spki();
                } catch (SignatureFormatException e) {
                    throw new IllegalArgumentException(e.getMessage());
                }
            });
        } catch (IllegalArgumentException e) {
            throw OobFailure.signatureMalformed("approvalKeySpki: " + e.getMessage());
        }
        Instant now = clock.instant();
        // Step 11: verify the registration information (single use, not expired) and register the authenticator
        // under the user and RP it was issued for, in one transaction.
        Optional<Registered> registered = store.inTransaction(tx -> {
            Optional<OobTransaction.ClaimedEnrolment> claimed = EnrolmentCodes.claim(tx, req.enrolmentCode(), now);
            if (claimed.isEmpty()) {
                return Optional.<Registered>empty();
            }
            String tenantId = claimed.get().tenantId();
            String userId = claimed.get().userId();
            if (!tenantActive(tenantId)) {
                throw OobFailure.tenantDisabled(); // rolls back: the code is not spent
            }
            UserState state = tx.lockOrCreateUser(tenantId, userId, now);
            SecretBytes key;
            List<String> codes = List.of();
            if (state.verificationKeySealed().isEmpty()) {
                // First enrolment (or first after a release): a fresh verification key for the user, shared by every
                // backup authenticator so all show the same code (§8.1 last paragraph), and C-S2 recovery codes.
                key = keys.newKey();
                tx.setVerificationKey(tenantId, userId, Optional.of(keys.sealKey(tenantId, userId, key)), now);
                RecoveryCodes.Generated rc = recoveryCodes.generate(tenantId, userId);
                tx.replaceRecoveryCodes(tenantId, userId, rc.hashes());
                codes = rc.display();
            } else {
                key = keys.openKey(tenantId, userId, state.verificationKeySealed().get());
            }
            Authenticator a = new Authenticator(Ids.authenticator(random), tenantId, userId, req.deviceName(),
                    deviceKey.spki(), AuthenticatorRepository.Status.ACTIVE, now, Optional.empty(), Optional.empty(), approvalKey);
            tx.insertAuthenticator(a);
            return Optional.of(new Registered(a, key, codes));
        });
        if (registered.isEmpty()) {
            enrolmentCodes.recordFailure(caller.ip(), targets);
            audit.event(AuditAction.OOB_ENROLMENT_COMPLETE).by(AuditActor.of(caller), caller.requestId())
                    .about(AuditSubject.address(caller.ip()))
                    .record(AuditOutcome.refused(OobFailure.Reason.ENROLMENT_CODE_INVALID.code()));
            throw OobFailure.enrolmentCodeInvalid();
        }
        Registered r = registered.get();
        Authenticator a = r.authenticator();
        audit.event(AuditAction.OOB_ENROLMENT_COMPLETE).tenant(a.tenantId())
                .by(AuditActor.authenticator(a.authenticatorId()), caller.requestId())
                .about(AuditSubject.user(a.userId()))
                .details(Map.of("authenticatorId", a.authenticatorId(), "ip", caller.ip()))
                .record(AuditOutcome.SUCCESS);
        int digits = settings(a.tenantId()).codeDigits();
        // Step 12: the verification key goes to the authenticator over the TLS channel of this call.
        return new EnrolmentCompleted(a.authenticatorId(), a.tenantId(), tenantName(a.tenantId()), a.userId(),
                Base64.getUrlEncoder().withoutPadding().encodeToString(r.verificationKey().revealForCrypto()),
                ServerAuthCode.suite(digits).toString(), digits, r.recoveryCodes());
    }

    public List<Authenticator> listAuthenticators(String tenantId, String userId) {
        requireUser(tenantId, userId);
        return store.read(tx -> tx.listAuthenticators(tenantId, userId));
    }

    public Authenticator rename(String tenantId, String userId, String authenticatorId, String deviceName, Caller caller) {
        if (!store.read(tx -> tx.renameAuthenticator(tenantId, userId, authenticatorId, deviceName))) {
            throw OobFailure.notFound("authenticator");
        }
        audit.event(AuditAction.OOB_AUTHENTICATOR_RENAME).tenant(tenantId)
                .by(AuditActor.of(caller), caller.requestId()).about(AuditSubject.user(userId))
                .details(Map.of("authenticatorId", authenticatorId)).record(AuditOutcome.SUCCESS);
        return store.read(tx -> tx.findAuthenticator(tenantId, userId, authenticatorId)).orElseThrow();
    }

    /** Revokes one authenticator; its open streams close on every node. */
    public void revoke(String tenantId, String userId, String authenticatorId, Caller caller) {
        Authenticator a = store.read(tx -> tx.findAuthenticator(tenantId, userId, authenticatorId))
                .orElseThrow(() -> OobFailure.notFound("authenticator"));
        if (!a.active()) {
            throw OobFailure.conflict("the authenticator is already revoked");
        }
        store.inTransaction(tx -> {
            tx.lockUser(tenantId, userId);
            if (tx.revokeAuthenticator(tenantId, userId, authenticatorId, clock.instant())) {
                tx.announce(new Event(Kind.REVOKED, tenantId, userId, authenticatorId, "revoked"));
            }
            return null;
        });
        audit.event(AuditAction.OOB_AUTHENTICATOR_REVOKE).tenant(tenantId)
                .by(AuditActor.of(caller), caller.requestId()).about(AuditSubject.user(userId))
                .details(Map.of("authenticatorId", authenticatorId)).record(AuditOutcome.SUCCESS);
    }

    // ------------------------------------------------------------------------------------------------------------
    // §8.2 Server authentication request and §8.3 code generation and presentation (C-F2, C-F3, C-S4)
    // ------------------------------------------------------------------------------------------------------------

    /** §8.3 step 2's answer to the RP. {@code code} is absent while the request waits in the queue. */
    public record RequestCreated(String requestId, Status status, Optional<String> code, int digits, Instant expiresAt,
            int validitySeconds, int queuePosition, RelayMode mode, Optional<WebAuthnRequestOptions> webauthn) {}

    public RequestCreated createRequest(String tenantId, OobMessages.CreateRequest req, Caller caller) {
        Instant now = clock.instant();
        // §8.2 steps 1–3: the user typed the id at the terminal; the RP asks for server authentication information.
        // §8.3: the offset binds RP server address, RP session, terminal addresses, browser, user id and time.
        Offset offset = req.offset(now);
        // The request time is part of what the phone shows and the code covers; one far from our clock would make
        // an old or prepared offset look current (§8.3), so only a small skew is accepted.
        if (Duration.between(now, offset.requestTime()).abs().compareTo(requestTimeSkew) > 0) {
            throw OobFailure.invalid("requestTime must be within " + requestTimeSkew.toSeconds()
                    + " s of the verifier's clock (now " + now + ")");
        }
        String userId = req.userId();
        OobSettings s = settings(tenantId);
        // §9.1.1 relay-proof mode: the terminal's WebAuthn assertion must be made over the offset hash.
        String mode = RelayGuard.mode(req.mode());
        Optional<WebAuthnRequestOptions> webauthn = mode.equals(RelayGuard.WEBAUTHN_BOUND)
                ? Optional.of(relay.boundOptions(tenantId, userId, offset.hash())) : Optional.empty();
        Outcome outcome = store.inTransaction(tx -> flow.create(tx, tenantId, userId, offset, s, mode, webauthn, now));
        if (outcome instanceof Blocked b) {
            audit.event(AuditAction.OOB_REQUEST_CREATE).tenant(tenantId).by(AuditActor.of(caller), caller.requestId())
                    .about(AuditSubject.user(userId)).record(AuditOutcome.refused(b.why()));
            throw b.why();
        }
        RequestCreated created = ((Created) outcome).created();
        audit.event(AuditAction.OOB_REQUEST_CREATE).tenant(tenantId).by(AuditActor.of(caller), caller.requestId())
                .about(AuditSubject.user(userId))
                .details(Map.of("oobRequestId", created.requestId(), "status", created.status().wire(),
                        "terminalPublicIp", offset.terminalPublicIp()))
                .record(AuditOutcome.SUCCESS);
        // §8.3 steps 2–4: the RP shows the code (or its QR form) with the time left on the terminal.
        return created;
    }

    /** Ends the user's overdue requests and moves the queue ({@link OobRequestFlow#settle}) in its own transaction. */
    private void settle(String tenantId, String userId) {
        Instant now = clock.instant();
        OobSettings s = settings(tenantId);
        store.inTransaction(tx -> {
            flow.settleIfKnown(tx, tenantId, userId, now, s);
            return null;
        });
    }

    /** Periodic sweep so that expiry is announced even when nobody asks (streams learn a code has lapsed). */
    void sweep() {
        Instant now = clock.instant();
        for (OobTransaction.UserRef u : store.read(tx -> tx.usersWithOverdue(now, 500))) {
            settle(u.tenantId(), u.userId());
        }
        signatures.purge(now);
        enrolmentCodes.purge(now);
    }

    // ------------------------------------------------------------------------------------------------------------
    // §8.3 steps 5–7: what the authenticator receives (push and polling)
    // ------------------------------------------------------------------------------------------------------------

    /** Authenticates a stream or polling call by its query signature. */
    public Authenticator authenticateQuery(String method, String path, String authenticatorId, String ts, String sig) {
        Authenticator a = signatures.verifyQuery(method, path, authenticatorId, ts, sig);
        requireTenantActive(a);
        return a;
    }

    /** A disabled relying party's flows stop: its authenticators neither receive nor answer requests. */
    private void requireTenantActive(Authenticator a) {
        if (!tenantActive(a.tenantId())) {
            throw OobFailure.tenantDisabled();
        }
    }

    private boolean tenantActive(String tenantId) {
        return tenants.find(tenantId).map(Tenant::active).orElse(false);
    }

    /**
     * §9.2.3: an authenticator that registered an approval key must also sign the statement with it. The private
     * half exists only unwrapped with the user's PIN, and a wrong PIN yields a different key that nothing on the
     * device can tell from the right one, so each wrong PIN is a failed signature here: counted, and
     * {@value #MAX_PIN_FAILURES} in a row revoke the authenticator. The count is committed before the refusal.
     */
    private void requireApprovalSignature(Authenticator a, ApprovalStatement statement, String approvalSignature,
            Caller caller) {
        if (a.approvalKeySpki().isEmpty()) {
            return; // enrolled without one (the CLI authenticator keeps its own PIN-sealed key store)
        }
        if (approvalSignature == null) {
            throw OobFailure.signatureInvalid("this authenticator must also sign with its PIN-protected approval key");
        }
        ByteArray sig = AuthenticatorSignatures.decodeSignature(approvalSignature);
        boolean ok;
        try {
            ok = EcP256PublicKey.fromSpki(a.approvalKeySpki().get()).verify(statement.encode(), sig,
                    SignatureEncoding.P1363);
        } catch (SignatureFormatException e) {
            throw OobFailure.signatureMalformed(e.getMessage());
        }
        if (ok) {
            return;
        }
        Instant now = clock.instant();
        int failures = store.inTransaction(tx -> {
            int count = tx.recordPinFailure(a.authenticatorId(), MAX_PIN_FAILURES, now);
            if (count >= MAX_PIN_FAILURES) {
                tx.announce(new Event(Kind.REVOKED, a.tenantId(), a.userId(), a.authenticatorId(), "revoked"));
            }
            return count;
        });
        if (failures >= MAX_PIN_FAILURES) {
            audit.event(AuditAction.OOB_AUTHENTICATOR_PIN_LOCK).tenant(a.tenantId())
                    .by(AuditActor.authenticator(a.authenticatorId()), caller.requestId())
                    .about(AuditSubject.user(a.userId())).details(Map.of("authenticatorId", a.authenticatorId()))
                    .record(AuditOutcome.SUCCESS);
            throw OobFailure.authenticatorRevoked();
        }
        throw OobFailure.pinInvalid(MAX_PIN_FAILURES - failures);
    }

    /** The contract's request event: the canonical offset, which the authenticator decodes, shows and hashes. */
    public RequestEvent pushView(OobRequest r) {
        return pushView(r, RelayGuard.Relay.NONE);
    }

    /** The request event with the network check for the authenticator connected from {@code address} (§9.1.1). */
    public RequestEvent pushView(OobRequest r, String address) {
        return pushView(r, relay.forPush(r, address));
    }

    private RequestEvent pushView(OobRequest r, RelayGuard.Relay k) {
        return new RequestEvent(r.requestId(), r.tenantId(), tenantName(r.tenantId()), r.userId(),
                r.offsetBytes().toBase64Url(), r.digits(), r.expiresAt().toString(), k.network(), k.mode(),
                k.terminalBound());
    }

    /** {@link #pendingFor(Authenticator)} as seen from the authenticator's connecting address. */
    public List<RequestEvent> pendingFor(Authenticator a, String address) {
        settle(a.tenantId(), a.userId());
        List<OobRequest> active = store.read(tx -> tx.activeRequests(a.tenantId(), a.userId()));
        Instant now = clock.instant();
        return active.stream().filter(r -> r.status() == Status.PENDING && r.expiresAt().isAfter(now))
                .map(r -> pushView(r, address)).toList();
    }

    /** Requests the authenticator's user has pending now (polling fallback, and the first events of a stream). */
    public List<RequestEvent> pendingFor(Authenticator a) {
        settle(a.tenantId(), a.userId());
        List<OobRequest> active = store.read(tx -> tx.activeRequests(a.tenantId(), a.userId()));
        Instant now = clock.instant();
        return active.stream().filter(r -> r.status() == Status.PENDING && r.expiresAt().isAfter(now))
                .map(this::pushView).toList();
    }

    /** A REQUEST announcement heard on this node: push it to the user's streams held here. */
    void pushToLocalStreams(Event e) {
        List<OobEvents.Stream> streams = events.streams(e.tenantId(), e.userId());
        if (streams.isEmpty()) {
            return;
        }
        Optional<OobRequest> r = store.read(tx -> tx.findRequest(e.tenantId(), e.id()));
        if (r.isEmpty() || r.get().status() != Status.PENDING) {
            return;
        }
        for (OobEvents.Stream s : streams) {
            if (!s.send("request", Json.write(pushView(r.get(), s.address())))) {
                events.unregister(s);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // §8.4 Server authentication and §8.5 user authentication (C-F4, C-F5, C-S5)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The user compared the codes (§8.4 step 1) and chose; the authenticator signed the choice with its device key
     * (§8.5 step 1, the FIDO-style signature over the offset hash) and sends it (step 2). Step 3, checked here in
     * order, nothing changed until all pass: the signature verifies with a registered key, the authenticator is
     * active and belongs to the request's user, the statement is fresh, the request is still pending and in its
     * window, and offset hash and code are the request's own. The first valid answer wins.
     */
    public Status decide(OobMessages.Decide req, Caller caller) {
        ApprovalStatement statement = req.statement();
        ByteArray signature = AuthenticatorSignatures.decodeSignature(req.signature());
        Authenticator a = signatures.load(req.authenticatorId());
        AuditActor actor = AuditActor.authenticator(a.authenticatorId());
        try {
            AuthenticatorSignatures.requireValid(a, statement.encode(), signature);
            AuthenticatorSignatures.requireActive(a);
            requireTenantActive(a);
            signatures.requireFresh(statement.signedAt(), "signedAt");
            requireApprovalSignature(a, statement, req.approvalSignature(), caller);
            OobRequest r = store.read(tx -> tx.findRequest(a.tenantId(), req.requestId()))
                    .orElseThrow(() -> OobFailure.notFound("request"));
            if (!r.userId().equals(a.userId())) {
                // Another user's phone (same tenant) cannot answer this user's request.
                throw OobFailure.authenticatorMismatch();
            }
            Instant now = clock.instant();
            OobSettings s = settings(a.tenantId());
            Status decided = switch (statement.decision()) {
                case APPROVE -> Status.APPROVED;
                case REJECT -> Status.REJECTED;
                case CODES_DIFFER -> Status.CODES_DIFFER;
            };
            // §9.1.1: where the answering phone is, against the terminal the RP reported (placed before the lock).
            var networkCheck = relay.check(r, caller.ip());
            Optional<String> networkCheckJson = RelayGuard.checkJson(networkCheck);
            store.inTransaction(tx -> {
                flow.decide(tx, a, r.requestId(), statement, decided, s, now, caller.ip(), networkCheckJson);
                return null;
            });
            audit.event(AuditAction.OOB_REQUEST_DECIDE).tenant(a.tenantId())
                    .by(actor, caller.requestId()).about(AuditSubject.user(a.userId()))
                    .details(Map.of("oobRequestId", r.requestId(), "decision", decided.wire(),
                            "authenticatorId", a.authenticatorId(),
                            "networkVerdict", networkCheck.map(k -> k.verdict().wire()).orElse("unknown")))
                    .record(AuditOutcome.SUCCESS);
            return decided;
        } catch (FlowFailure e) {
            audit.event(AuditAction.OOB_REQUEST_DECIDE).tenant(a.tenantId())
                    .by(actor, caller.requestId()).about(AuditSubject.user(a.userId()))
                    .details(Map.of("oobRequestId", req.requestId(), "authenticatorId", a.authenticatorId()))
                    .record(AuditOutcome.refused(e));
            throw e;
        }
    }

    /**
     * The RP withdraws a request (the user pressed Cancel, or left): it ends as {@code cancelled}, the phones drop
     * it, and under the {@code block} policy the user may start a new one at once (§9.2.4). Cancelling a cancelled
     * request again is a no-op; a request already decided or expired stays as it is.
     */
    public RequestResult cancel(String tenantId, String requestId, Caller caller) {
        Instant now = clock.instant();
        OobRequest r = store.read(tx -> tx.findRequest(tenantId, requestId))
                .orElseThrow(() -> OobFailure.notFound("request"));
        OobSettings s = settings(tenantId);
        boolean changed;
        try {
            changed = store.inTransaction(tx -> flow.cancel(tx, tenantId, r.userId(), requestId, now, s));
        } catch (FlowFailure e) {
            audit.event(AuditAction.OOB_REQUEST_CANCEL).tenant(tenantId).by(AuditActor.of(caller), caller.requestId())
                    .about(AuditSubject.user(r.userId())).details(Map.of("oobRequestId", requestId))
                    .record(AuditOutcome.refused(e));
            throw e;
        }
        if (changed) {
            audit.event(AuditAction.OOB_REQUEST_CANCEL).tenant(tenantId).by(AuditActor.of(caller), caller.requestId())
                    .about(AuditSubject.user(r.userId())).details(Map.of("oobRequestId", requestId))
                    .record(AuditOutcome.SUCCESS);
        }
        return result(tenantId, requestId, caller);
    }

    /** §8.5 step 4: the result for the RP; a replacement password (C-S5) is included the first time only. */
    public RequestResult result(String tenantId, String requestId, Caller caller) {
        OobRequest r = current(tenantId, requestId);
        Integer queuePosition = r.status() == Status.QUEUED ? queuePosition(r) : null;
        // A request that came out of the queue shows its code only now (C-S4).
        boolean shown = r.status() == Status.PENDING;
        String code = shown ? keys.openText(tenantId, requestId, VerificationKeys.REQUEST_CODE, r.codeSealed()) : null;
        String deviceName = r.authenticatorId()
                .flatMap(id -> store.read(tx -> tx.findAuthenticator(tenantId, r.userId(), id)))
                .map(Authenticator::deviceName).orElse(null);
        RelayGuard.Relay k = relay.forResult(tenantId, requestId);
        String replacementPassword = null;
        if (r.status() == Status.APPROVED && r.replacementPasswordSealed().isPresent()) {
            Optional<String> sealed = store.read(tx -> tx.takeReplacementPassword(tenantId, requestId));
            if (sealed.isPresent()) {
                replacementPassword = keys.openText(tenantId, requestId, VerificationKeys.REPLACEMENT_PASSWORD,
                        sealed.get());
                audit.event(AuditAction.OOB_PASSWORD_RENEW).tenant(tenantId)
                        .by(AuditActor.of(caller), caller.requestId()).about(AuditSubject.user(r.userId()))
                        .details(Map.of("oobRequestId", requestId)).record(AuditOutcome.SUCCESS);
            }
        }
        return new RequestResult(r.requestId(), r.userId(), r.status(), queuePosition, code,
                shown ? r.digits() : null, shown ? r.expiresAt().toString() : null,
                r.decidedAt().map(Instant::toString).orElse(null), r.authenticatorId().orElse(null), deviceName,
                k.mode(), k.terminalBound(), k.network(), replacementPassword);
    }

    /**
     * Long-poll (C-F5): answers at once if the request has ended, otherwise when an announcement about it arrives
     * from any node or after {@code waitSeconds}. No database connection is held while waiting.
     */
    public CompletableFuture<RequestResult> awaitResult(String tenantId, String requestId, int waitSeconds, Caller caller) {
        if (waitSeconds <= 0 || !current(tenantId, requestId).status().active()) {
            return CompletableFuture.completedFuture(result(tenantId, requestId, caller));
        }
        CompletableFuture<Void> change = events.awaitChange(requestId);
        // Re-read after registering, so a change between the first read and the registration is not missed.
        if (!current(tenantId, requestId).status().active()) {
            events.forget(requestId, change);
            return CompletableFuture.completedFuture(result(tenantId, requestId, caller));
        }
        return change.completeOnTimeout(null, waitSeconds, TimeUnit.SECONDS)
                .thenApplyAsync(v -> {
                    events.forget(requestId, change);
                    return result(tenantId, requestId, caller);
                }, waitExecutor);
    }

    /** §9.1.1 WebAuthn-bound mode: the RP submits the assertion its page made at the terminal over the offset hash. */
    public TerminalBound bindTerminal(String tenantId, String requestId,
            LocalCredentialService.WebAuthnAssertion assertion, Caller caller) {
        return relay.bindTerminal(tenantId, current(tenantId, requestId), assertion, caller);
    }

    /** The request with lazy expiry applied (the sweep may not have run yet). */
    private OobRequest current(String tenantId, String requestId) {
        OobRequest r = store.read(tx -> tx.findRequest(tenantId, requestId))
                .orElseThrow(() -> OobFailure.notFound("request"));
        if (r.status().active() && !r.expiresAt().isAfter(clock.instant())) {
            settle(tenantId, r.userId());
            r = store.read(tx -> tx.findRequest(tenantId, requestId)).orElseThrow();
        }
        return r;
    }

    private int queuePosition(OobRequest r) {
        List<OobRequest> active = store.read(tx -> tx.activeRequests(r.tenantId(), r.userId()));
        int position = 0;
        for (OobRequest other : active) {
            if (other.requestId().equals(r.requestId())) {
                return position;
            }
            position++;
        }
        return position;
    }

    // ------------------------------------------------------------------------------------------------------------
    // §9.2 controls: password restriction (C-S1), release and recovery (C-S2)
    // ------------------------------------------------------------------------------------------------------------

    /** §9.2.1: is password login turned off for this user. */
    public boolean passwordLoginDisabled(String tenantId, String userId) {
        requireUser(tenantId, userId);
        return store.read(tx -> tx.findUser(tenantId, userId)).map(UserState::passwordLoginDisabled).orElse(false);
    }

    /**
     * §9.2.1: the RP may allow only out-of-band login for users with an authenticator. Turning it on for a user
     * without one would lock them out, so that is refused.
     */
    public boolean setPasswordLoginDisabled(String tenantId, String userId, boolean disabled, Caller caller) {
        requireUser(tenantId, userId);
        Instant now = clock.instant();
        boolean ok = store.inTransaction(tx -> flow.setPasswordLoginDisabled(tx, tenantId, userId, disabled, now));
        if (!ok) {
            throw OobFailure.noAuthenticator();
        }
        audit.event(AuditAction.OOB_PASSWORD_LOGIN_SET).tenant(tenantId).by(AuditActor.of(caller), caller.requestId())
                .about(AuditSubject.user(userId)).details(Map.of("disabled", Boolean.toString(disabled)))
                .record(AuditOutcome.SUCCESS);
        return disabled;
    }

    public record Released(String passwordResetToken, int revokedAuthenticators) {}

    /**
     * §9.2.2 (C-S2): the RP has confirmed the user's identity another way. Every authenticator is revoked, the
     * verification key deleted (re-enrolment makes a new one), open requests cancelled and password login enabled
     * again; the RP gets a one-time token for its own password reset.
     */
    public Released release(String tenantId, String userId, Caller caller) {
        requireUser(tenantId, userId);
        Instant now = clock.instant();
        int revoked = store.inTransaction(tx -> flow.release(tx, tenantId, userId, now));
        audit.event(AuditAction.OOB_RELEASE).tenant(tenantId).by(AuditActor.of(caller), caller.requestId())
                .about(AuditSubject.user(userId)).details(Map.of("revokedAuthenticators", Integer.toString(revoked)))
                .record(AuditOutcome.SUCCESS);
        return new Released(resetToken(), revoked);
    }

    /**
     * §9.2.2 with a recovery code given at first enrolment instead of the RP's help desk. Each code works once;
     * {@value RecoveryCodes#MAX_FAILURES} wrong codes within {@link RecoveryCodes#WINDOW} lock recovery for the user.
     */
    public Released recover(String tenantId, String userId, String typedCode, Caller caller) {
        requireUser(tenantId, userId);
        Instant now = clock.instant();
        RecoveryOutcome outcome = store.inTransaction(tx -> flow.recover(tx, tenantId, userId, typedCode, now));
        if (outcome instanceof Recovered r) {
            audit.event(AuditAction.OOB_RECOVER).tenant(tenantId).by(AuditActor.of(caller), caller.requestId())
                    .about(AuditSubject.user(userId))
                    .details(Map.of("revokedAuthenticators", Integer.toString(r.revoked())))
                    .record(AuditOutcome.SUCCESS);
            return new Released(resetToken(), r.revoked());
        }
        if (outcome instanceof Locked l) {
            audit.event(AuditAction.OOB_RECOVER).tenant(tenantId).by(AuditActor.of(caller), caller.requestId())
                    .about(AuditSubject.user(userId))
                    .details(Map.of("retryAfterSeconds", Long.toString(l.retryAfterSeconds())))
                    .record(AuditOutcome.refused(OobFailure.Reason.RECOVERY_LOCKED.code()));
            throw OobFailure.recoveryLocked(l.retryAfterSeconds());
        }
        audit.event(AuditAction.OOB_RECOVER).tenant(tenantId).by(AuditActor.of(caller), caller.requestId())
                .about(AuditSubject.user(userId))
                .record(AuditOutcome.refused(OobFailure.Reason.RECOVERY_CODE_INVALID.code()));
        throw OobFailure.recoveryCodeInvalid();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Settings
    // ------------------------------------------------------------------------------------------------------------

    public OobSettings settings(String tenantId) {
        return store.read(tx -> tx.settings(tenantId));
    }

    public OobSettings saveSettings(String tenantId, OobSettings s, Caller caller) {
        store.inTransaction(tx -> {
            tx.saveSettings(tenantId, s);
            return null;
        });
        audit.event(AuditAction.OOB_SETTINGS_UPDATE).tenant(tenantId).by(AuditActor.of(caller), caller.requestId())
                .about(AuditSubject.tenant(tenantId))
                .details(Map.of("codeDigits", s.codeDigits().toString(),
                        "validitySeconds", s.validitySeconds().toString(),
                        "concurrentRequests", s.concurrentRequests(),
                        "passwordRenewal", s.passwordRenewal().toString()))
                .record(AuditOutcome.SUCCESS);
        return s;
    }

    // ------------------------------------------------------------------------------------------------------------

    private void requireUser(String tenantId, String userId) {
        if (!users.exists(tenantId, userId)) {
            throw OobFailure.notFound("user");
        }
    }

    String tenantName(String tenantId) {
        return tenants.find(tenantId).map(Tenant::displayName).orElse(tenantId);
    }

    private String resetToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** JSON for stream events. */
    static final class Json {
        private static final ObjectMapper MAPPER = new ObjectMapper();

        private Json() {}

        static String write(Object o) {
            try {
                return MAPPER.writeValueAsString(o);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

}
