package org.countersign.server.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.face.FrameSignals;
import org.countersign.biometrics.face.SignalOptions;
import org.countersign.biometrics.liveness.Action;
import org.countersign.biometrics.liveness.CapturedFrame;
import org.countersign.biometrics.liveness.Explanation;
import org.countersign.biometrics.liveness.JudgePolicy;
import org.countersign.biometrics.liveness.LivenessChallenge;
import org.countersign.biometrics.liveness.LivenessJudge;
import org.countersign.biometrics.liveness.LivenessJudgement;
import org.countersign.biometrics.liveness.LivenessReason;
import org.countersign.biometrics.protect.TemplateProtector;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.channel.ChannelException;
import org.countersign.core.remote.RemoteMessageType;
import org.countersign.core.remote.RemotePayload;
import org.countersign.core.srp.SrpDigest;
import org.countersign.core.srp.SrpGroup;
import org.countersign.core.srp.SrpParameters;
import org.countersign.server.audit.AuditLog;
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

    public RemoteBiometricService(RemoteStore store, SecureSessions sessions, RiskPolicyEngine risk, ReferenceVault vault,
            Supplier<Engines> engines, JudgePolicy judgePolicy, AuditLog audit, ObjectMapper json, SecureRandom random,
            Clock clock) {
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
        store.insertEnrolment(sha256(ByteArray.ofUtf8(code)), tenant, userId, deviceType, now, now.plus(ENROLMENT_TTL));
        audit.record(tenant, actor, "remote.enrolment.issue", userId, "success", requestId,
                Map.of("deviceType", deviceType));
        return new Messages.EnrolmentIssued(code, userId, deviceType, now.plus(ENROLMENT_TTL).toString());
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
            new org.countersign.core.srp.SrpVerifier(params, r.deviceId(), salt, verifier);
        } catch (RuntimeException e) {
            throw new RemoteException(RemoteException.Kind.INVALID, "SRP parameters: " + e.getMessage());
        }
        if (params.isTestOnly()) {
            throw new RemoteException(RemoteException.Kind.INVALID, "the SRP group must have 2048 bits or more");
        }
        ByteArray codeHash = sha256(ByteArray.ofUtf8(r.enrolmentCode()));
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
        audit.record(r.tenant(), "device:" + r.deviceId(), "remote.device.register", e.userId(), "success", requestId,
                Map.of("deviceType", e.deviceType()));
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
        List<RemoteStore.Reference> refs = store.references(tenant, device.userId(), device.deviceType());
        if (req.operation() != Operation.REGISTER && refs.isEmpty()) {
            throw new RemoteException(RemoteException.Kind.NOT_REGISTERED, "register a reference first (X.1279 §8.2.1)");
        }
        RiskPolicy policy = policy(tenant);
        Instant now = clock.instant();
        String network = in.session().clientNetwork();
        RemoteStore.History h = store.history(tenant, device.userId(), device.deviceId(), network,
                now.minus(Duration.ofMinutes(policy.failureWindowMinutes())));
        Messages.DeviceRisk dr = req.device() == null ? new Messages.DeviceRisk(false, false, "", "", "") : req.device();
        RiskSignals signals = new RiskSignals(req.operation(),
                new RiskSignals.Device(h.deviceKnown(), Boolean.TRUE.equals(dr.emulator()),
                        Boolean.TRUE.equals(dr.rooted()), dr.osName(), dr.osVersion()),
                new RiskSignals.User(h.recentFailures(), !h.networkSeen(),
                        h.lastSuccess().map(t -> Duration.between(t, now))),
                req.transactionValue() == null ? OptionalLong.empty() : OptionalLong.of(req.transactionValue()));
        RiskDecision decision = risk.decide(policy, signals);

        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        byte[] id = new byte[16];
        random.nextBytes(id);
        String challengeId = ByteArray.copyOf(id).toBase64Url();
        Instant expires = now.plusMillis(decision.timeLimitMillis()).plus(judgePolicy.sequence().submissionGrace());
        store.insertChallenge(new RemoteStore.Challenge(challengeId, tenant, device.userId(), device.deviceId(),
                in.session().sessionId(), req.operation(), decision.actions().stream().map(Action::name).toList(),
                decision.timeLimitMillis(), ByteArray.copyOf(nonce), write(decision), network, now, expires, "open",
                Optional.empty(), List.of(), Optional.empty()));
        JudgePolicy.Sequence seq = judgePolicy.sequence();
        SealedChallenge out = new SealedChallenge(challengeId, req.operation(), decision.biometricType(),
                decision.actions(), decision.timeLimitMillis(), decision.padRequired(),
                decision.secondModalityRequired(), decision.rules(), ByteArray.copyOf(nonce).toBase64Url(),
                expires.toString(), new CaptureLimits(seq.minFrames(), MAX_FRAMES, MAX_FRAME_BYTES, MAX_SIDE,
                        seq.minFrameRate(), (int) seq.maxFrameGap().toMillis()));
        audit.record(tenant, "device:" + device.deviceId(), "remote.challenge", device.userId(), "success", requestId,
                Map.of("operation", req.operation().name(), "actions", decision.actions().toString(),
                        "rules", decision.rules().stream().map(RiskDecision.FiredRule::id).toList().toString()));
        return sessions.seal(in, RemoteMessageType.CHALLENGE, ByteArray.copyOf(nonce), RemotePayload.of(write(out)));
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
                    List.of(ChannelException.Reason.CHANNEL_WRONG_NONCE.name()));
        }
        Instant now = clock.instant();
        if (!store.claimChallenge(ch.challengeId(), now)) {
            throw new RemoteException(RemoteException.Kind.CHALLENGE_INVALID, "challenge already answered",
                    List.of("CHALLENGE_ALREADY_ANSWERED"));
        }
        if (now.isAfter(ch.expiresAt())) {
            return unusable(ch, device, requestId, "challenge expired", List.of("CHALLENGE_EXPIRED"));
        }
        List<CapturedFrame> frames = validateFrames(ch, device, cap, in.payload().attachments(), requestId);

        Engines eng = engines.get();
        List<Action> actions = ch.actions().stream().map(Action::valueOf).toList();
        LivenessChallenge lc = new LivenessChallenge(actions, Duration.ofMillis(ch.timeLimitMillis()), ch.nonce(),
                ch.issuedAt());
        RiskDecision decision = readDecision(ch);
        LivenessJudgement judgement;
        try {
            judgement = eng.judge().judge(lc, frames, Optional.empty(), judgePolicy);   // step 9: ASD on the server
        } catch (BiometricException e) {
            return unusable(ch, device, requestId, e.getMessage(), List.of(e.reason().name()));
        }
        if (judgement instanceof LivenessJudgement.Refused r) {
            List<String> reasons = r.reasons().stream().map(Enum::name).toList();
            if (r.reasons().stream().anyMatch(UNUSABLE::contains)
                    || r.reasons().equals(List.of(LivenessReason.QUALITY_TOO_LOW))) {
                return unusable(ch, device, requestId, "capture cannot be judged: " + reasons, reasons);
            }
            return finish(in, ch, device, "REFUSED", reasons, assurance(ch, decision, judgement, cap, null, null),
                    requestId);
        }
        LivenessJudgement.Live live = (LivenessJudgement.Live) judgement;
        List<Probe> probes;
        try {
            probes = probes(eng.analyzer(), live.explanation(), frames);
        } catch (BiometricException e) {
            return unusable(ch, device, requestId, e.getMessage(), List.of(e.reason().name()));
        }
        if (probes.isEmpty()) {
            return unusable(ch, device, requestId, "no frame of sufficient quality",
                    List.of(LivenessReason.QUALITY_TOO_LOW.name()));
        }
        try {
            return switch (ch.operation()) {
                case REGISTER -> register(in, ch, device, decision, live, cap, probes, requestId);
                case AUTHENTICATE, DEREGISTER -> verify(in, ch, device, decision, live, cap, probes, requestId);
            };
        } catch (BiometricException e) {
            return unusable(ch, device, requestId, e.getMessage(), List.of(e.reason().name()));
        }
    }

    /** §8.2.1 steps 9–11: bind the protected reference to account and device type, store it sealed, answer. */
    private ByteArray register(SecureSessions.Inbound in, RemoteStore.Challenge ch, RemoteStore.Device device,
            RiskDecision decision, LivenessJudgement.Live live, SealedCapture cap, List<Probe> probes,
            String requestId) throws BiometricException {
        // The most frontal quality-checked frame makes the reference (pose changes scores most, MODELS.md).
        Probe best = probes.stream().min(java.util.Comparator.comparingDouble(Probe::poseOffset)).orElseThrow();
        RemoteStore.Reference ref = vault.protect(device.tenantId(), device.userId(), device.deviceType(),
                best.template(), "capture", clock.instant());
        store.upsertReference(ref);   // step 10
        return finish(in, ch, device, "ACCEPTED", List.of(), assurance(ch, decision, live, cap, null, ref), requestId);
    }

    /** §8.2.2 step 9 (and §8.2.3 steps 9–10): 1:1 comparison in the protected domain, then removal if asked. */
    private ByteArray verify(SecureSessions.Inbound in, RemoteStore.Challenge ch, RemoteStore.Device device,
            RiskDecision decision, LivenessJudgement.Live live, SealedCapture cap, List<Probe> probes,
            String requestId) throws BiometricException {
        List<RemoteStore.Reference> refs = store.references(device.tenantId(), device.userId(), device.deviceType());
        if (refs.isEmpty()) {
            return unusable(ch, device, requestId, "no reference (removed meanwhile)", List.of("NOT_REGISTERED"));
        }
        RemoteStore.Reference ref = refs.get(0);
        double best = -1;
        for (Probe p : probes) {
            best = Math.max(best, vault.compare(ref, p.template()));
        }
        boolean match = best >= judgePolicy.identity().matchThreshold();
        Assurance a = assurance(ch, decision, live, cap, best, ref);
        if (!match) {
            return finish(in, ch, device, "REFUSED", List.of(LivenessReason.REFERENCE_MISMATCH.name()), a, requestId);
        }
        if (ch.operation() == Operation.DEREGISTER) {
            store.deleteReference(device.tenantId(), device.userId(), ref.deviceType());   // §8.2.3 step 10
            audit.record(device.tenantId(), "device:" + device.deviceId(), "remote.reference.remove", device.userId(),
                    "success", requestId, Map.of("deviceType", ref.deviceType(), "challengeId", ch.challengeId()));
        }
        return finish(in, ch, device, "ACCEPTED", List.of(), a, requestId);
    }

    private ByteArray finish(SecureSessions.Inbound in, RemoteStore.Challenge ch, RemoteStore.Device device,
            String outcome, List<String> reasons, Assurance assurance, String requestId) {
        store.recordOutcome(ch.challengeId(), outcome, reasons, write(assurance));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("challengeId", ch.challengeId());
        details.put("reasons", reasons.toString());
        if (assurance.comparisonScore() != null) {
            details.put("score", String.format(java.util.Locale.ROOT, "%.3f", assurance.comparisonScore()));
        }
        audit.record(device.tenantId(), "device:" + device.deviceId(), "remote." + ch.operation().name().toLowerCase(
                java.util.Locale.ROOT), device.userId(), outcome.equals("ACCEPTED") ? "success" : "refused", requestId,
                details);
        SealedResult result = new SealedResult(ch.challengeId(), ch.operation(), outcome, reasons, assurance,
                clock.instant().toString());
        return sessions.seal(in, RemoteMessageType.RESULT, ch.nonce(), RemotePayload.of(write(result)));
    }

    /** Records an unusable capture (counts as a failure for the risk history) and answers 422 with reason codes. */
    private ByteArray unusable(RemoteStore.Challenge ch, RemoteStore.Device device, String requestId, String detail,
            List<String> reasons) {
        store.recordOutcome(ch.challengeId(), "UNUSABLE", reasons, null);
        audit.record(device.tenantId(), "device:" + device.deviceId(), "remote." + ch.operation().name().toLowerCase(
                java.util.Locale.ROOT), device.userId(), "refused", requestId,
                Map.of("challengeId", ch.challengeId(), "reasons", reasons.toString()));
        throw new RemoteException(RemoteException.Kind.CAPTURE_UNUSABLE, detail, reasons);
    }

    /** Structural checks before any image work, so bad input costs little and leaves no frame hash behind. */
    private List<CapturedFrame> validateFrames(RemoteStore.Challenge ch, RemoteStore.Device device, SealedCapture cap,
            List<ByteArray> parts, String requestId) {
        List<Messages.FrameInfo> info = cap.frames();
        if (info.stream().anyMatch(java.util.Objects::isNull)) {
            unusable(ch, device, requestId, "a frame description is empty", List.of("FRAME_COUNT_MISMATCH"));
        }
        if (info.size() != parts.size()) {
            unusable(ch, device, requestId, info.size() + " frame descriptions for " + parts.size() + " frames",
                    List.of("FRAME_COUNT_MISMATCH"));
        }
        if (info.size() < judgePolicy.sequence().minFrames()) {
            unusable(ch, device, requestId, "at least " + judgePolicy.sequence().minFrames() + " frames needed",
                    List.of(LivenessReason.TOO_FEW_FRAMES.name()));
        }
        if (info.size() > MAX_FRAMES) {
            unusable(ch, device, requestId, "at most " + MAX_FRAMES + " frames accepted", List.of("TOO_MANY_FRAMES"));
        }
        List<CapturedFrame> out = new ArrayList<>();
        for (int i = 0; i < info.size(); i++) {
            Messages.FrameInfo f = info.get(i);
            ByteArray bytes = parts.get(i);
            if (bytes.length() > MAX_FRAME_BYTES) {
                unusable(ch, device, requestId, "frame " + f.sequence() + " exceeds " + MAX_FRAME_BYTES + " bytes",
                        List.of(ReasonCode.IMAGE_TOO_LARGE.name()));
            }
            if (!isJpegOrPng(bytes)) {
                unusable(ch, device, requestId, "frame " + f.sequence() + " is not a JPEG or PNG image",
                        List.of(ReasonCode.IMAGE_UNREADABLE.name()));
            }
            if (i > 0 && (f.sequence() <= info.get(i - 1).sequence()
                    || f.capturedAtMillis() <= info.get(i - 1).capturedAtMillis()) || f.capturedAtMillis() < 0) {
                unusable(ch, device, requestId, "frames out of order at " + f.sequence(),
                        List.of(LivenessReason.FRAMES_OUT_OF_ORDER.name()));
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

    /** Templates of the frames the judge found to meet the quality policy (at most three: cost control). */
    private static List<Probe> probes(FaceAnalyzer analyzer, Explanation explanation, List<CapturedFrame> frames)
            throws BiometricException {
        List<Integer> good = explanation.check("quality").map(Explanation.Check::frames).orElse(List.of());
        Map<Integer, CapturedFrame> bySeq = new HashMap<>();
        frames.forEach(f -> bySeq.put(f.sequence(), f));
        List<Probe> out = new ArrayList<>();
        for (int seq : good.stream().limit(3).toList()) {
            CapturedFrame f = bySeq.get(seq);
            if (f == null) {
                continue;
            }
            BufferedImage img = analyzer.decode(f.encoded());
            FrameSignals s = analyzer.analyse(img, new SignalOptions(true, false));
            out.add(new Probe(seq, s.template().orElseThrow(), Math.abs(s.yaw()) + Math.abs(s.pitch())));
        }
        return out;
    }

    private Assurance assurance(RemoteStore.Challenge ch, RiskDecision decision, LivenessJudgement j,
            SealedCapture cap, Double score, RemoteStore.Reference ref) {
        List<Action> seen = j instanceof LivenessJudgement.Live live
                ? live.actions().stream().map(LivenessJudgement.ActionEvidence::action).toList() : List.of();
        Double attack = j.explanation().check("presentationAttack")
                .map(c -> c.measured().get("medianAttackScore")).orElse(null);
        return new Assurance(decision.biometricType(), ch.actions().stream().map(Action::valueOf).toList(), seen,
                cap.clientActions() == null ? List.of() : cap.clientActions(), true, attack, score,
                judgePolicy.identity().matchThreshold(), ref == null ? null : ref.deviceType(),
                ref == null ? null : TemplateProtector.PROTECTION_LEVEL + " " + ref.scheme(),
                decision.secondModalityRequired(), decision.rules().stream().map(RiskDecision.FiredRule::id).toList(),
                CHANNEL);
    }

    // ---- relying-party side ----------------------------------------------------------------------------------------

    /** The outcome of a challenge, for the RP's server (it must not trust what the device tells it). */
    public Messages.ChallengeView challenge(String tenant, String challengeId) {
        RemoteStore.Challenge c = store.findChallenge(tenant, challengeId).orElseThrow(() ->
                new RemoteException(RemoteException.Kind.CHALLENGE_INVALID, "unknown challenge"));
        Object assurance = null;
        if (c.assuranceJson().isPresent()) {
            try {
                assurance = json.readTree(c.assuranceJson().get());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return new Messages.ChallengeView(c.challengeId(), c.userId(), c.deviceId(), c.operation(), c.status(),
                c.outcome().orElse(null), c.reasons(), assurance, c.issuedAt().toString());
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
        audit.record(tenant, actor, "remote.policy.update", tenant, "success", requestId, Map.of());
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

    static ByteArray sha256(ByteArray data) {
        try {
            return ByteArray.copyOf(MessageDigest.getInstance("SHA-256").digest(data.toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
