package org.countersign.core.audit;

import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/**
 * A stored log row. {@code hash} must equal {@code AuditChain.link(previousHash, event)} and {@code previousHash}
 * the hash of row {@code seq - 1} (or {@link AuditChain#GENESIS} for seq 1).
 */
public record AuditRow(long seq, AuditEvent event, ByteArray previousHash, ByteArray hash) {
    public AuditRow {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(hash, "hash");
    }

    /** The row that follows {@code previous} (or starts the chain when {@code previous} is null). */
    public static AuditRow append(AuditRow previous, AuditEvent event) {
        long seq = previous == null ? 1 : previous.seq() + 1;
        ByteArray prev = previous == null ? AuditChain.GENESIS : previous.hash();
        return new AuditRow(seq, event, prev, AuditChain.link(prev, event));
    }
}
