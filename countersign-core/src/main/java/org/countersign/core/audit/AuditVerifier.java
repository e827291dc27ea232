package org.countersign.core.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import org.countersign.core.audit.VerificationResult.Broken;
import org.countersign.core.audit.VerificationResult.Intact;
import org.countersign.core.bytes.ByteArray;

/**
 * Checks an operation log against its hash chain and signed checkpoints (A-G4).
 *
 * <p>The chain alone catches an edited row (its hash no longer matches), a deleted row (a seq gap, and the next
 * row's previous hash no longer matches) and reordered rows (seqs out of order). It cannot catch a cut-off tail or
 * a chain recomputed from scratch; signed checkpoints do: each must verify under the checkpoint key and name a
 * seq and hash that the rows reproduce. Without checkpoints only the first three are detected.
 */
public final class AuditVerifier {
    private AuditVerifier() {
    }

    /**
     * @param rowsInSeqOrder rows as stored, read in ascending seq order (seqs start at 1)
     * @param checkpoints    signed checkpoints, any order
     * @param checkpointPublicKey X.509-encoded Ed25519 public key of the {@link CheckpointSigner}
     * @return {@link Intact}, or {@link Broken} naming the lowest seq found bad
     */
    public static VerificationResult verify(Iterator<AuditRow> rowsInSeqOrder, List<Checkpoint> checkpoints,
                                            ByteArray checkpointPublicKey) {
        Objects.requireNonNull(rowsInSeqOrder, "rowsInSeqOrder");
        Objects.requireNonNull(checkpoints, "checkpoints");
        Objects.requireNonNull(checkpointPublicKey, "checkpointPublicKey");

        // A forged checkpoint is reported at its own seq, but a row problem earlier in the log comes first.
        List<Broken> problems = new ArrayList<>();
        TreeMap<Long, List<Checkpoint>> bySeq = new TreeMap<>();
        for (Checkpoint c : checkpoints) {
            if (c == null) {
                continue;
            }
            if (c.seq() < 1) {
                problems.add(new Broken(Math.max(1, c.seq()), "checkpoint names invalid seq " + c.seq()));
            } else if (!CheckpointSigner.verify(c, checkpointPublicKey)) {
                problems.add(new Broken(c.seq(), "checkpoint at seq " + c.seq() + " has an invalid signature"));
            } else {
                bySeq.computeIfAbsent(c.seq(), s -> new ArrayList<>()).add(c);
            }
        }

        long expectedSeq = 1;
        ByteArray previous = AuditChain.GENESIS;
        long rows = 0;
        while (rowsInSeqOrder.hasNext()) {
            AuditRow row = rowsInSeqOrder.next();
            Broken bad = checkRow(row, expectedSeq, previous);
            if (bad == null) {
                for (Checkpoint c : bySeq.getOrDefault(row.seq(), List.of())) {
                    if (!c.hash().equals(row.hash())) {
                        bad = new Broken(row.seq(), "row " + row.seq() + " differs from the signed checkpoint");
                        break;
                    }
                }
            }
            if (bad != null) {
                problems.add(bad);
                return lowest(problems);
            }
            previous = row.hash();
            expectedSeq++;
            rows++;
        }
        long lastSeq = expectedSeq - 1;
        if (!bySeq.isEmpty() && bySeq.lastKey() > lastSeq) {
            problems.add(new Broken(lastSeq + 1, "log ends at seq " + lastSeq + " but a checkpoint was signed at seq "
                    + bySeq.lastKey() + ": rows were removed from the end"));
        }
        if (!problems.isEmpty()) {
            return lowest(problems);
        }
        return new Intact(rows, lastSeq, previous);
    }

    private static Broken checkRow(AuditRow row, long expectedSeq, ByteArray previous) {
        if (row == null) {
            return new Broken(expectedSeq, "missing row " + expectedSeq);
        }
        if (row.seq() != expectedSeq) {
            String what = row.seq() > expectedSeq ? "missing (next row has seq " + row.seq() + ")"
                    : "out of order (found seq " + row.seq() + ")";
            return new Broken(expectedSeq, "row " + expectedSeq + " " + what);
        }
        if (!row.previousHash().equals(previous)) {
            return new Broken(expectedSeq, "row " + expectedSeq + " does not link to the previous row");
        }
        if (!AuditChain.link(previous, row.event()).equals(row.hash())) {
            return new Broken(expectedSeq, "row " + expectedSeq + " content does not match its hash");
        }
        return null;
    }

    private static Broken lowest(List<Broken> problems) {
        return problems.stream().min(Comparator.comparingLong(Broken::firstBadSeq)).orElseThrow();
    }
}
