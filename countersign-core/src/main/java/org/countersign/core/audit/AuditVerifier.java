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
 * a chain recomputed from scratch, because recomputing hashes needs no secret; signed checkpoints do: each must
 * verify under the checkpoint key and name a seq and hash that the rows reproduce. Because the writer signs a
 * checkpoint at least every {@code checkpointEvery} rows, a run of more rows than that without a valid checkpoint
 * means checkpoints were removed, and is reported as such: deleting the checkpoints cannot turn a rewritten chain
 * back into an "intact" one.
 */
public final class AuditVerifier {
    /** No coverage demand: only the links and the checkpoints given are checked. */
    public static final long NO_INTERVAL = Long.MAX_VALUE;

    private AuditVerifier() {
    }

    /** Links and the given checkpoints only; demands no checkpoint (see {@link #verify(Iterator, List, ByteArray, long, Checkpoint)}). */
    public static VerificationResult verify(Iterator<AuditRow> rowsInSeqOrder, List<Checkpoint> checkpoints,
                                            ByteArray checkpointPublicKey) {
        return verify(rowsInSeqOrder, checkpoints, checkpointPublicKey, NO_INTERVAL, null);
    }

    /**
     * @param rowsInSeqOrder  rows as stored in ascending seq order: from seq 1, or from {@code from.seq()} inclusive
     * @param checkpoints     signed checkpoints, any order (those before {@code from} are ignored)
     * @param checkpointPublicKey X.509-encoded Ed25519 public key of the {@link CheckpointSigner}
     * @param checkpointEvery the writer's interval: more rows than this without a valid checkpoint is a failure
     * @param from            a checkpoint already trusted (incremental verification), or {@code null} for all
     * @return {@link Intact}, or {@link Broken} naming the lowest seq found bad
     */
    public static VerificationResult verify(Iterator<AuditRow> rowsInSeqOrder, List<Checkpoint> checkpoints,
                                            ByteArray checkpointPublicKey, long checkpointEvery, Checkpoint from) {
        Objects.requireNonNull(rowsInSeqOrder, "rowsInSeqOrder");
        Objects.requireNonNull(checkpoints, "checkpoints");
        Objects.requireNonNull(checkpointPublicKey, "checkpointPublicKey");
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpointEvery must be positive");
        }
        long startSeq = 1;
        ByteArray previous = AuditChain.GENESIS;
        if (from != null) {
            if (from.seq() < 1 || !CheckpointSigner.verify(from, checkpointPublicKey)) {
                return new Broken(Math.max(1, from.seq()), "the starting checkpoint at seq " + from.seq()
                        + " does not verify under the checkpoint key");
            }
            startSeq = from.seq() + 1;
            previous = from.hash();
        }

        // A forged checkpoint is reported at its own seq, but a row problem earlier in the log comes first.
        List<Broken> problems = new ArrayList<>();
        TreeMap<Long, List<Checkpoint>> bySeq = new TreeMap<>();
        for (Checkpoint c : checkpoints) {
            if (c == null || (from != null && c.seq() < from.seq())) {
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

        if (from != null) {
            // The trusted checkpoint's own row: its hash must be the signed one; rows before it are not re-read.
            if (!rowsInSeqOrder.hasNext()) {
                problems.add(new Broken(from.seq(), "row " + from.seq() + " named by the starting checkpoint is missing"));
                return lowest(problems);
            }
            AuditRow anchor = rowsInSeqOrder.next();
            if (anchor == null || anchor.seq() != from.seq() || !anchor.hash().equals(from.hash())) {
                problems.add(new Broken(from.seq(), "row " + from.seq() + " differs from the signed checkpoint"));
                return lowest(problems);
            }
        }

        long expectedSeq = startSeq;
        long sealedThrough = startSeq - 1;
        int seen = 0;
        long rows = 0;
        while (rowsInSeqOrder.hasNext()) {
            AuditRow row = rowsInSeqOrder.next();
            Broken bad = checkRow(row, expectedSeq, previous);
            List<Checkpoint> here = bad == null ? bySeq.getOrDefault(row.seq(), List.of()) : List.of();
            for (Checkpoint c : here) {
                if (!c.hash().equals(row.hash())) {
                    bad = new Broken(row.seq(), "row " + row.seq() + " differs from the signed checkpoint");
                    break;
                }
            }
            if (bad != null) {
                problems.add(bad);
                return lowest(problems);
            }
            if (!here.isEmpty()) {
                if (row.seq() - sealedThrough > checkpointEvery) {
                    problems.add(uncovered(sealedThrough, row.seq() - 1, checkpointEvery));
                }
                sealedThrough = row.seq();
                seen++;
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
        // The writer signs in the same transaction as every checkpointEvery-th row, so a longer unsigned tail
        // cannot occur unless its checkpoints were deleted.
        if (checkpointEvery != NO_INTERVAL && lastSeq - sealedThrough >= checkpointEvery) {
            problems.add(uncovered(sealedThrough, lastSeq, checkpointEvery));
        }
        if (!problems.isEmpty()) {
            return lowest(problems);
        }
        return new Intact(rows, lastSeq, previous, startSeq, sealedThrough, seen);
    }

    private static Broken uncovered(long sealedThrough, long untilSeq, long every) {
        return new Broken(sealedThrough + 1, "rows " + (sealedThrough + 1) + ".." + untilSeq
                + " are covered by no signed checkpoint although one is signed at least every " + every
                + " rows: checkpoints were deleted (or the log rewritten)");
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
