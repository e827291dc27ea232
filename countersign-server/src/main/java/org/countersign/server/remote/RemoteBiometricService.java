package org.countersign.server.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.face.FrameSignals;
import org.countersign.biometrics.liveness.Action;
import org.countersign.biometrics.liveness.CapturedFrame;
import org.countersign.biometrics.liveness.Explanation;
import org.countersign.biometrics.liveness.JudgePolicy;
import org.countersign.biometrics.liveness.LivenessChallenge;
import org.countersign.biometrics.liveness.LivenessJudge;
import org.countersign.biometrics.liveness.LivenessJudgement;
import org.countersign.biometrics.liveness.LivenessReason;
import org.countersign.biometrics.liveness.timing.PromptTiming;
import org.countersign.biometrics.liveness.timing.ScreenLightCheck;
import org.countersign.biometrics.liveness.timing.ServerTimeline;
import org.countersign.biometrics.protect.TemplateProtector;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.Sha256;
import org.countersign.core.channel.ChannelException;
import org.countersign.core.remote.RemoteMessageType;
import org.countersign.core.remote.RemotePayload;
import org.countersign.core.srp.SrpDigest;
import org.countersign.core.srp.SrpGroup;
import org.countersign.core.srp.SrpParameters;
import org.countersign.core.srp.SrpVerifier;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;
import org.countersign.server.remote.Messages.Assurance;
import org.countersign.server.remote.Messages.CaptureLimits;
import org.countersign.server.remote.Messages.SealedCapture;
import org.countersign.server.remote.Messages.SealedChallenge;
import org.countersign.server.remote.Messages.SealedRequest;
import org.countersign.server.remote.Messages.SealedResult;

/**
 * The three flows of ITU-T X.1279 §8.2 — registration (§8.2.1, A-F1), authentication (§8.2.2, A-F2) and
 * deregistration (§8.2.3, A-F3) — top to bottom, with the step numbers of the Recommendation. The collaborators do
 * the work: {@link SecureSessions} (step 2, the SRP channel), {@link RiskPolicyEngine} (step 4), {@link LivenessJudge}
 * (step 9, ASD re-judged on the server), {@link ReferenceVault} (steps 9–10, protected references).
 *
 * <p>Steps 1, 5–7 and 12 happen on the client. Steps 3–4 are {@link #request}; steps 8–11 are {@link #capture}.
 * Raw frames live only in memory for the length of one request (A-S6, D-3); only their hashes are kept.
 */
public final class RemoteBiometricService {
    /**
     * Judge refusals that say "this capture cannot be judged" rather than "this looks like an attack": any of these
     * makes the capture unusable (422, capture again), whatever else the judge found. Quality alone does too.
     */
    static final Set<LivenessReason> UNUSABLE = Set.of(LivenessReason.TOO_FEW_FRAMES,
            LivenessReason.FRAMES_OUT_OF_ORDER, LivenessReason.NO_FACE, LivenessReason.SEVERAL_FACES);
    static final int MAX_FRAMES = 64;
    static final int MAX_FRAME_BYTES = 512 * 1024;
    static final int MAX_SIDE = 1280;
    static final Duration ENROLMENT_TTL = Duration.ofMinutes(15);
    /** How long an authentication the RP opened waits for its device. */
    static final Duration OPEN_TTL = Duration.ofMinutes(10);
    static final String CHANNEL = "TLS + SRP-6a (RFC 5054 2048-bit, SHA-256) + AES-256-GCM per direction";

    /** The face engine and the judge, opened on first use (models cost memory and start-up time). */
    public record Engines(FaceAnalyzer analyzer, LivenessJudge judge) {}

    private final RemoteStore store;
    private final SecureSessions sessions;
    private final RiskPolicyEngine risk;
    private final ReferenceVault vault;
    private final Supplier<Engines> engines;
    private final JudgePolicy judgePolicy;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final SecureRandom random;
    private final Clock clock;
    private final LiveCaptures live = new LiveCaptures();
    /** The live checks' explanation of a capture being decided, added to its assurance (dropped when decided). */
    private final Map<String, List<Messages.JudgeCheck>> liveExplanations = new ConcurrentHashMap<>();
    private final PromptSchedule schedule;
    private final LiveSettings liveSettings;

    /**
     * Live capture settings. {@code required}: refuse captures that were not streamed with server-timed prompts
     * (off while the CLI agent has no live mode). {@code enforceScreenLight}: refuse when the face's colour did not
     * follow the flashes (off by default: it is measured and reported in the explanation, see docs/liveness.md).
     */
    public record LiveSettings(boolean required, boolean enforceScreenLight, int flashes, int flashMillis,
            int responseMillis) {
        public static LiveSettings defaults() {
            return new LiveSettings(false, false, 4, 300, 2200);
        }
    }

    public RemoteBiometricService(RemoteStore store, SecureSessions sessions, RiskPolicyEngine risk, ReferenceVault vault,
            Supplier<Engines> engines, JudgePolicy judgePolicy, AuditLog audit, ObjectMapper json, SecureRandom random,
            Clock clock) {
        this(store, sessions, risk, vault, engines, judgePolicy, audit, json, random, clock, PromptSchedule.random(),
                LiveSettings.defaults());
    }

    public RemoteBiometricService(RemoteStore store, SecureSessions sessions, RiskPolicyEngine risk, ReferenceVault vault,
            Supplier<Engines> engines, JudgePolicy judgePolicy, AuditLog audit, ObjectMapper json, SecureRandom random,
            Clock clock, PromptSchedule schedule, LiveSettings liveSettings) {
        this.store = store;
        this.sessions = sessions;
        this.risk = risk;
        this.vault = vault;
        this.engines = engines;
        this.judgePolicy = judgePolicy;
        this.audit = audit;
        this.json = json;
        this.random = random;
        this.clock = clock;
        this.schedule = schedule;
        this.liveSettings = liveSettings;
    }

    public SecureSessions sessions() {
        return sessions;
    }

    // ---- pre-condition of §8.2.1: the RP authenticated the user its own way and enrols the device ----------------

    /** The RP, having authenticated the user by its own means, issues a one-time code for one device. */
    public Messages.EnrolmentIssued issueEnrolment(String tenant, String userId, String deviceType, String actor,
            String requestId) {
        byte[] raw = new byte[16];
        random.nextBytes(raw);
        String code = ByteArray.copyOf(raw).toBase64Url();
        Instant now = clock.instant();
        store.insertEnrolment(Sha256.of(ByteArray.ofUtf8(code)), tenant, userId, deviceType, now, now.plus(ENROLMENT_TTL));
        audit.event(AuditAction.REMOTE_ENROLMENT_ISSUE).tenant(tenant).by(AuditActor.principal(actor), requestId)
                .about(AuditSubject.user(userId)).details(Map.of("deviceType", deviceType))
                .record(AuditOutcome.SUCCESS);
        return new Messages.EnrolmentIssued(code, userId, deviceType, now.plus(ENROLMENT_TTL).toString());
    }

