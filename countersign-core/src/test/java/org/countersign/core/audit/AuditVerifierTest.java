package org.countersign.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.countersign.core.audit.VerificationResult.Broken;
import org.countersign.core.audit.VerificationResult.Intact;
import org.countersign.core.bytes.ByteArray;
import org.junit.jupiter.api.Test;

class AuditVerifierTest {
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00.123456789Z");
    private final CheckpointSigner signer = CheckpointSigner.generate();

    private static AuditEvent event(int i) {
        return new AuditEvent(T0.plusSeconds(i), i % 2 == 0 ? "tenant-a" : null, "user-" + i, "otp.verify",
                "cred-" + i, i % 3 == 0 ? "failure" : "success", "req-" + i, Map.of("ip", "192.0.2." + i, "n", "" + i));
    }

    private static List<AuditRow> chain(int n) {
        List<AuditRow> rows = new ArrayList<>();
        AuditRow prev = null;
        for (int i = 1; i <= n; i++) {
            prev = AuditRow.append(prev, event(i));
            rows.add(prev);
        }
        return rows;
    }

    private VerificationResult verify(List<AuditRow> rows, List<Checkpoint> checkpoints) {
        return AuditVerifier.verify(rows.iterator(), checkpoints, signer.publicKey());
    }

    private Checkpoint checkpointAt(AuditRow row) {
        return signer.sign(row.seq(), row.hash(), T0.plusSeconds(3600));
    }

    @Test
    void A_G4_intactChainVerifies() {
        List<AuditRow> rows = chain(10);
        VerificationResult r = verify(rows, List.of(checkpointAt(rows.get(4)), checkpointAt(rows.get(9))));
        assertThat(r).isEqualTo(new Intact(10, 10, rows.get(9).hash(), 1, 10, 2));
        assertThat(rows.get(0).previousHash()).isEqualTo(AuditChain.GENESIS);
    }

    @Test
    void emptyLogIsIntactAtGenesis() {
        assertThat(verify(List.of(), List.of())).isEqualTo(new Intact(0, 0, AuditChain.GENESIS, 1, 0, 0));
    }

    @Test
    void A_G4_editedRowIsDetectedAtItsSeq() {
        List<AuditRow> rows = chain(10);
        AuditRow r4 = rows.get(3);
        AuditEvent e = r4.event();
        AuditEvent edited = new AuditEvent(e.time(), e.tenantId(), e.actor(), e.action(), e.subject(), "tampered",
                e.requestId(), e.details());
        rows.set(3, new AuditRow(4, edited, r4.previousHash(), r4.hash()));
        assertThat(verify(rows, List.of())).isInstanceOfSatisfying(Broken.class,
                b -> assertThat(b.firstBadSeq()).isEqualTo(4));
    }

    @Test
    void editedDetailIsDetected() {
        List<AuditRow> rows = chain(5);
        AuditRow r2 = rows.get(1);
        AuditEvent e = r2.event();
        rows.set(1, new AuditRow(2, new AuditEvent(e.time(), e.tenantId(), e.actor(), e.action(), e.subject(),
                e.outcome(), e.requestId(), Map.of("ip", "198.51.100.7", "n", "2")), r2.previousHash(), r2.hash()));
        assertThat(verify(rows, List.of())).isEqualTo(verifyBrokenAt(2, rows));
    }

    @Test
    void A_G4_deletedMiddleRowIsDetected() {
        List<AuditRow> rows = chain(10);
        rows.remove(5); // seq 6
        assertThat(verify(rows, List.of())).isInstanceOfSatisfying(Broken.class,
                b -> assertThat(b.firstBadSeq()).isEqualTo(6));
    }

