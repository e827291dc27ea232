package org.countersign.core.channel;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/**
 * One message of the secure channel (X.1279 §9.4, A-G8/A-G9): header in clear, body AES-256-GCM encrypted, and the
 * whole header authenticated as associated data.
 *
 * <h2>Encoding, version 1</h2>
 * <pre>
 *   version        u8   = 1
 *   direction      u8   1 client→server, 2 server→client
 *   sessionId      u8 length (1..64) | bytes
 *   sequence       u64  big-endian, from 1, strictly increasing per direction
 *   messageType    u16  big-endian, application defined
 *   serverNonce    u8 length (0..64) | bytes   (the server challenge this message answers; may be empty)
 *   timestamp      u64  big-endian milliseconds since the Unix epoch
 *   ciphertext     u32 length (16..16 MiB) | bytes (GCM output: encrypted body then 16-byte tag)
 * </pre>
 * The associated data is every byte before the ciphertext length, i.e. {@link #header()}. For JSON transport use
 * {@link #toBase64Url()} (base64url without padding).
 *
 * @param sessionId   the channel's session id
 * @param direction   which key sealed it
 * @param sequence    per-direction sequence number (also the GCM nonce, see {@link SecureChannel})
 * @param messageType what the body is
 * @param serverNonce server challenge bound to the message, or empty
 * @param timestamp   sender's clock at sealing, milliseconds
 * @param ciphertext  GCM ciphertext with tag
 */
public record SealedMessage(ByteArray sessionId, Direction direction, long sequence, int messageType,
        ByteArray serverNonce, Instant timestamp, ByteArray ciphertext) {

    public static final int VERSION = 1;
    public static final int MAX_CIPHERTEXT = 16 * 1024 * 1024;
    static final int TAG_BYTES = 16;

    public SealedMessage {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(serverNonce, "serverNonce");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(ciphertext, "ciphertext");
        if (sessionId.isEmpty() || sessionId.length() > 64) {
            throw new IllegalArgumentException("sessionId must be 1..64 bytes");
        }
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence starts at 1");
        }
        if (messageType < 0 || messageType > 0xffff) {
            throw new IllegalArgumentException("messageType is a u16");
        }
        if (serverNonce.length() > 64) {
            throw new IllegalArgumentException("serverNonce is at most 64 bytes");
        }
        if (timestamp.isBefore(Instant.EPOCH)) {
            throw new IllegalArgumentException("timestamp before 1970");
        }
        timestamp = timestamp.truncatedTo(ChronoUnit.MILLIS);
        if (ciphertext.length() < TAG_BYTES || ciphertext.length() > MAX_CIPHERTEXT) {
            throw new IllegalArgumentException("ciphertext must be 16 bytes .. 16 MiB");
        }
    }

    /** The authenticated header bytes (GCM associated data). */
    public ByteArray header() {
        return ByteArray.copyOf(header(sessionId, direction, sequence, messageType, serverNonce, timestamp));
    }

    static byte[] header(ByteArray sessionId, Direction direction, long sequence, int messageType, ByteArray serverNonce,
            Instant timestamp) {
        ByteBuffer b = ByteBuffer.allocate(1 + 1 + 1 + sessionId.length() + 8 + 2 + 1 + serverNonce.length() + 8);
        b.put((byte) VERSION).put((byte) direction.wire());
        b.put((byte) sessionId.length()).put(sessionId.toByteArray());
        b.putLong(sequence).putShort((short) messageType);
        b.put((byte) serverNonce.length()).put(serverNonce.toByteArray());
        b.putLong(timestamp.toEpochMilli());
        return b.array();
    }

    public ByteArray encode() {
        byte[] h = header(sessionId, direction, sequence, messageType, serverNonce, timestamp);
        return ByteArray.copyOf(ByteBuffer.allocate(h.length + 4 + ciphertext.length())
                .put(h).putInt(ciphertext.length()).put(ciphertext.toByteArray()).array());
    }

    public String toBase64Url() {
        return encode().toBase64Url();
    }

    /** Strict decoding: known version, bounded lengths, no trailing bytes. */
    public static SealedMessage decode(ByteArray encoded) throws ChannelException {
        if (encoded.length() > MAX_CIPHERTEXT + 256) {
            throw malformed("too long");
        }
        ByteBuffer b = ByteBuffer.wrap(encoded.toByteArray());
        try {
            int version = b.get() & 0xff;
            if (version != VERSION) {
                throw malformed("unknown version " + version);
            }
            Direction direction = Direction.ofWire(b.get() & 0xff);
            byte[] session = new byte[b.get() & 0xff];
            b.get(session);
            long sequence = b.getLong();
            int type = b.getShort() & 0xffff;
            byte[] nonce = new byte[b.get() & 0xff];
            b.get(nonce);
            long millis = b.getLong();
            int ctLength = b.getInt();
            if (ctLength < TAG_BYTES || ctLength > MAX_CIPHERTEXT || ctLength != b.remaining()) {
                throw malformed("ciphertext length does not match");
            }
            byte[] ct = new byte[ctLength];
            b.get(ct);
            return new SealedMessage(ByteArray.copyOf(session), direction, sequence, type, ByteArray.copyOf(nonce),
                    Instant.ofEpochMilli(millis), ByteArray.copyOf(ct));
        } catch (BufferUnderflowException e) {
            throw malformed("truncated");
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw malformed(e.getMessage());
        }
    }

    public static SealedMessage fromBase64Url(String text) throws ChannelException {
        if (text == null || text.length() > (MAX_CIPHERTEXT + 256) * 4 / 3 + 4) {
            throw malformed("missing or too long");
        }
        try {
            return decode(ByteArray.copyOf(Base64.getUrlDecoder().decode(text)));
        } catch (IllegalArgumentException e) {
            throw malformed("not base64url");
        }
    }

    private static ChannelException malformed(String why) {
        return new ChannelException(ChannelException.Reason.CHANNEL_MALFORMED, why);
    }
}