    /**
     * The RP, having authenticated the user its own way, allows one reference write (REGISTER, first or
     * replacement) or one removal (DEREGISTER) for that user: a single-use code, shown once, stored as a hash.
     */
    public Messages.GrantIssued issueGrant(String tenant, String userId, Operation op, String actor,
            String requestId) {
        if (op == Operation.AUTHENTICATE) {
            throw new RemoteException(RemoteException.Kind.INVALID, "operation must be REGISTER or DEREGISTER");
        }
        String code = newId();
        Instant now = clock.instant();
        store.insertGrant(Sha256.of(ByteArray.ofUtf8(code)), tenant, userId, op, now, now.plus(ENROLMENT_TTL));
        audit.event(AuditAction.REMOTE_GRANT_ISSUE).tenant(tenant).by(AuditActor.principal(actor), requestId)
                .about(AuditSubject.user(userId)).details(Map.of("operation", op.name())).record(AuditOutcome.SUCCESS);
        return new Messages.GrantIssued(code, userId, op, now.plus(ENROLMENT_TTL).toString());
    }

    /**
     * X.1279 §8.2.2 step 3 on the RP's side: the RP opens an authentication with the user, the transaction value
     * and its own risk data; the id it gets back is the challenge id the device must answer.
     */
    public Messages.AuthenticationOpened openAuthentication(String tenant, Messages.OpenAuthentication o, String actor,
            String requestId) {
        Messages.RpRisk r = o.risk() == null ? Messages.RpRisk.none() : o.risk();
        int extra = r.extraActions() == null ? 0 : r.extraActions();
        if (extra < 0 || extra > 2) {
            throw new RemoteException(RemoteException.Kind.INVALID, "risk.extraActions must be 0..2");
        }
        if (o.transactionValue() != null && o.transactionValue() < 0) {
            throw new RemoteException(RemoteException.Kind.INVALID, "transactionValue must not be negative");
        }
        Instant now = clock.instant();
        String id = newId();
        Instant expires = now.plus(OPEN_TTL);
        store.insertOpened(new RemoteStore.Opened(id, tenant, o.userId(), o.transactionValue(), write(r), expires), now);
        audit.event(AuditAction.REMOTE_AUTHENTICATION_OPEN).tenant(tenant).by(AuditActor.principal(actor), requestId)
                .about(AuditSubject.user(o.userId()))
                .details(Map.of("challengeId", id, "transactionValue", String.valueOf(o.transactionValue())))
                .record(AuditOutcome.SUCCESS);
        return new Messages.AuthenticationOpened(id, o.userId(), o.transactionValue(), expires.toString());
    }

    /** The RP consumes an outcome once: a second call is refused, so one ACCEPTED cannot authorise twice. */
    public Messages.ChallengeView consume(String tenant, String challengeId, String actor, String requestId) {
        Messages.ChallengeView v = challenge(tenant, challengeId);
        if (v.outcome() == null) {
            throw new RemoteException(RemoteException.Kind.CHALLENGE_INVALID, "no outcome yet",
                    List.of(RemoteReason.OUTCOME_NOT_READY));
        }
        if (!store.consumeOutcome(tenant, challengeId, clock.instant())) {
            throw new RemoteException(RemoteException.Kind.CHALLENGE_INVALID, "this outcome was consumed already",
                    List.of(RemoteReason.OUTCOME_ALREADY_CONSUMED));
        }
        audit.event(AuditAction.REMOTE_OUTCOME_CONSUME).tenant(tenant).by(AuditActor.principal(actor), requestId)
                .about(AuditSubject.user(v.userId()))
                .details(Map.of("challengeId", challengeId, "outcome", v.outcome().name())).record(AuditOutcome.SUCCESS);
        return new Messages.ChallengeView(v.challengeId(), v.userId(), v.deviceId(), v.operation(), v.status(),
                v.outcome(), v.reasons(), v.assurance(), v.issuedAt(), v.authorisation(), true);
    }

    private ByteArray validGrant(String tenant, String user, Operation op, String grant, Instant now) {
        ByteArray h = Sha256.of(ByteArray.ofUtf8(grant));
        if (store.findGrant(h, tenant, user, op, now).isEmpty()) {
            throw new RemoteException(RemoteException.Kind.GRANT_INVALID, "grant unknown, used, expired, or issued"
                    + " for another user or operation", List.of(RemoteReason.GRANT_INVALID));
        }
        return h;
    }

    private void requireConsent(String tenant, String user) {
        if (!store.hasConsent(tenant, user, RemotePrivacy.NOTICE.version())) {
            throw new RemoteException(RemoteException.Kind.CONSENT_REQUIRED, "the relying party must record the"
                    + " user's consent to privacy notice " + RemotePrivacy.NOTICE.version() + " first",
                    List.of(RemoteReason.CONSENT_REQUIRED));
        }
    }

    public void auditLockoutsCleared(String tenant, String deviceId, int n, String actor, String requestId) {
        audit.event(AuditAction.REMOTE_SRP_UNLOCK).tenant(tenant).by(AuditActor.principal(actor), requestId)
                .about(AuditSubject.device(deviceId)).details(Map.of("sourcesCleared", String.valueOf(n)))
                .record(AuditOutcome.SUCCESS);
    }

    // ---- consent and data-subject rights (27553-1 10.2, B-P1, as in local mode) --------------------------------

    public void grantConsent(String tenant, String user, String version, String actor, String requestId) {
        if (!RemotePrivacy.NOTICE.version().equals(version)) {
            throw new RemoteException(RemoteException.Kind.INVALID, "noticeVersion must be the current notice, "
                    + RemotePrivacy.NOTICE.version());
        }
        store.grantConsent(tenant, user, version, clock.instant());
        audit.event(AuditAction.REMOTE_CONSENT_GRANT).tenant(tenant).by(AuditActor.principal(actor), requestId)
                .about(AuditSubject.user(user)).details(Map.of("noticeVersion", version)).record(AuditOutcome.SUCCESS);
    }

    /** Withdrawal also erases the user's references and devices: without consent nothing may be kept. */
    public int withdrawConsent(String tenant, String user, String actor, String requestId) {
        store.withdrawConsent(tenant, user, RemotePrivacy.NOTICE.version(), clock.instant());
        int erased = store.eraseUser(tenant, user);
        audit.event(AuditAction.REMOTE_CONSENT_WITHDRAW).tenant(tenant).by(AuditActor.principal(actor), requestId)
                .about(AuditSubject.user(user)).details(Map.of("rowsErased", String.valueOf(erased)))
                .record(AuditOutcome.SUCCESS);
        return erased;
    }

    /** What the verifier holds about the user in remote mode (no template, no image: metadata only). */
    public Messages.DataExport export(String tenant, String user) {
        return new Messages.DataExport(user, RemotePrivacy.NOTICE.version(),
                store.hasConsent(tenant, user, RemotePrivacy.NOTICE.version()),
                store.devices(tenant, user).stream().map(d -> new Messages.DeviceView(d.deviceId(), d.deviceType(),
                        d.createdAt().toString())).toList(),
                store.references(tenant, user, "").stream().map(r -> new Messages.ReferenceView(r.deviceType(),
                        TemplateProtector.PROTECTION_LEVEL + " " + r.scheme(), r.source(), r.createdAt().toString()))
                        .toList());
    }

