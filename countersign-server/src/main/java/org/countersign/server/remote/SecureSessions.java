package org.countersign.server.remote;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.channel.ChannelException;
import org.countersign.core.channel.ChannelKeys;
import org.countersign.core.channel.Direction;
import org.countersign.core.channel.SealedMessage;
import org.countersign.core.channel.SecureChannel;
import org.countersign.core.keys.AssociatedData;
import org.countersign.core.keys.KeyService;
import org.countersign.core.keys.SealedBlob;
import org.countersign.core.remote.RemoteMessageType;
import org.countersign.core.remote.RemotePayload;
import org.countersign.core.replay.FreshnessPolicy;
import org.countersign.core.srp.SrpDigest;
import org.countersign.core.srp.SrpException;
import org.countersign.core.srp.SrpGroup;
import org.countersign.core.srp.SrpParameters;
import org.countersign.core.srp.SrpServerProof;
import org.countersign.core.srp.SrpServerSession;
import org.countersign.core.srp.SrpVerifier;

/**
 * The SRP-6a handshake and the secure channel it opens (X.1279 §9.4; A-G7, A-G8, A-G9). Stateless across nodes:
 * the server's b and the session key K are sealed in the store, and the channel's sequence numbers are advanced
 * there by compare-and-set, so a message accepted by one node is a replay for every node.
 *
 * <p>The SRP identity is the device id and the password is the device secret that only the device holds; the
 * server keeps the verifier (docs/remote.md, "whose secret").
 */
public final class SecureSessions {
    static final String KEY_PURPOSE = "remote-session";
    /** Time allowed between the two handshake round trips. */
    static final Duration OFFER_TTL = Duration.ofMinutes(2);
    /** Lifetime of an open channel; enough for a few challenges, short enough to bound a stolen key's use. */
    static final Duration SESSION_TTL = Duration.ofMinutes(10);
    /** Failed proofs are remembered this long per (device, source); this many lock that source (docs/srp.md). */
    static final Duration FAILURE_MEMORY = Duration.ofMinutes(15);
    static final int MAX_FAILURES = 5;
    /** First lock after {@link #MAX_FAILURES}; doubles with each further failure up to {@link #MAX_LOCK}. */
    static final Duration FIRST_LOCK = Duration.ofSeconds(30);
    static final Duration MAX_LOCK = Duration.ofMinutes(15);

    private final RemoteStore store;
    private final KeyService keys;
    private final SecureRandom random;
    private final Clock clock;
    private final FreshnessPolicy freshness;

    public SecureSessions(RemoteStore store, KeyService keys, SecureRandom random, Clock clock,
            FreshnessPolicy freshness) {
        this.store = Objects.requireNonNull(store, "store");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.freshness = Objects.requireNonNull(freshness, "freshness");
    }

    /** What the client needs for the second round trip. */
    public record Offer(String sessionId, ByteArray salt, ByteArray serverPublicB, SrpParameters parameters,
            Instant expiresAt) {}

    /** RFC 5054 §2.5.3 server side, first round trip: salt and B for the device. */
    public Offer begin(String tenant, String deviceId, String network) {
        RemoteStore.Device device = store.findDevice(tenant, deviceId).orElseThrow(() -> new RemoteException(
                RemoteException.Kind.SESSION_INVALID, "unknown device for this tenant"));
        Instant started = clock.instant();
        // Locks are per (device, source): a stranger's bogus proofs lock the stranger's source, not the device
        // for everyone (the 256-bit secret cannot be guessed online; this bounds the work and the noise).
        store.srpLock(tenant, deviceId, network).flatMap(RemoteStore.SrpLock::lockedUntil)
                .filter(until -> until.isAfter(started)).ifPresent(until -> {
                    throw RemoteException.deviceLocked(Math.max(1, Duration.between(started, until).toSeconds()));
                });
        SrpVerifier verifier = verifierOf(device);
        SrpServerSession srp = SrpServerSession.begin(verifier, random);
        String sessionId = ByteArray.copyOf(randomBytes(16)).toBase64Url();
        Instant now = clock.instant();
        // Expired handshakes and channels are useless to anyone; dropping them here needs no scheduler per node.
        store.purgeExpiredSessions(now);
        Instant expires = now.plus(OFFER_TTL);
        SealedBlob b = keys.seal(KEY_PURPOSE, new AssociatedData(tenant, sessionId, "srp-private"),
                srp.stateForStorage());
        store.insertSession(sessionId, tenant, deviceId, b.encode(), network, now, expires);
        return new Offer(sessionId, srp.salt(), srp.serverPublicB(), verifier.parameters(), expires);
    }

