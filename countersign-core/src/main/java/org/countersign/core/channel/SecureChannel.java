package org.countersign.core.channel;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.replay.FreshnessPolicy;

/**
 * One endpoint of the application-layer secure channel that runs inside TLS for biometric payloads and decisions
 * (X.1279 §9.4; A-G3 replay, A-G8 integrity, A-G9 per-client encryption).
 *
 * <p>Sealing: AES-256-GCM under the sender's direction key ({@link ChannelKeys}); the 12-byte GCM nonce is the
 * direction (u32) followed by the sequence number (u64). Each direction has its own key and the sequence only
 * grows, so a nonce never repeats under a key. The header ({@link SealedMessage#header()}) is the associated data:
 * changing any header field breaks the tag.
 *
 * <p>Opening checks, in this order: session id, direction, message type, server nonce (when the caller expects
 * one), timestamp within the {@link FreshnessPolicy}, sequence above the last accepted one, then the tag. The last
 * accepted sequence moves only after the tag verified, so forgeries cannot burn sequence numbers.
 *
 * <p>Instances are thread-safe. For stateless servers, persist {@link #lastSentSequence()} and
 * {@link #lastReceivedSequence()} with the session and re-create the endpoint with {@link #resume}.
 */
public final class SecureChannel {
    private static final int TAG_BITS = 128;

    private final ChannelKeys keys;
    private final ByteArray sessionId;
    private final Direction outbound;
    private final Direction inbound;
    private final Clock clock;
    private final FreshnessPolicy freshness;
    private long lastSent;
    private long lastReceived;

    private SecureChannel(ChannelKeys keys, ByteArray sessionId, Direction outbound, Clock clock, FreshnessPolicy freshness,
            long lastSent, long lastReceived) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        if (sessionId.isEmpty() || sessionId.length() > 64) {
            throw new IllegalArgumentException("sessionId must be 1..64 bytes");
        }
        this.outbound = outbound;
        this.inbound = outbound == Direction.CLIENT_TO_SERVER ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.freshness = Objects.requireNonNull(freshness, "freshness");
        if (lastSent < 0 || lastReceived < 0) {
            throw new IllegalArgumentException("sequence numbers are non-negative");
        }
        this.lastSent = lastSent;
        this.lastReceived = lastReceived;
    }

    /** The client (phone, browser page) end of a new session. */
    public static SecureChannel client(ChannelKeys keys, ByteArray sessionId, Clock clock, FreshnessPolicy freshness) {
        return new SecureChannel(keys, sessionId, Direction.CLIENT_TO_SERVER, clock, freshness, 0, 0);
    }

    /** The server end of a new session. */
    public static SecureChannel server(ChannelKeys keys, ByteArray sessionId, Clock clock, FreshnessPolicy freshness) {
        return new SecureChannel(keys, sessionId, Direction.SERVER_TO_CLIENT, clock, freshness, 0, 0);
    }

    /** Re-creates an endpoint from persisted sequence state. */
    public static SecureChannel resume(ChannelKeys keys, ByteArray sessionId, Direction outbound, Clock clock,
            FreshnessPolicy freshness, long lastSentSequence, long lastReceivedSequence) {
        return new SecureChannel(keys, sessionId, outbound, clock, freshness, lastSentSequence, lastReceivedSequence);
    }

    /** Encrypts {@code plaintext} as the next message of this endpoint. */
    public synchronized SealedMessage seal(int messageType, ByteArray serverNonce, ByteArray plaintext) throws ChannelException {
        Objects.requireNonNull(serverNonce, "serverNonce");
        Objects.requireNonNull(plaintext, "plaintext");
        if (messageType < 0 || messageType > 0xffff || serverNonce.length() > 64) {
            throw new IllegalArgumentException("messageType must be a u16 and serverNonce at most 64 bytes");
        }
        if (lastSent == Long.MAX_VALUE) {
            throw new ChannelException(ChannelException.Reason.CHANNEL_EXHAUSTED, "no sequence numbers left");
        }
        if (plaintext.length() > SealedMessage.MAX_CIPHERTEXT - SealedMessage.TAG_BYTES) {
            throw new IllegalArgumentException("plaintext too long");
        }
        long sequence = lastSent + 1;
        Instant now = clock.instant();
        byte[] header = SealedMessage.header(sessionId, outbound, sequence, messageType, serverNonce, now);
        byte[] ct = crypt(Cipher.ENCRYPT_MODE, keys.key(outbound), outbound, sequence, header, plaintext.toByteArray());
        lastSent = sequence;
        return new SealedMessage(sessionId, outbound, sequence, messageType, serverNonce, now, ByteArray.copyOf(ct));
    }

    /** Unbound variant for messages that answer no server challenge. */
    public SealedMessage seal(int messageType, ByteArray plaintext) throws ChannelException {
        return seal(messageType, ByteArray.empty(), plaintext);
    }

    /**
     * Checks and decrypts a message from the other endpoint.
     *
     * @param expectedType        the message type the caller is waiting for
     * @param expectedServerNonce the challenge the message must be bound to, or {@code null} to accept any (it is
     *                            still authenticated)
     */
    public synchronized ByteArray open(SealedMessage m, int expectedType, ByteArray expectedServerNonce) throws ChannelException {
        Objects.requireNonNull(m, "message");
        if (!m.sessionId().equals(sessionId)) {
            throw new ChannelException(ChannelException.Reason.CHANNEL_WRONG_SESSION, "message belongs to another session");
        }
        if (m.direction() != inbound) {
            throw new ChannelException(ChannelException.Reason.CHANNEL_WRONG_DIRECTION, "message travels " + m.direction());
        }
        if (m.messageType() != expectedType) {
            throw new ChannelException(ChannelException.Reason.CHANNEL_WRONG_TYPE,
                    "expected type " + expectedType + ", got " + m.messageType());
        }
        if (expectedServerNonce != null && !expectedServerNonce.constantTimeEquals(m.serverNonce())) {
            throw new ChannelException(ChannelException.Reason.CHANNEL_WRONG_NONCE, "not bound to the expected challenge");
        }
        FreshnessPolicy.Verdict fresh = freshness.check(m.timestamp(), clock.instant());
        if (fresh != FreshnessPolicy.Verdict.FRESH) {
            throw new ChannelException(ChannelException.Reason.CHANNEL_STALE, fresh.name());
        }
        if (m.sequence() <= lastReceived) {
            throw new ChannelException(ChannelException.Reason.CHANNEL_REPLAY,
                    "sequence " + m.sequence() + " not above " + lastReceived);
        }
        byte[] plain = crypt(Cipher.DECRYPT_MODE, keys.key(inbound), inbound, m.sequence(), m.header().toByteArray(),
                m.ciphertext().toByteArray());
        lastReceived = m.sequence();
        return ByteArray.copyOf(plain);
    }

    public synchronized long lastSentSequence() {
        return lastSent;
    }

    public synchronized long lastReceivedSequence() {
        return lastReceived;
    }

    public ByteArray sessionId() {
        return sessionId;
    }

    static byte[] nonce(Direction d, long sequence) {
        return ByteBuffer.allocate(12).putInt(d.wire()).putLong(sequence).array();
    }

    private static byte[] crypt(int mode, SecretBytes key, Direction d, long sequence, byte[] aad, byte[] input)
            throws ChannelException {
        byte[] raw = key.revealForCrypto();
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(raw, "AES"), new GCMParameterSpec(TAG_BITS, nonce(d, sequence)));
            c.updateAAD(aad);
            return c.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new ChannelException(ChannelException.Reason.CHANNEL_TAMPERED, "authentication tag mismatch");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
        }
    }
}