    public int erase(String tenant, String user, String actor, String requestId) {
        int n = store.eraseUser(tenant, user);
        audit.event(AuditAction.REMOTE_DATA_ERASE).tenant(tenant).by(AuditActor.principal(actor), requestId)
                .about(AuditSubject.user(user)).details(Map.of("rows", String.valueOf(n))).record(AuditOutcome.SUCCESS);
        return n;
    }

    /**
     * The device presents the code and its SRP verifier (never the secret): the device is bound to the user and
     * from now on proves itself with SRP (A-C5, A-G2, A-G7).
     */
    public Messages.DeviceRegistered registerDevice(Messages.DeviceRegistration r, String requestId) {
        SrpParameters params;
        ByteArray salt;
        ByteArray verifier;
        try {
            params = new SrpParameters(SrpGroup.valueOf(r.srpGroup()), SrpDigest.valueOf(r.srpHash()));
            salt = ByteArray.fromBase64Url(r.salt());
            verifier = ByteArray.fromBase64Url(r.verifier());
            new SrpVerifier(params, r.deviceId(), salt, verifier);
        } catch (RuntimeException e) {
            throw new RemoteException(RemoteException.Kind.INVALID, "SRP parameters: " + e.getMessage());
        }
        if (params.isTestOnly()) {
            throw new RemoteException(RemoteException.Kind.INVALID, "the SRP group must have 2048 bits or more");
        }
        ByteArray codeHash = Sha256.of(ByteArray.ofUtf8(r.enrolmentCode()));
        Instant now = clock.instant();
        RemoteStore.Enrolment e = store.findEnrolment(codeHash, r.tenant(), now).orElseThrow(() ->
                new RemoteException(RemoteException.Kind.ENROLMENT_INVALID, "enrolment code unknown, used or expired"));
        RemoteStore.Device d = new RemoteStore.Device(r.tenant(), r.deviceId(), e.userId(), e.deviceType(),
                params.group().name(), params.digest().name(), salt, verifier, now);
        switch (store.insertDevice(codeHash, d, now)) {
            case ENROLMENT_INVALID -> throw new RemoteException(RemoteException.Kind.ENROLMENT_INVALID,
                    "enrolment code unknown, used or expired");
            case DEVICE_EXISTS -> throw new RemoteException(RemoteException.Kind.DEVICE_EXISTS,
                    "device id already registered; generate a new one");
            case CREATED -> { }
        }
        audit.event(AuditAction.REMOTE_DEVICE_REGISTER).tenant(r.tenant())
                .by(AuditActor.device(r.deviceId()), requestId).about(AuditSubject.user(e.userId()))
                .details(Map.of("deviceType", e.deviceType())).record(AuditOutcome.SUCCESS);
        return new Messages.DeviceRegistered(r.deviceId(), e.userId(), e.deviceType());
    }

    // ---- steps 3 and 4 of §8.2.1, §8.2.2 and §8.2.3 --------------------------------------------------------------

    /**
     * Step 3 (the client's request with risk data, received sealed) and step 4 (the decision logic answers with
     * biometric type and ASD type, sealed and bound to a fresh nonce).
     */
    public ByteArray request(SecureSessions.Inbound in, String requestId) {
        RemoteStore.Device device = in.device();
        SealedRequest req = read(in.payload(), SealedRequest.class);
        if (req.operation() == null || req.userId() == null) {
            throw new RemoteException(RemoteException.Kind.INVALID, "operation and userId are required");
        }
        // A-G1: the channel authenticates the device; the device may act only for the user it was enrolled for.
        if (!req.userId().equals(device.userId())) {
            throw new RemoteException(RemoteException.Kind.CLIENT_MISMATCH, "this device is enrolled for another user");
        }
        String tenant = device.tenantId();
        Instant now = clock.instant();
        List<RemoteStore.Reference> refs = store.references(tenant, device.userId(), device.deviceType());
        if (req.operation() != Operation.REGISTER && refs.isEmpty()) {
            throw new RemoteException(RemoteException.Kind.NOT_REGISTERED, "register a reference first (X.1279 §8.2.1)");
        }
        if (req.operation() != Operation.DEREGISTER) {
            requireConsent(tenant, device.userId());
        }
        String authorisation = null;
        ByteArray grantHash = null;
        String challengeId = null;
        RiskSignals.RelyingParty rp = RiskSignals.RelyingParty.NONE;
        Long value = req.transactionValue();
        switch (req.operation()) {
            case REGISTER -> {
                // §8.2.1 pre-condition: writing a reference, first or replacement, needs the RP's fresh grant, or
                // (replacement only) this very capture matching the reference it replaces.
                boolean replacing = refs.stream().anyMatch(r -> r.deviceType().equals(device.deviceType()));
                if (req.grant() != null) {
                    grantHash = validGrant(tenant, device.userId(), Operation.REGISTER, req.grant(), now);
                    authorisation = "grant";
                } else if (replacing) {
                    authorisation = "match";
                } else {
                    throw new RemoteException(RemoteException.Kind.GRANT_INVALID, "a registration needs a grant from"
                            + " the relying party (X.1279 §8.2.1)", List.of(RemoteReason.GRANT_REQUIRED));
                }
            }
            case DEREGISTER -> {
                if (req.grant() == null) {
                    throw new RemoteException(RemoteException.Kind.GRANT_INVALID, "a deregistration needs a grant from"
                            + " the relying party (X.1279 §8.2.3)", List.of(RemoteReason.GRANT_REQUIRED));
                }
                grantHash = validGrant(tenant, device.userId(), Operation.DEREGISTER, req.grant(), now);
                authorisation = "grant";
            }
            case AUTHENTICATE -> {
                // §8.2.2 step 3, A-S5: the RP opens the authentication with its own risk data; the device answers it.
                if (req.challengeId() == null) {
                    throw new RemoteException(RemoteException.Kind.CHALLENGE_INVALID, "an authentication must be"
                            + " opened by the relying party: pass its challengeId", List.of(RemoteReason.NOT_OPENED_BY_RP));
                }
                RemoteStore.Opened o = store.takeOpened(tenant, req.challengeId(), device.userId(), now).orElseThrow(
                        () -> new RemoteException(RemoteException.Kind.CHALLENGE_INVALID, "no open authentication"
                                + " with this id for this user (unknown, expired or already taken)",
                                List.of(RemoteReason.NOT_OPENED_BY_RP)));
                challengeId = o.challengeId();
                Messages.RpRisk r = readRpRisk(o.rpRiskJson());
                rp = new RiskSignals.RelyingParty(r.extraActions() == null ? 0 : r.extraActions(),
                        Boolean.TRUE.equals(r.secondModality()));
                // The device may raise the value (a stricter bar), never lower the RP's.
                value = higher(o.transactionValue(), req.transactionValue());
                if (Boolean.TRUE.equals(r.emulator()) || Boolean.TRUE.equals(r.rooted())) {
                    Messages.DeviceRisk d = req.device();
                    req = new SealedRequest(req.operation(), req.userId(), new Messages.DeviceRisk(
                            Boolean.TRUE.equals(r.emulator()) || (d != null && Boolean.TRUE.equals(d.emulator())),
                            Boolean.TRUE.equals(r.rooted()) || (d != null && Boolean.TRUE.equals(d.rooted())),
                            d == null ? "" : d.osName(), d == null ? "" : d.osVersion(), d == null ? "" : d.model()),
                            value, req.challengeId(), null);
                }
            }
        }
        RiskPolicy policy = policy(tenant);
        String network = in.session().clientNetwork();
        RemoteStore.History h = store.history(tenant, device.userId(), device.deviceId(), network,
                now.minus(Duration.ofMinutes(policy.failureWindowMinutes())));
        Messages.DeviceRisk dr = req.device() == null ? new Messages.DeviceRisk(false, false, "", "", "") : req.device();
        RiskSignals signals = new RiskSignals(req.operation(),
                new RiskSignals.Device(h.deviceKnown(), Boolean.TRUE.equals(dr.emulator()),
                        Boolean.TRUE.equals(dr.rooted()), dr.osName(), dr.osVersion()),
                new RiskSignals.User(h.recentFailures(), !h.networkSeen(),
                        h.lastSuccess().map(t -> Duration.between(t, now))),
                value == null ? OptionalLong.empty() : OptionalLong.of(value), rp);
        RiskDecision decision = risk.decide(policy, signals);

        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        if (challengeId == null) {
            challengeId = newId();
        }
        Instant expires = now.plusMillis(decision.timeLimitMillis()).plus(judgePolicy.sequence().submissionGrace());
        store.insertChallenge(RemoteStore.Challenge.builder()
                .challengeId(challengeId).tenantId(tenant).userId(device.userId()).deviceId(device.deviceId())
                .sessionId(in.session().sessionId())
                .operation(req.operation()).actions(decision.actions().stream().map(Action::name).toList())
                .timeLimitMillis(decision.timeLimitMillis()).nonce(ByteArray.copyOf(nonce))
                .decisionJson(write(decision)).clientNetwork(network)
                .issuedAt(now).expiresAt(expires)
                .authorisation(Optional.ofNullable(authorisation)).grantHash(Optional.ofNullable(grantHash))
                .build());
        JudgePolicy.Sequence seq = judgePolicy.sequence();
        // Live capture plan: the screen-light colours are drawn now and kept in memory; prompts come later.
        List<ScreenLightCheck.Colour> colours = ScreenLightCheck.draw(random, liveSettings.flashes());
        live.purge(now, judgePolicy.sequence().submissionGrace());
        live.open(challengeId, expires, colours, liveSettings.flashMillis());
        int n = decision.actions().size();
        int expected = liveSettings.flashes() * liveSettings.flashMillis() + PromptSchedule.maxWaitMillis(0)
                + Math.max(0, n - 1) * PromptSchedule.maxWaitMillis(1) + liveSettings.responseMillis();
        Messages.LivePlan plan = new Messages.LivePlan(colours.stream().map(ScreenLightCheck.Colour::css).toList(),
                liveSettings.flashMillis(), liveSettings.responseMillis(), expected);
        SealedChallenge out = new SealedChallenge(challengeId, req.operation(), decision.biometricType(),
                decision.actions(), decision.timeLimitMillis(), decision.padRequired(),
                decision.secondModalityRequired(), decision.rules(), ByteArray.copyOf(nonce).toBase64Url(),
                expires.toString(), new CaptureLimits(seq.minFrames(), MAX_FRAMES, MAX_FRAME_BYTES, MAX_SIDE,
                        seq.minFrameRate(), (int) seq.maxFrameGap().toMillis()), plan);
        audit.event(AuditAction.REMOTE_CHALLENGE).tenant(tenant).by(AuditActor.device(device.deviceId()), requestId)
                .about(AuditSubject.user(device.userId()))
                .details(Map.of("operation", req.operation().name(), "actions", decision.actions().toString(),
                        "rules", decision.rules().stream().map(RiskDecision.FiredRule::id).toList().toString(),
                        "authorisation", authorisation == null ? "-" : authorisation))
                .record(AuditOutcome.SUCCESS);
        return sessions.seal(in, RemoteMessageType.CHALLENGE, ByteArray.copyOf(nonce), RemotePayload.of(write(out)));
    }

