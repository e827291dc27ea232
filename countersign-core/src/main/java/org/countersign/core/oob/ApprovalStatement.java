package org.countersign.core.oob;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/**
 * What the authenticator signs when the user decides (X.1280 §8.4, §8.5): the decision bound to one request, one
 * offset and the code the phone showed. Signing the offset hash makes the signature the FIDO-style dynamic user
 * authentication of §8.5 (the offset is the challenge).
 *
 * <h2>Canonical encoding, version 1</h2>
 * <pre>
 *   magic 'C' 'S' 'A', version 0x01, then tag | u16 length | value:
 *     0x01 requestId   ASCII, 1..128 bytes
 *     0x02 offsetHash  32 bytes
 *     0x03 code        ASCII digits, 6..10 bytes
 *     0x04 decision    1 byte: 1 APPROVE, 2 REJECT, 3 CODES_DIFFER
 *     0x05 signedAt    u64 big-endian milliseconds since the Unix epoch
 * </pre>
 *
 * @param requestId  the verifier's id for the pending request
 * @param offsetHash SHA-256 of the offset encoding ({@link Offset#hash()})
 * @param code       the code the authenticator displayed
 * @param decision   what the user chose
 * @param signedAt   when the authenticator signed (milliseconds)
 */
public record ApprovalStatement(String requestId, ByteArray offsetHash, String code, Decision decision, Instant signedAt) {

    /** The user's choice (X.1280 §8.4): approve, reject, or report that the two codes differ (likely phishing). */
    public enum Decision {
        APPROVE(1), REJECT(2), CODES_DIFFER(3);

        private final int wire;

        Decision(int wire) {
            this.wire = wire;
        }

        public int wire() {
            return wire;
        }

        static Decision ofWire(int wire) {
            for (Decision d : values()) {
                if (d.wire == wire) {
                    return d;
                }
            }
            throw new OffsetFormatException("unknown decision " + wire);
        }
    }

    public static final int VERSION = 1;
    private static final byte[] MAGIC = {'C', 'S', 'A'};

    public ApprovalStatement {
        requestId = Text.ascii("requestId", requestId, 128);
        Objects.requireNonNull(offsetHash, "offsetHash");
        if (offsetHash.length() != 32) {
            throw new OffsetFormatException("offsetHash must be 32 bytes");
        }
        Objects.requireNonNull(code, "code");
        if (code.length() < 6 || code.length() > 10 || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new OffsetFormatException("code must be 6..10 digits");
        }
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(signedAt, "signedAt");
        if (signedAt.isBefore(Instant.EPOCH)) {
            throw new OffsetFormatException("signedAt before 1970");
        }
        signedAt = signedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The bytes the authenticator signs. */
    public ByteArray encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(MAGIC);
        out.write(VERSION);
        Offset.field(out, 1, requestId.getBytes(StandardCharsets.US_ASCII));
        Offset.field(out, 2, offsetHash.toByteArray());
        Offset.field(out, 3, code.getBytes(StandardCharsets.US_ASCII));
        Offset.field(out, 4, new byte[] {(byte) decision.wire()});
        Offset.field(out, 5, ByteBuffer.allocate(8).putLong(signedAt.toEpochMilli()).array());
        return ByteArray.copyOf(out.toByteArray());
    }

    public static ApprovalStatement decode(ByteArray encoded) {
        Offset.Reader r = new Offset.Reader(encoded.toByteArray());
        r.magic(MAGIC, VERSION);
        String id = r.ascii(1, 1, 128);
        byte[] hash = r.field(2, 32, 32);
        String code = r.ascii(3, 6, 10);
        int decision = r.field(4, 1, 1)[0] & 0xff;
        long millis = ByteBuffer.wrap(r.field(5, 8, 8)).getLong();
        r.end();
        return new ApprovalStatement(id, ByteArray.copyOf(hash), code, Decision.ofWire(decision), Instant.ofEpochMilli(millis));
    }
}
