package org.countersign.core.audit;

import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/** Outcome of {@link AuditVerifier#verify}. */
public sealed interface VerificationResult permits VerificationResult.Intact, VerificationResult.Broken {

    /**
     * Every row checked links to its predecessor, every checkpoint is reproduced by the rows, and no run of rows
     * longer than the checkpoint interval lacks a signed checkpoint.
     *
     * @param rows            rows checked in this run
     * @param lastSeq         seq of the last row
     * @param headHash        hash of the last row
     * @param firstCheckedSeq first seq checked (1 for a full verification; later when started from a checkpoint)
     * @param sealedThroughSeq seq of the last signed checkpoint: rows up to it are covered by a signature
     * @param checkpoints     valid signed checkpoints seen in the checked range
     */
    record Intact(long rows, long lastSeq, ByteArray headHash, long firstCheckedSeq, long sealedThroughSeq,
                  int checkpoints) implements VerificationResult {
        public Intact {
            Objects.requireNonNull(headHash, "headHash");
        }

        /** Rows after the last signed checkpoint: only the hash chain protects them, not a signature. */
        public long unsealedTail() {
            return lastSeq - sealedThroughSeq;
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
