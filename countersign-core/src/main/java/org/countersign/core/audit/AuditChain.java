package org.countersign.core.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/**
 * The hash chain over the operation log: each row's hash covers the previous row's hash, so changing, removing or
 * reordering any row changes every later hash. Signed {@link Checkpoint}s pin the head so the tail cannot be cut
 * off or the whole chain recomputed unnoticed.
 */
public final class AuditChain {
    /** The "previous hash" of the first row: 32 zero bytes. */
    public static final ByteArray GENESIS = ByteArray.copyOf(new byte[32]);

    private AuditChain() {
    }

    /** SHA-256(previousHash ‖ e.canonicalBytes()). */
    public static ByteArray link(ByteArray previousHash, AuditEvent e) {
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(e, "e");
        if (previousHash.length() != 32) {
            throw new IllegalArgumentException("previous hash must be 32 bytes");
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(previousHash.toByteArray());
            sha.update(e.canonicalBytes().toByteArray());
            return ByteArray.copyOf(sha.digest());
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
