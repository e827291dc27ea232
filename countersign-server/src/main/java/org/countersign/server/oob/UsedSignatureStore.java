package org.countersign.server.oob;

import java.time.Instant;
import org.countersign.core.bytes.ByteArray;

/**
 * The statements authenticators have signed and the verifier accepted, kept while they are fresh enough to be sent
 * again, so each is accepted once on every node (A-G3). The checks around it are {@link AuthenticatorSignatures}.
 */
public interface UsedSignatureStore {

    /**
     * Records the hash of an accepted statement until {@code keepUntil}; false if it was recorded before (one
     * compare-and-set, so two nodes given the same statement cannot both accept it).
     */
    boolean firstUse(String authenticatorId, ByteArray statementHash, Instant keepUntil);

    /** Forgets statements kept until before {@code now}. */
    void purge(Instant now);
}