    // ---- live capture: step 8 streamed, with server-timed prompts -------------------------------------------------

    /**
     * One batch of a live capture. The server notes when the batch arrived, keeps its frames in memory, then waits
     * until the moment it chose for the next prompt and answers with it: one round trip per action. The answer's
     * send time is the prompt's time for {@link PromptTiming}.
     */
    public ByteArray frames(SecureSessions.Inbound in, String requestId) {
        Instant received = clock.instant();
        RemoteStore.Device device = in.device();
        Messages.SealedFrames batch = read(in.payload(), Messages.SealedFrames.class);
        if (batch.challengeId() == null || batch.frames() == null) {
            throw new RemoteException(RemoteException.Kind.INVALID, "challengeId and frames are required");
        }
        RemoteStore.Challenge ch = store.findChallenge(device.tenantId(), batch.challengeId())
                .filter(c -> c.deviceId().equals(device.deviceId()) && c.status() == ChallengeStatus.OPEN)
                .orElseThrow(() -> new RemoteException(RemoteException.Kind.CHALLENGE_INVALID, "unknown challenge"));
        if (!ch.nonce().constantTimeEquals(in.message().serverNonce())) {
            throw new RemoteException(RemoteException.Kind.CHANNEL_REFUSED, "frames not bound to this challenge",
                    List.of(RemoteReason.CHANNEL_WRONG_NONCE));
        }
        if (received.isAfter(ch.expiresAt())) {
            throw new RemoteException(RemoteException.Kind.CHALLENGE_INVALID, "challenge expired",
                    List.of(RemoteReason.CHALLENGE_EXPIRED));
        }
        LiveCaptures.State st = live.find(ch.challengeId()).orElseThrow(() -> new RemoteException(
                RemoteException.Kind.CHALLENGE_INVALID, "no live capture for this challenge on this node",
                List.of(RemoteReason.LIVE_CAPTURE_UNKNOWN)));
        List<ByteArray> parts = in.payload().attachments();
        int index;
        Instant promptAt;
        synchronized (st) {
            if (batch.frames().size() != parts.size() || st.frames.size() + parts.size() > MAX_FRAMES
                    || batch.frames().stream().anyMatch(Objects::isNull)) {
                throw new RemoteException(RemoteException.Kind.INVALID, "frame descriptions and frames must match,"
                        + " at most " + MAX_FRAMES + " frames in all");
            }
            index = st.prompts.size();
            if (st.batches != index || index >= ch.actions().size()) {
                // One batch per prompt: a second batch before the answer, or one after the last prompt, is refused.
                throw new RemoteException(RemoteException.Kind.CHALLENGE_INVALID, "batch out of turn",
                        List.of(RemoteReason.LIVE_BATCH_OUT_OF_TURN));
            }
            st.batches++;
            if (index == 0) {
                st.flashStartMillis = batch.flashStartMillis();
            }
            for (int i = 0; i < parts.size(); i++) {
                st.frames.add(new LiveCaptures.Received(batch.frames().get(i), parts.get(i), received));
            }
            Instant base = index == 0 ? received : st.prompts.get(index - 1).shownAt();
            promptAt = base.plus(schedule.wait(index, random));
        }
        long sleep = Duration.between(clock.instant(), promptAt).toMillis();
        if (sleep > 0) {
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RemoteException(RemoteException.Kind.ENGINE_UNAVAILABLE, "interrupted");
            }
        }
        Action action = Action.valueOf(ch.actions().get(index));
        Instant sent = clock.instant();
        synchronized (st) {
            st.prompts.add(new PromptTiming.Prompt(action, sent));
        }
        Messages.SealedPrompt p = new Messages.SealedPrompt(ch.challengeId(), index, action,
                ch.actions().size() - index - 1, liveSettings.responseMillis());
        return sessions.seal(in, RemoteMessageType.PROMPT, ch.nonce(), RemotePayload.of(write(p)));
    }

    // ---- steps 8 to 11 ---------------------------------------------------------------------------------------------

    /**
     * Step 8 (frames received sealed and bound to the challenge nonce), step 9 (server re-judges quality and
     * liveness, compares in the protected domain, or binds the new reference to the account and device type),
     * step 10 (stores, or removes, the reference) and step 11 (returns the sealed result).
     */
    public ByteArray capture(SecureSessions.Inbound in, String requestId) {
        RemoteStore.Device device = in.device();
        String tenant = device.tenantId();
        SealedCapture cap = read(in.payload(), SealedCapture.class);
        if (cap.challengeId() == null || cap.frames() == null) {
            throw new RemoteException(RemoteException.Kind.INVALID, "challengeId and frames are required");
        }
        RemoteStore.Challenge ch = store.findChallenge(tenant, cap.challengeId())
                .filter(c -> c.deviceId().equals(device.deviceId()))
                .orElseThrow(() -> new RemoteException(RemoteException.Kind.CHALLENGE_INVALID, "unknown challenge"));
        // A-G3: the capture is bound to this challenge's nonce in the authenticated header.
        if (!ch.nonce().constantTimeEquals(in.message().serverNonce())) {
            throw new RemoteException(RemoteException.Kind.CHANNEL_REFUSED, "capture not bound to this challenge",
                    List.of(RemoteReason.CHANNEL_WRONG_NONCE));
        }
        Instant now = clock.instant();
        if (!store.claimChallenge(ch.challengeId(), now)) {
            throw new RemoteException(RemoteException.Kind.CHALLENGE_INVALID, "challenge already answered",
                    List.of(RemoteReason.CHALLENGE_ALREADY_ANSWERED));
        }
        if (now.isAfter(ch.expiresAt())) {
            throw unusable(ch, device, requestId, "challenge expired", List.of(RemoteReason.CHALLENGE_EXPIRED));
        }
        // A live capture: the batches streamed before come first, with their server arrival times.
        LiveCaptures.State st = live.take(ch.challengeId()).orElse(null);
        boolean streamed = st != null && st.batches > 0;
        List<Messages.FrameInfo> allInfo = new ArrayList<>();
        List<ByteArray> allParts = new ArrayList<>();
        List<ServerTimeline.Stamp> stamps = new ArrayList<>();
        if (streamed) {
            synchronized (st) {
                for (LiveCaptures.Received r : st.frames) {
                    allInfo.add(r.info());
                    allParts.add(r.bytes());
                    stamps.add(new ServerTimeline.Stamp(r.batchReceivedAt(), r.info().capturedAtMillis()));
                }
            }
        }
        allInfo.addAll(cap.frames());
        allParts.addAll(in.payload().attachments());
        cap.frames().forEach(f -> stamps.add(new ServerTimeline.Stamp(now, f == null ? 0 : f.capturedAtMillis())));
        if (!streamed && liveSettings.required()) {
            throw unusable(ch, device, requestId, "this server needs a live capture with server-timed prompts",
                    List.of(RemoteReason.LIVE_CAPTURE_REQUIRED));
        }
        if (streamed && st.prompts.size() != ch.actions().size()) {
            throw unusable(ch, device, requestId, "capture sent before every prompt was shown",
                    List.of(RemoteReason.PROMPTS_INCOMPLETE));
        }
        SealedCapture all = new SealedCapture(cap.challengeId(), allInfo, cap.clientActions());
        List<CapturedFrame> frames = validateFrames(ch, device, all, allParts, requestId);
        cap = all;

        Engines eng = engines.get();
        List<Action> actions = ch.actions().stream().map(Action::valueOf).toList();
        LivenessChallenge lc = new LivenessChallenge(actions, Duration.ofMillis(ch.timeLimitMillis()), ch.nonce(),
                ch.issuedAt());
        RiskDecision decision = readDecision(ch);
        LivenessJudgement judgement;
        try {
            judgement = eng.judge().judge(device.tenantId() + "/" + device.userId(), lc, frames, Optional.empty(),
                    judgePolicy);   // step 9: ASD on the server
        } catch (BiometricException e) {
            throw unusable(ch, device, requestId, e.getMessage(), List.of(RemoteReason.of(e.reason())));
        }
        if (judgement instanceof LivenessJudgement.Refused r) {
            List<RemoteReason> reasons = r.reasons().stream().map(RemoteReason::of).toList();
            if (r.reasons().stream().anyMatch(UNUSABLE::contains)
                    || r.reasons().equals(List.of(LivenessReason.QUALITY_TOO_LOW))) {
                throw unusable(ch, device, requestId, "capture cannot be judged: " + reasons, reasons);
            }
            return finish(in, ch, device, RemoteOutcome.REFUSED, reasons, assurance(ch, decision, judgement, cap, null, null),
                    requestId);
        }
        LivenessJudgement.Live live = (LivenessJudgement.Live) judgement;
        List<Messages.JudgeCheck> extra = new ArrayList<>();
        if (streamed) {
            List<RemoteReason> refusals;
            try {
                refusals = liveChecks(eng.analyzer(), st, frames, live, stamps, extra);
            } catch (BiometricException e) {
                throw unusable(ch, device, requestId, e.getMessage(), List.of(RemoteReason.of(e.reason())));
            }
            if (!refusals.isEmpty()) {
                return finish(in, ch, device, RemoteOutcome.REFUSED, refusals,
                        withChecks(judgeAssurance(ch, decision, live, cap, null, null), extra), requestId);
            }
        }
        liveExplanations.put(ch.challengeId(), extra);
        try {
            return judged(in, ch, device, decision, live, cap, requestId);
        } finally {
            liveExplanations.remove(ch.challengeId());
        }
    }

    private ByteArray judged(SecureSessions.Inbound in, RemoteStore.Challenge ch, RemoteStore.Device device,
            RiskDecision decision, LivenessJudgement.Live live, SealedCapture cap, String requestId) {
        List<Probe> probes = probes(live);
        if (probes.isEmpty()) {
            throw unusable(ch, device, requestId, "no frame of sufficient quality",
                    List.of(RemoteReason.QUALITY_TOO_LOW));
        }
        try {
            return switch (ch.operation()) {
                case REGISTER -> register(in, ch, device, decision, live, cap, probes, requestId);
                case AUTHENTICATE, DEREGISTER -> verify(in, ch, device, decision, live, cap, probes, requestId);
            };
        } catch (BiometricException e) {
            throw unusable(ch, device, requestId, e.getMessage(), List.of(RemoteReason.of(e.reason())));
        }
    }

    /**
     * §8.2.1 steps 9–11: bind the protected reference to account and device type, store it sealed, answer. The
     * write needs its authorisation still valid at this moment: the grant is spent by compare-and-set (one
     * reference per grant, on any node), or this capture must match the reference it replaces.
     */
    private ByteArray register(SecureSessions.Inbound in, RemoteStore.Challenge ch, RemoteStore.Device device,
            RiskDecision decision, LivenessJudgement.Live live, SealedCapture cap, List<Probe> probes,
            String requestId) throws BiometricException {
        String authorisation = ch.authorisation().orElse("");
        Double score = null;
        RemoteStore.Reference old = null;
        if (authorisation.equals("match")) {
            old = store.references(device.tenantId(), device.userId(), device.deviceType()).stream()
                    .filter(r -> r.deviceType().equals(device.deviceType())).findFirst().orElse(null);
            if (old == null) {
                return finish(in, ch, device, RemoteOutcome.REFUSED, List.of(RemoteReason.GRANT_REQUIRED),
                        assurance(ch, decision, live, cap, null, null), requestId);
            }
            score = bestScore(old, probes);
            if (score < judgePolicy.identity().protectedMatchThreshold()) {
                return finish(in, ch, device, RemoteOutcome.REFUSED, List.of(RemoteReason.REFERENCE_MISMATCH),
                        assurance(ch, decision, live, cap, score, old), requestId);
            }
            if (decision.secondModalityRequired()) {
                // Without the RP's grant, nothing stands for the second factor the risk rules asked for.
                return finish(in, ch, device, RemoteOutcome.SECOND_FACTOR_REQUIRED, List.of(RemoteReason.SECOND_MODALITY_REQUIRED),
                        assurance(ch, decision, live, cap, score, old), requestId);
            }
        } else if (authorisation.equals("grant")) {
            if (ch.grantHash().isEmpty()
                    || !store.spendGrant(ch.grantHash().get(), device.tenantId(), ch.challengeId(), clock.instant())) {
                return finish(in, ch, device, RemoteOutcome.REFUSED, List.of(RemoteReason.GRANT_INVALID),
                        assurance(ch, decision, live, cap, null, null), requestId);
            }
        } else {
            return finish(in, ch, device, RemoteOutcome.REFUSED, List.of(RemoteReason.GRANT_REQUIRED),
                    assurance(ch, decision, live, cap, null, null), requestId);
        }
        // The most frontal quality-checked frame makes the reference (pose changes scores most, MODELS.md).
        Probe best = probes.stream().min(Comparator.comparingDouble(Probe::poseOffset)).orElseThrow();
        RemoteStore.Reference ref = vault.protect(device.tenantId(), device.userId(), device.deviceType(),
                best.template(), "capture", clock.instant());
        store.upsertReference(ref);   // step 10
        Map<String, String> details = new LinkedHashMap<>();
        details.put("deviceType", device.deviceType());
        details.put("challengeId", ch.challengeId());
        details.put("authorisation", authorisation);
        details.put("replaced", String.valueOf(old != null || authorisation.equals("match")));
        if (score != null) {
            details.put("matchScore", String.format(Locale.ROOT, "%.3f", score));
        }
        audit.event(authorisation.equals("match")
                ? AuditAction.REMOTE_REFERENCE_REPLACE : AuditAction.REMOTE_REFERENCE_WRITE)
                .tenant(device.tenantId()).by(AuditActor.device(device.deviceId()), requestId)
                .about(AuditSubject.user(device.userId())).details(details).record(AuditOutcome.SUCCESS);
        return finish(in, ch, device, RemoteOutcome.ACCEPTED, List.of(), assurance(ch, decision, live, cap, score, ref), requestId);
    }

    private double bestScore(RemoteStore.Reference ref, List<Probe> probes) throws BiometricException {
        return vault.best(ref, probes.stream().map(Probe::template).toList());
    }

    /** §8.2.2 step 9 (and §8.2.3 steps 9–10): 1:1 comparison in the protected domain, then removal if asked. */
    private ByteArray verify(SecureSessions.Inbound in, RemoteStore.Challenge ch, RemoteStore.Device device,
            RiskDecision decision, LivenessJudgement.Live live, SealedCapture cap, List<Probe> probes,
            String requestId) throws BiometricException {
        List<RemoteStore.Reference> refs = store.references(device.tenantId(), device.userId(), device.deviceType());
        if (refs.isEmpty()) {
            throw unusable(ch, device, requestId, "no reference (removed meanwhile)", List.of(RemoteReason.NOT_REGISTERED));
        }
        RemoteStore.Reference ref = refs.get(0);
        double best = bestScore(ref, probes);
        boolean match = best >= judgePolicy.identity().protectedMatchThreshold();
        Assurance a = assurance(ch, decision, live, cap, best, ref);
        if (!match) {
            return finish(in, ch, device, RemoteOutcome.REFUSED, List.of(RemoteReason.REFERENCE_MISMATCH), a, requestId);
        }
        if (ch.operation() == Operation.DEREGISTER) {
            // §8.2.3: the RP's grant is spent only now, by compare-and-set, so it removes one reference once.
            if (ch.grantHash().isEmpty()
                    || !store.spendGrant(ch.grantHash().get(), device.tenantId(), ch.challengeId(), clock.instant())) {
                return finish(in, ch, device, RemoteOutcome.REFUSED, List.of(RemoteReason.GRANT_INVALID), a, requestId);
            }
            store.deleteReference(device.tenantId(), device.userId(), ref.deviceType());   // §8.2.3 step 10
            audit.event(AuditAction.REMOTE_REFERENCE_REMOVE).tenant(device.tenantId())
                    .by(AuditActor.device(device.deviceId()), requestId).about(AuditSubject.user(device.userId()))
                    .details(Map.of("deviceType", ref.deviceType(), "challengeId", ch.challengeId(),
                            "authorisation", "grant"))
                    .record(AuditOutcome.SUCCESS);
            return finish(in, ch, device, RemoteOutcome.ACCEPTED, List.of(), a, requestId);
        }
        // A-S5: ACCEPTED only when every factor the decision required is there; the face alone is not enough when
        // the rules asked for a second modality, and the RP must add it before it trusts the user.
        if (decision.secondModalityRequired()) {
            return finish(in, ch, device, RemoteOutcome.SECOND_FACTOR_REQUIRED, List.of(RemoteReason.SECOND_MODALITY_REQUIRED), a, requestId);
        }
        return finish(in, ch, device, RemoteOutcome.ACCEPTED, List.of(), a, requestId);
    }

    private ByteArray finish(SecureSessions.Inbound in, RemoteStore.Challenge ch, RemoteStore.Device device,
            RemoteOutcome outcome, List<RemoteReason> reasons, Assurance assurance, String requestId) {
        store.recordOutcome(ch.challengeId(), outcome, reasons, write(assurance));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("challengeId", ch.challengeId());
        details.put("reasons", reasons.toString());
        if (assurance.comparisonScore() != null) {
            details.put("score", String.format(Locale.ROOT, "%.3f", assurance.comparisonScore()));
        }
        audit.event(auditAction(ch.operation()))
                .tenant(device.tenantId()).by(AuditActor.device(device.deviceId()), requestId)
                .about(AuditSubject.user(device.userId())).details(details)
                .record(outcome.auditOutcome());
        SealedResult result = new SealedResult(ch.challengeId(), ch.operation(), outcome, reasons, assurance,
                clock.instant().toString());
        return sessions.seal(in, RemoteMessageType.RESULT, ch.nonce(), RemotePayload.of(write(result)));
    }

    /**
     * The audit action of a challenge's outcome: {@code remote.register}, {@code .authenticate}, {@code .deregister}.
     */
    private static AuditAction auditAction(Operation op) {
        return switch (op) {
            case REGISTER -> AuditAction.REMOTE_REGISTER;
            case AUTHENTICATE -> AuditAction.REMOTE_AUTHENTICATE;
            case DEREGISTER -> AuditAction.REMOTE_DEREGISTER;
        };
    }

    /**
     * Records an unusable capture (counts as a failure for the risk history) and returns the 422 refusal with its
     * reason codes, for the caller to throw.
     */
    private RemoteException unusable(RemoteStore.Challenge ch, RemoteStore.Device device, String requestId, String detail,
            List<RemoteReason> reasons) {
        store.recordOutcome(ch.challengeId(), RemoteOutcome.UNUSABLE, reasons, null);
        audit.event(auditAction(ch.operation()))
                .tenant(device.tenantId()).by(AuditActor.device(device.deviceId()), requestId)
                .about(AuditSubject.user(device.userId()))
                .details(Map.of("challengeId", ch.challengeId(), "reasons", reasons.toString()))
                .record(RemoteOutcome.UNUSABLE.auditOutcome());
        return new RemoteException(RemoteException.Kind.CAPTURE_UNUSABLE, detail, reasons);
    }

    /** Structural checks before any image work, so bad input costs little and leaves no frame hash behind. */
    private List<CapturedFrame> validateFrames(RemoteStore.Challenge ch, RemoteStore.Device device, SealedCapture cap,
            List<ByteArray> parts, String requestId) {
        List<Messages.FrameInfo> info = cap.frames();
        if (info.stream().anyMatch(Objects::isNull)) {
            throw unusable(ch, device, requestId, "a frame description is empty", List.of(RemoteReason.FRAME_COUNT_MISMATCH));
        }
        if (info.size() != parts.size()) {
            throw unusable(ch, device, requestId, info.size() + " frame descriptions for " + parts.size() + " frames",
                    List.of(RemoteReason.FRAME_COUNT_MISMATCH));
        }
        if (info.size() < judgePolicy.sequence().minFrames()) {
            throw unusable(ch, device, requestId, "at least " + judgePolicy.sequence().minFrames() + " frames needed",
                    List.of(RemoteReason.TOO_FEW_FRAMES));
        }
        if (info.size() > MAX_FRAMES) {
            throw unusable(ch, device, requestId, "at most " + MAX_FRAMES + " frames accepted", List.of(RemoteReason.TOO_MANY_FRAMES));
        }
        List<CapturedFrame> out = new ArrayList<>();
        for (int i = 0; i < info.size(); i++) {
            Messages.FrameInfo f = info.get(i);
            ByteArray bytes = parts.get(i);
            if (bytes.length() > MAX_FRAME_BYTES) {
                throw unusable(ch, device, requestId, "frame " + f.sequence() + " exceeds " + MAX_FRAME_BYTES + " bytes",
                        List.of(RemoteReason.IMAGE_TOO_LARGE));
            }
            if (!isJpegOrPng(bytes)) {
                throw unusable(ch, device, requestId, "frame " + f.sequence() + " is not a JPEG or PNG image",
                        List.of(RemoteReason.IMAGE_UNREADABLE));
            }
            if (i > 0 && (f.sequence() <= info.get(i - 1).sequence()
                    || f.capturedAtMillis() <= info.get(i - 1).capturedAtMillis()) || f.capturedAtMillis() < 0) {
                throw unusable(ch, device, requestId, "frames out of order at " + f.sequence(),
                        List.of(RemoteReason.FRAMES_OUT_OF_ORDER));
            }
            out.add(new CapturedFrame(bytes, f.capturedAtMillis(), f.sequence(), Optional.ofNullable(f.client())));
        }
        return out;
    }

    private static boolean isJpegOrPng(ByteArray b) {
        byte[] x = b.toByteArray();
        boolean jpeg = x.length > 4 && (x[0] & 0xff) == 0xff && (x[1] & 0xff) == 0xd8 && (x[2] & 0xff) == 0xff
                && (x[x.length - 2] & 0xff) == 0xff && (x[x.length - 1] & 0xff) == 0xd9;
        boolean png = x.length > 8 && (x[0] & 0xff) == 0x89 && x[1] == 'P' && x[2] == 'N' && x[3] == 'G';
        return jpeg || png;
    }

    /** A template of one quality-checked frame of a live capture. */
    record Probe(int sequence, Template template, double poseOffset) {}

    /**
     * Templates of the most frontal frames the judge found to meet the quality policy (as many as the protected
     * calibration was measured with), taken from the judge's own samples: the face model does not run again on
     * frames it already analysed.
     */
    private List<Probe> probes(LivenessJudgement judgement) {
        return judgement.probes().stream().limit(judgePolicy.identity().probes())
                .map(f -> new Probe(f.sequence(), f.template(), f.poseOffset())).toList();
    }

    private Assurance judgeAssurance(RemoteStore.Challenge ch, RiskDecision decision, LivenessJudgement j,
            SealedCapture cap, Double score, RemoteStore.Reference ref) {
        List<Action> seen = j instanceof LivenessJudgement.Live live
                ? live.actions().stream().map(LivenessJudgement.ActionEvidence::action).toList() : List.of();
        Double attack = j.medianAttackScore().isPresent() ? j.medianAttackScore().getAsDouble() : null;
        return new Assurance(decision.biometricType(), ch.actions().stream().map(Action::valueOf).toList(), seen,
                cap.clientActions() == null ? List.of() : cap.clientActions(), true, attack, score,
                judgePolicy.identity().protectedMatchThreshold(), ref == null ? null : ref.deviceType(),
                ref == null ? null : TemplateProtector.PROTECTION_LEVEL + " " + ref.scheme(),
                decision.secondModalityRequired(), decision.rules().stream().map(RiskDecision.FiredRule::id).toList(),
                CHANNEL, ch.authorisation().orElse(null), explain(j.explanation()));
    }

    private Assurance assurance(RemoteStore.Challenge ch, RiskDecision decision, LivenessJudgement j,
            SealedCapture cap, Double score, RemoteStore.Reference ref) {
        return withChecks(judgeAssurance(ch, decision, j, cap, score, ref),
                liveExplanations.getOrDefault(ch.challengeId(), List.of()));
    }

    /**
     * Server-timed prompts (always, for a streamed capture) and the screen-light response (refusing only when the
     * settings say so) on the frames placed on the server clock. Returns the refusal reasons, adds the checks.
     */
    private List<RemoteReason> liveChecks(FaceAnalyzer analyzer, LiveCaptures.State st, List<CapturedFrame> frames,
            LivenessJudgement.Live judged, List<ServerTimeline.Stamp> stamps, List<Messages.JudgeCheck> checks)
            throws BiometricException {
        List<Instant> at = ServerTimeline.place(stamps);
        long offset = ServerTimeline.offsetMillis(stamps);
        // The judge's own per-frame signals, one per frame in the same order: no second pass of the face model.
        List<LivenessJudgement.ObservedFrame> observed = judged.observed();
        if (observed.size() != frames.size()) {
            throw new IllegalStateException("the judge observed " + observed.size() + " of " + frames.size()
                    + " frames");
        }
        List<PromptTiming.Sample> samples = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            samples.add(PromptTiming.Sample.of(at.get(i), observed.get(i).signals().orElse(null)));
        }
        // The screen-light check reads pixels: only then are the face frames decoded again (no model runs).
        List<ScreenLightCheck.Sample> light = new ArrayList<>();
        if (st.flashStartMillis != null) {
            for (int i = 0; i < frames.size(); i++) {
                Optional<FrameSignals> s = observed.get(i).signals();
                if (s.isPresent() && s.get().faceCount() > 0) {
                    light.add(ScreenLightCheck.Sample.of(at.get(i), analyzer.decode(frames.get(i).encoded()),
                            s.get().box()));
                }
            }
        }
        List<RemoteReason> reasons = new ArrayList<>();
        List<PromptTiming.Prompt> prompts;
        synchronized (st) {
            prompts = List.copyOf(st.prompts);
        }
        PromptTiming.Result timing = new PromptTiming(PromptTiming.Policy.defaults()).check(prompts, samples);
        checks.add(new Messages.JudgeCheck("promptTiming", Messages.CheckOutcome.passedIf(timing.followed()),
                timing.followed() ? null : RemoteReason.PROMPT_NOT_FOLLOWED,
                String.join("; ", timing.findings().stream().map(PromptTiming.Finding::detail).toList())));
        if (!timing.followed()) {
            reasons.add(RemoteReason.PROMPT_NOT_FOLLOWED);
        }
        if (st.flashStartMillis != null) {
            Instant start = Instant.ofEpochMilli(st.flashStartMillis + offset);
            List<ScreenLightCheck.Flash> flashes = new ArrayList<>();
            for (int k = 0; k < st.colours.size(); k++) {
                flashes.add(new ScreenLightCheck.Flash(st.colours.get(k), start.plusMillis((long) k * st.flashMillis),
                        Duration.ofMillis(st.flashMillis)));
            }
            ScreenLightCheck.Result r = new ScreenLightCheck(ScreenLightCheck.Policy.defaults()).check(flashes, light);
            boolean enforced = liveSettings.enforceScreenLight();
            checks.add(new Messages.JudgeCheck("screenLight", r.followed() ? Messages.CheckOutcome.PASSED
                    : enforced ? Messages.CheckOutcome.FAILED : Messages.CheckOutcome.REPORTED,
                    r.followed() ? null : RemoteReason.SCREEN_LIGHT_NOT_FOLLOWED, r.detail() + (enforced ? "" : "; not enforced")));
            if (!r.followed() && enforced) {
                reasons.add(RemoteReason.SCREEN_LIGHT_NOT_FOLLOWED);
            }
        } else if (liveSettings.enforceScreenLight()) {
            checks.add(new Messages.JudgeCheck("screenLight", Messages.CheckOutcome.FAILED, RemoteReason.SCREEN_LIGHT_NOT_FOLLOWED,
                    "the client did not flash the screen"));
            reasons.add(RemoteReason.SCREEN_LIGHT_NOT_FOLLOWED);
        }
        return reasons;
    }

    private static Assurance withChecks(Assurance a, List<Messages.JudgeCheck> extra) {
        if (extra.isEmpty()) {
            return a;
        }
        List<Messages.JudgeCheck> all = new ArrayList<>(a.explanation() == null ? List.of() : a.explanation());
        all.addAll(extra);
        return new Assurance(a.biometricType(), a.actionsRequested(), a.actionsSeen(), a.clientActionsClaimed(),
                a.padPerformed(), a.attackScore(), a.comparisonScore(), a.matchThreshold(), a.referenceDeviceType(),
                a.referenceProtection(), a.secondModalityRequired(), a.rules(), a.channel(), a.authorisation(), all);
    }

    /** The judge's checks in plain terms, for the RP (GET /v1/remote/challenges/{id}) and the client. */
    static List<Messages.JudgeCheck> explain(Explanation e) {
        return e.checks().stream().map(c -> new Messages.JudgeCheck(c.name(), Messages.CheckOutcome.of(c.outcome()),
                c.reason().map(RemoteReason::of).orElse(null), c.detail())).toList();
    }

    // ---- relying-party side ----------------------------------------------------------------------------------------

    /** The outcome of a challenge, for the RP's server (it must not trust what the device tells it). */
    public Messages.ChallengeView challenge(String tenant, String challengeId) {
        Optional<RemoteStore.Challenge> found = store.findChallenge(tenant, challengeId);
        if (found.isEmpty()) {
            // Opened by the RP, not yet taken by a device.
            RemoteStore.Opened o = store.findOpened(tenant, challengeId).orElseThrow(() ->
                    new RemoteException(RemoteException.Kind.CHALLENGE_INVALID, "unknown challenge"));
            return new Messages.ChallengeView(o.challengeId(), o.userId(), null, Operation.AUTHENTICATE, ChallengeStatus.OPENED,
                    null, List.of(), null, null, null, false);
        }
        RemoteStore.Challenge c = found.get();
        Object assurance = null;
        if (c.assuranceJson().isPresent()) {
            try {
                assurance = json.readTree(c.assuranceJson().get());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return new Messages.ChallengeView(c.challengeId(), c.userId(), c.deviceId(), c.operation(), c.status(),
                c.outcome().orElse(null), c.reasons(), assurance, c.issuedAt().toString(),
                c.authorisation().orElse(null), store.consumedAt(tenant, challengeId).isPresent());
    }

    public RiskPolicy policy(String tenant) {
        return store.policyJson(tenant).map(s -> {
            try {
                return json.readValue(s, RiskPolicy.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored policy unreadable", e);
            }
        }).orElse(RiskPolicy.defaults());
    }

    public void savePolicy(String tenant, RiskPolicy policy, String actor, String requestId) {
        store.savePolicy(tenant, write(policy), clock.instant());
        audit.event(AuditAction.REMOTE_POLICY_UPDATE).tenant(tenant).by(AuditActor.principal(actor), requestId)
                .about(AuditSubject.tenant(tenant)).record(AuditOutcome.SUCCESS);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private <T> T read(RemotePayload p, Class<T> type) {
        try {
            return json.readValue(p.json(), type);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new RemoteException(RemoteException.Kind.INVALID, "sealed " + type.getSimpleName() + ": "
                    + (cause.getMessage() == null ? "invalid" : cause.getMessage().split("\n")[0]));
        }
    }

    private Messages.RpRisk readRpRisk(String s) {
        try {
            return json.readValue(s, Messages.RpRisk.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored RP risk unreadable", e);
        }
    }

    /** The higher of two optional values (no unboxing of a null). */
    static Long higher(Long a, Long b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return Math.max(a, b);
    }

    private String newId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return ByteArray.copyOf(id).toBase64Url();
    }

    private RiskDecision readDecision(RemoteStore.Challenge ch) {
        try {
            return json.readValue(ch.decisionJson(), RiskDecision.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored decision unreadable", e);
        }
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
