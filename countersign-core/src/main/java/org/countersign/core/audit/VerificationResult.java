package org.countersign.core.audit;

import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/** Outcome of {@link AuditVerifier#verify}. */
public sealed interface VerificationResult permits VerificationResult.Intact, VerificationResult.Broken {

    /** Every row links to its predecessor and every checkpoint is reproduced by the rows. */
    record Intact(long rows, long lastSeq, ByteArray headHash) implements VerificationResult {
        public Intact {
            Objects.requireNonNull(headHash, "headHash");
        }
    }

    /**
     * The log was altered.
     *
     * @param firstBadSeq the first seq at which the rows stop matching what was written or signed: an edited or
     *                    out-of-place row, the first missing seq, or the seq of a checkpoint the rows contradict
     *                    (a rewritten chain is only detectable there)
     * @param reason      human-readable explanation, without event content
     */
    record Broken(long firstBadSeq, String reason) implements VerificationResult {
        public Broken {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