    public record Established(ByteArray serverProofM2, Instant expiresAt) {}

    /**
     * Second round trip: checks A and M1, answers M2 and opens the channel. One offer answers one proof, right or
     * wrong, so that one B cannot be used to try many secrets (docs/srp.md).
     */
    public Established verify(String sessionId, ByteArray clientPublicA, ByteArray clientProofM1) {
        // Claim first, verify second: b is erased before any proof is checked, so one offer answers one proof even
        // when many arrive at once on several nodes (a check-then-act would let each of them try a secret).
        RemoteStore.Session s = store.claimOffer(sessionId, clock.instant())
                .orElseThrow(() -> new RemoteException(RemoteException.Kind.SESSION_INVALID,
                        "no pending handshake with this id (unknown, expired or already answered)"));
        RemoteStore.Device device = store.findDevice(s.tenantId(), s.deviceId()).orElseThrow(() ->
                new RemoteException(RemoteException.Kind.SESSION_INVALID, "device removed"));
        SecretBytes b = keys.open(SealedBlob.decode(s.srpPrivate().orElseThrow()),
                new AssociatedData(s.tenantId(), sessionId, "srp-private"));
        SrpServerProof proof;
        try {
            proof = SrpServerSession.resume(verifierOf(device), b).verifyClient(clientPublicA, clientProofM1);
        } catch (SrpException e) {
            Instant now = clock.instant();
            store.settleSession(sessionId, false, null, now.plus(FAILURE_MEMORY));
            int failures = store.recordSrpFailure(s.tenantId(), s.deviceId(), s.clientNetwork(), now,
                    now.minus(FAILURE_MEMORY));
            if (failures >= MAX_FAILURES) {
                store.lockSrp(s.tenantId(), s.deviceId(), s.clientNetwork(), now.plus(lockFor(failures)));
            }
            throw new RemoteException(RemoteException.Kind.SRP_FAILED, "SRP proof refused",
                    List.of(RemoteReason.of(e.reason())));
        } catch (IllegalArgumentException e) {
            store.settleSession(sessionId, false, null, clock.instant().plus(FAILURE_MEMORY));
            throw new RemoteException(RemoteException.Kind.INVALID, "SRP values: " + e.getMessage());
        } finally {
            b.destroy();
        }
        Instant expires = clock.instant().plus(SESSION_TTL);
        SealedBlob k = keys.seal(KEY_PURPOSE, new AssociatedData(s.tenantId(), sessionId, "srp-session-key"),
                proof.sessionKey());
        if (!store.settleSession(sessionId, true, k.encode(), expires)) {
            throw new RemoteException(RemoteException.Kind.SESSION_INVALID, "the handshake was answered already");
        }
        store.clearSrpFailures(s.tenantId(), s.deviceId(), s.clientNetwork());
        return new Established(proof.serverProofM2(), expires);
    }

    /** Exponential backoff: 30 s at the fifth failure, doubling with each further one, at most 15 minutes. */
    static Duration lockFor(int failures) {
        int doublings = Math.min(10, Math.max(0, failures - MAX_FAILURES));
        Duration d = FIRST_LOCK.multipliedBy(1L << doublings);
        return d.compareTo(MAX_LOCK) > 0 ? MAX_LOCK : d;
    }

    /** The SRP failure counters of one device, for its relying party. */
    public List<RemoteStore.SrpLock> locks(String tenant, String deviceId) {
        return store.srpLocks(tenant, deviceId);
    }

    public Optional<RemoteStore.Device> device(String tenant, String deviceId) {
        return store.findDevice(tenant, deviceId);
    }

    /** Clears every source's failures of one device (the RP decided the device is fine). */
    public int clearLocks(String tenant, String deviceId) {
        return store.clearSrpFailures(tenant, deviceId, null);
    }