    @Test
    void deletedRowWithRenumberedSeqsIsDetectedByTheLink() {
        List<AuditRow> rows = chain(10);
        rows.remove(5);
        List<AuditRow> renumbered = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            AuditRow r = rows.get(i);
            renumbered.add(new AuditRow(i + 1, r.event(), r.previousHash(), r.hash()));
        }
        assertThat(verify(renumbered, List.of())).isInstanceOfSatisfying(Broken.class,
                b -> assertThat(b.firstBadSeq()).isEqualTo(6));
    }

    @Test
    void A_G4_deletedTailIsDetectedByTheCheckpoint() {
        List<AuditRow> rows = chain(10);
        Checkpoint head = checkpointAt(rows.get(9));
        List<AuditRow> cut = new ArrayList<>(rows.subList(0, 8));
        assertThat(verify(cut, List.of(head))).isInstanceOfSatisfying(Broken.class,
                b -> assertThat(b.firstBadSeq()).isEqualTo(9));
        // Without the checkpoint a cut tail looks like a shorter intact log: that is why checkpoints exist.
        assertThat(verify(cut, List.of())).isInstanceOf(Intact.class);
    }

    @Test
    void A_G4_reorderedRowsAreDetected() {
        List<AuditRow> rows = chain(10);
        Collections.swap(rows, 2, 3); // seqs 3 and 4
        assertThat(verify(rows, List.of())).isInstanceOfSatisfying(Broken.class,
                b -> assertThat(b.firstBadSeq()).isEqualTo(3));
    }

    @Test
    void reorderedEventsWithKeptSeqsAreDetected() {
        List<AuditRow> rows = chain(10);
        AuditRow a = rows.get(2);
        AuditRow b = rows.get(3);
        rows.set(2, new AuditRow(3, b.event(), b.previousHash(), b.hash()));
        rows.set(3, new AuditRow(4, a.event(), a.previousHash(), a.hash()));
        assertThat(verify(rows, List.of())).isInstanceOfSatisfying(Broken.class,
                r -> assertThat(r.firstBadSeq()).isEqualTo(3));
    }

    @Test
    void A_G4_rewrittenChainIsDetectedByTheSignedCheckpoint() {
        List<AuditRow> rows = chain(10);
        Checkpoint cp = checkpointAt(rows.get(7)); // seq 8
        // The attacker edits row 5 and recomputes every hash after it.
        List<AuditRow> rewritten = new ArrayList<>(rows.subList(0, 4));
        AuditRow prev = rewritten.get(3);
        for (int i = 5; i <= 10; i++) {
            AuditEvent e = i == 5 ? new AuditEvent(T0, null, "attacker", "otp.verify", "x", "success", null, null)
                    : event(i);
            prev = AuditRow.append(prev, e);
            rewritten.add(prev);
        }
        assertThat(verify(rewritten, List.of())).isInstanceOf(Intact.class);
        assertThat(verify(rewritten, List.of(cp))).isInstanceOfSatisfying(Broken.class,
                b -> assertThat(b.firstBadSeq()).isEqualTo(8));
    }

    @Test
    void A_G4_forgedCheckpointIsRejected() {
        List<AuditRow> rows = chain(10);
        Checkpoint good = checkpointAt(rows.get(9));
        // Signed by another key.
        Checkpoint foreign = CheckpointSigner.generate().sign(10, rows.get(9).hash(), T0);
        assertThat(verify(rows, List.of(foreign))).isInstanceOfSatisfying(Broken.class,
                b -> assertThat(b.firstBadSeq()).isEqualTo(10));
        // Our signature moved to another seq or hash.
        Checkpoint moved = new Checkpoint(7, good.hash(), good.time(), good.signature());
        assertThat(verify(rows, List.of(moved))).isInstanceOfSatisfying(Broken.class,
                b -> assertThat(b.firstBadSeq()).isEqualTo(7));
        Checkpoint garbage = new Checkpoint(10, good.hash(), good.time(), ByteArray.fromHex("00"));
        assertThat(verify(rows, List.of(garbage))).isInstanceOf(Broken.class);
        // A bad checkpoint after an earlier row problem: the row is reported first.
        rows.remove(2);
        assertThat(verify(rows, List.of(foreign))).isInstanceOfSatisfying(Broken.class,
                b -> assertThat(b.firstBadSeq()).isEqualTo(3));
    }

    @Test
    void signerCanBeRestoredFromStoredKeys() {
        CheckpointSigner restored = CheckpointSigner.of(signer.privateKeyPkcs8(), signer.publicKey());
        Checkpoint c = restored.sign(1, AuditChain.GENESIS, T0);
        assertThat(CheckpointSigner.verify(c, signer.publicKey())).isTrue();
        assertThat(CheckpointSigner.verify(c, ByteArray.fromHex("0102"))).isFalse();
    }

    @Test
    void canonicalBytesAreDeterministicAndTimeIsMicros() {
        AuditEvent a = new AuditEvent(T0, "t", "a", "x", "s", "ok", "r", Map.of("b", "2", "a", "1"));
        AuditEvent b = new AuditEvent(T0.plusNanos(1), "t", "a", "x", "s", "ok", "r",
                new java.util.TreeMap<>(Map.of("a", "1", "b", "2")));
        assertThat(a.canonicalBytes()).isEqualTo(b.canonicalBytes());
        assertThat(a.time()).isEqualTo(Instant.parse("2025-03-01T12:00:00.123456Z"));
        assertThat(new AuditEvent(T0, null, "a", "x", "s", "ok", "r", Map.of()).canonicalBytes())
                .isNotEqualTo(new AuditEvent(T0, "", "a", "x", "s", "ok", "r", Map.of()).canonicalBytes());
        assertThat(new AuditEvent(T0, "t", "ab", "x", "s", "ok", "r", Map.of()).canonicalBytes())
                .isNotEqualTo(new AuditEvent(T0, "t", "a", "bx", "s", "ok", "r", Map.of()).canonicalBytes());
    }

    @Test
    void canonicalBytesMatchTheDocumentedLayout() {
        AuditEvent e = new AuditEvent(Instant.ofEpochSecond(1, 2000), null, "a", "b", null, "c", null, Map.of("k", "v"));
        String hex = "0000001a" + ByteArray.ofUtf8("countersign/audit-event/v1").toHex()
                + "00000000000f4242" // 1_000_002 micros
                + "ffffffff" + "0000000161" + "0000000162" + "ffffffff" + "0000000163" + "ffffffff"
                + "00000001" + "000000016b" + "0000000176";
        assertThat(e.canonicalBytes().toHex()).isEqualTo(hex);
    }

    // ---- checkpoints are demanded, not optional (an attacker with database access can delete them) ----

    private VerificationResult verify(List<AuditRow> rows, List<Checkpoint> checkpoints, long every) {
        return AuditVerifier.verify(rows.iterator(), checkpoints, signer.publicKey(), every, null);
    }

    /** Checkpoints as the writer signs them: at every multiple of {@code every}. */
    private List<Checkpoint> everyNth(List<AuditRow> rows, int every) {
        List<Checkpoint> out = new ArrayList<>();
        for (AuditRow r : rows) {
            if (r.seq() % every == 0) {
                out.add(checkpointAt(r));
            }
        }
        return out;
    }

    private static List<AuditRow> rewriteFrom(List<AuditRow> rows, int seq) {
        List<AuditRow> out = new ArrayList<>(rows.subList(0, seq - 1));
        AuditRow prev = out.isEmpty() ? null : out.get(out.size() - 1);
        for (int i = seq; i <= rows.size(); i++) {
            AuditEvent e = i == seq ? new AuditEvent(T0, null, "attacker", "otp.verify", "x", "success", null, null)
                    : rows.get(i - 1).event();
            prev = AuditRow.append(prev, e);
            out.add(prev);
        }
        return out;
    }

    @Test
    void A_G4_deletedCheckpointsAndRecomputedChainAreDetected() {
        List<AuditRow> forged = rewriteFrom(chain(23), 3);
        // The attacker deleted every checkpoint: the chain alone would look intact ...
        assertThat(verify(forged, List.of())).isInstanceOf(Intact.class);
        // ... but 23 rows without a single checkpoint cannot come from a writer that signs every 5.
        assertThat(verify(forged, List.of(), 5)).isInstanceOfSatisfying(Broken.class, b -> {
            assertThat(b.firstBadSeq()).isEqualTo(1);
            assertThat(b.reason()).contains("covered by no signed checkpoint").contains("deleted");
        });
    }

    @Test
    void A_G4_deletedMiddleCheckpointIsDetected() {
        List<AuditRow> rows = chain(23);
        List<Checkpoint> cps = new ArrayList<>(everyNth(rows, 5));
        assertThat(verify(rows, cps, 5)).isInstanceOfSatisfying(Intact.class, ok -> {
            assertThat(ok.sealedThroughSeq()).isEqualTo(20);
            assertThat(ok.unsealedTail()).isEqualTo(3);
            assertThat(ok.checkpoints()).isEqualTo(4);
        });
        cps.removeIf(c -> c.seq() == 10);
        assertThat(verify(rows, cps, 5)).isInstanceOfSatisfying(Broken.class, b -> {
            assertThat(b.firstBadSeq()).isEqualTo(6);
            assertThat(b.reason()).contains("rows 6..14");
        });
    }

    @Test
    void A_G4_deletedLastCheckpointLeavesATooLongTail() {
        List<AuditRow> rows = chain(23);
        List<Checkpoint> cps = new ArrayList<>(everyNth(rows, 5));
        cps.removeIf(c -> c.seq() == 20);
        assertThat(verify(rows, cps, 5)).isInstanceOfSatisfying(Broken.class,
                b -> assertThat(b.firstBadSeq()).isEqualTo(16));
    }

    @Test
    void extraCheckpointsBetweenTheRegularOnesAreFine() {
        List<AuditRow> rows = chain(23);
        List<Checkpoint> cps = new ArrayList<>(everyNth(rows, 5));
        cps.add(checkpointAt(rows.get(6))); // seq 7: a time-based or shutdown checkpoint
        cps.add(checkpointAt(rows.get(21))); // seq 22
        assertThat(verify(rows, cps, 5)).isInstanceOfSatisfying(Intact.class,
                ok -> assertThat(ok.unsealedTail()).isEqualTo(1));
    }

    @Test
    void A_G4_incrementalVerificationStartsAtATrustedCheckpoint() {
        List<AuditRow> rows = chain(23);
        List<Checkpoint> cps = everyNth(rows, 5);
        Checkpoint from = cps.get(1); // seq 10
        VerificationResult r = AuditVerifier.verify(rows.subList(9, 23).iterator(), cps, signer.publicKey(), 5, from);
        assertThat(r).isEqualTo(new Intact(13, 23, rows.get(22).hash(), 11, 20, 2));
        // An edit after the starting checkpoint is found ...
        List<AuditRow> forged = rewriteFrom(rows, 12);
        assertThat(AuditVerifier.verify(forged.subList(9, 23).iterator(), cps, signer.publicKey(), 5, from))
                .isInstanceOfSatisfying(Broken.class, b -> assertThat(b.firstBadSeq()).isEqualTo(15));
        // ... and so is a changed row under the starting checkpoint itself.
        List<AuditRow> forged9 = rewriteFrom(rows, 9);
        assertThat(AuditVerifier.verify(forged9.subList(9, 23).iterator(), cps, signer.publicKey(), 5, from))
                .isInstanceOfSatisfying(Broken.class, b -> assertThat(b.firstBadSeq()).isEqualTo(10));
        // A starting checkpoint signed by another key is refused.
        Checkpoint foreign = CheckpointSigner.generate().sign(10, rows.get(9).hash(), T0);
        assertThat(AuditVerifier.verify(rows.subList(9, 23).iterator(), cps, signer.publicKey(), 5, foreign))
                .isInstanceOf(Broken.class);
    }

    @Test
    void fingerprintsCompareIgnoringColonsAndCase() {
        String fp = CheckpointSigner.fingerprint(signer.publicKey());
        assertThat(fp).matches("([0-9a-f]{2}:){31}[0-9a-f]{2}");
        assertThat(CheckpointSigner.sameFingerprint(fp.replace(":", "").toUpperCase(), fp)).isTrue();
        assertThat(CheckpointSigner.sameFingerprint(CheckpointSigner.fingerprint(CheckpointSigner.generate().publicKey()), fp))
                .isFalse();
        assertThat(CheckpointSigner.sameFingerprint("", fp)).isFalse();
    }

    private VerificationResult verifyBrokenAt(long seq, List<AuditRow> rows) {
        VerificationResult r = verify(rows, List.of());
        assertThat(r).isInstanceOfSatisfying(Broken.class, b -> assertThat(b.firstBadSeq()).isEqualTo(seq));
        return r;
    }
}
