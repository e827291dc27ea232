package org.countersign.core.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.CanonicalWriter;

/**
 * A signed statement "the log had row {@code seq} with hash {@code hash} at {@code time}". Kept apart from the
 * log (another table, a file, an external witness) so whoever can rewrite the log cannot also rewrite these.
 */
public record Checkpoint(long seq, ByteArray hash, Instant time, ByteArray signature) {
    private static final ByteArray DOMAIN = ByteArray.ofUtf8("countersign/audit-checkpoint/v1");

    public Checkpoint {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(signature, "signature");
        time = time.truncatedTo(ChronoUnit.MICROS);
    }

    /** Bytes covered by the signature: domain label, seq (64 bits), hash (length-prefixed), time in micros. */
    static ByteArray signedBytes(long seq, ByteArray hash, Instant time) {
        return new CanonicalWriter().bytes(DOMAIN).i64(seq).bytes(hash)
                .i64(ChronoUnit.MICROS.between(Instant.EPOCH, time.truncatedTo(ChronoUnit.MICROS))).toByteArray();
    }
}