    /**
     * One received message and the state needed to answer it.
     *
     * @param session the session row as read before the message moved its sequence
     * @param device  the device the session belongs to
     * @param message the sealed message (header fields are authenticated)
     * @param payload its decrypted payload
     */
    public record Inbound(RemoteStore.Session session, RemoteStore.Device device, SealedMessage message,
            RemotePayload payload, ChannelKeys keys) {}

    /**
     * Opens a client message: session open and unexpired, the claimed client id equal to the session's device
     * (A-G2), then the channel's checks (type, freshness, sequence, tag), then the sequence moves in the store.
     */
    public Inbound open(String sessionId, String clientId, ByteArray body, RemoteMessageType type) {
        RemoteStore.Session s = store.findSession(sessionId).filter(x -> x.state().equals("open"))
                .filter(x -> x.expiresAt().isAfter(clock.instant()))
                .orElseThrow(() -> new RemoteException(RemoteException.Kind.SESSION_INVALID,
                        "no open session with this id (unknown, expired or never established)"));
        if (clientId == null || !clientId.equals(s.deviceId())) {
            throw new RemoteException(RemoteException.Kind.CLIENT_MISMATCH,
                    "this session's key belongs to another client");
        }
        RemoteStore.Device device = store.findDevice(s.tenantId(), s.deviceId()).orElseThrow(() ->
                new RemoteException(RemoteException.Kind.SESSION_INVALID, "device removed"));
        ChannelKeys k = channelKeys(s);
        SecureChannel channel = SecureChannel.resume(k, sid(sessionId), Direction.SERVER_TO_CLIENT, clock, freshness,
                s.lastSent(), s.lastReceived());
        SealedMessage m;
        ByteArray plain;
        try {
            m = SealedMessage.decode(body);
            plain = channel.open(m, type.wire(), null);
        } catch (ChannelException e) {
            throw new RemoteException(RemoteException.Kind.CHANNEL_REFUSED, e.getMessage(),
                    List.of(RemoteReason.of(e.reason())));
        }
        if (!store.advanceReceived(sessionId, s.lastReceived(), m.sequence())) {
            throw new RemoteException(RemoteException.Kind.CHANNEL_REFUSED, "message already accepted",
                    List.of(RemoteReason.CHANNEL_REPLAY));
        }
        RemotePayload payload;
        try {
            payload = RemotePayload.decode(plain);
        } catch (IllegalArgumentException e) {
            throw new RemoteException(RemoteException.Kind.INVALID, "sealed payload: " + e.getMessage());
        }
        return new Inbound(s, device, m, payload, k);
    }

    /** Seals the server's answer under the server-to-client key with a sequence number reserved in the store. */
    public ByteArray seal(Inbound in, RemoteMessageType type, ByteArray serverNonce, RemotePayload payload) {
        String sessionId = in.session().sessionId();
        long next = store.reserveSent(sessionId);
        SecureChannel channel = SecureChannel.resume(in.keys(), sid(sessionId), Direction.SERVER_TO_CLIENT, clock,
                freshness, next - 1, 0);
        try {
            return channel.seal(type.wire(), serverNonce, payload.encode()).encode();
        } catch (ChannelException e) {
            throw new RemoteException(RemoteException.Kind.SESSION_INVALID, e.getMessage());
        }
    }

    private ChannelKeys channelKeys(RemoteStore.Session s) {
        SecretBytes k = keys.open(SealedBlob.decode(s.sessionKey().orElseThrow()),
                new AssociatedData(s.tenantId(), s.sessionId(), "srp-session-key"));
        try {
            return ChannelKeys.derive(k, sid(s.sessionId()));
        } finally {
            k.destroy();
        }
    }

    static ByteArray sid(String sessionId) {
        return ByteArray.fromBase64Url(sessionId);
    }

    static SrpVerifier verifierOf(RemoteStore.Device d) {
        return new SrpVerifier(new SrpParameters(SrpGroup.valueOf(d.srpGroup()), SrpDigest.valueOf(d.srpDigest())),
                d.deviceId(), d.salt(), d.verifier());
    }

    private byte[] randomBytes(int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }
}
