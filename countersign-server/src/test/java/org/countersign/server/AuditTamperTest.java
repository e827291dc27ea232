package org.countersign.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import org.countersign.core.audit.VerificationResult;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.CheckpointKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A-G4: someone with direct database access edits, deletes, reorders or truncates audit rows (bypassing the
 * append-only trigger as a superuser can); verification must find each and name the first broken row.
 */
@Tag("integration")
class AuditTamperTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.onPostgres(c -> c.withAuditCheckpointEvery(5));
        String key = server.createTenant("bank");
        for (int i = 0; i < 20; i++) {
            server.post("/v1/users", key, "{\"userId\":\"u" + i + "\"}");
        }
        server.node.auditLog().checkpointNow();
        assertThat(verify()).isInstanceOf(VerificationResult.Intact.class);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private VerificationResult verify() throws Exception {
        return AuditLog.verify(server.node.store().dataSource(), CheckpointKeys.publicKey(server.dataDir),
                AuditLog.VerifyOptions.full(5, java.util.Optional.of(server.dataDir.resolve(AuditLog.PUBLISHED_CHECKPOINTS))));
    }

    private void tamper(String... sql) throws Exception {
        try (Connection c = server.database.connect(); Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica"); // switches the append-only triggers off
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private long brokenAt() throws Exception {
        VerificationResult r = verify();
        assertThat(r).isInstanceOf(VerificationResult.Broken.class);
        return ((VerificationResult.Broken) r).firstBadSeq();
    }

    @Test
    void appendOnlyTriggerRefusesOrdinaryUpdates() throws Exception {
        try (Connection c = server.database.connect(); Statement s = c.createStatement()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.execute("delete from audit_events where seq = 3"))
                    .hasMessageContaining("append-only");
        }
    }

    @Test
    void editedRowIsFound() throws Exception {
        tamper("update audit_events set outcome = 'failure' where seq = 7");
        assertThat(brokenAt()).isEqualTo(7);
    }

    @Test
    void editedDetailsAreFound() throws Exception {
        tamper("update audit_events set details = '{\"ip\":\"10.0.0.1\"}'::jsonb where seq = 9");
        assertThat(brokenAt()).isEqualTo(9);
    }

    @Test
    void deletedRowIsFound() throws Exception {
        tamper("delete from audit_events where seq = 7");
        assertThat(brokenAt()).isBetween(7L, 8L);
    }

    @Test
    void reorderedRowsAreFound() throws Exception {
        tamper("update audit_events set seq = -1 where seq = 7",
                "update audit_events set seq = 7 where seq = 9",
                "update audit_events set seq = 9 where seq = -1");
        assertThat(brokenAt()).isEqualTo(7);
    }

    @Test
    void truncatedTailIsFoundThroughTheSignedCheckpoint() throws Exception {
        tamper("delete from audit_events where seq > 15",
                "update audit_head set seq = 15, hash = (select hash from audit_events where seq = 15)");
        assertThat(brokenAt()).isGreaterThan(15);
    }

    @Test
    void rewrittenChainIsFoundThroughTheSignedCheckpoint() throws Exception {
        // The attacker edits row 3 and recomputes every later hash, which needs no secret; only the signed
        // checkpoints, whose key stays in the data folder, reveal it.
        server.node.auditLog(); // keep the server alive while we read
        rewriteFrom(3, false);
        assertThat(brokenAt()).isGreaterThanOrEqualTo(3);
    }

    // ---- issue: forged logs that still verified. Each test performs the forgery with database write access only
    // (plus the data folder where stated) and expects detection with a message that says what happened. ----

    /** Edits row {@code fromSeq}, recomputes every later hash (no secret needed) and moves the head along. */
    private org.countersign.core.bytes.ByteArray rewriteFrom(long fromSeq) throws Exception {
        return rewriteFrom(fromSeq, true);
    }

    /** As {@link #rewriteFrom(long)}; {@code moveHead} false leaves the head row as it was. */
    private org.countersign.core.bytes.ByteArray rewriteFrom(long fromSeq, boolean moveHead) throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (Connection c = server.database.connect(); Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica");
            s.execute("update audit_events set outcome = 'forged' where seq = " + fromSeq);
            org.countersign.core.bytes.ByteArray prev = org.countersign.core.audit.AuditChain.GENESIS;
            var rows = new java.util.ArrayList<org.countersign.core.audit.AuditRow>();
            try (var rs = s.executeQuery("select seq, event_time, tenant_id, actor, action, subject, outcome, request_id,"
                    + " details, hash from audit_events order by seq")) {
                while (rs.next()) {
                    if (rs.getLong(1) < fromSeq) {
                        prev = org.countersign.core.bytes.ByteArray.copyOf(rs.getBytes(10));
                        continue;
                    }
                    var e = new org.countersign.core.audit.AuditEvent(rs.getTimestamp(2).toInstant(), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            json.readValue(rs.getString(9), new com.fasterxml.jackson.core.type.TypeReference<java.util.TreeMap<String, String>>() { }));
                    var hash = org.countersign.core.audit.AuditChain.link(prev, e);
                    rows.add(new org.countersign.core.audit.AuditRow(rs.getLong(1), e, prev, hash));
                    prev = hash;
                }
            }
            try (var ps = c.prepareStatement("update audit_events set prev_hash = ?, hash = ? where seq = ?")) {
                for (var r : rows) {
                    ps.setBytes(1, r.previousHash().toByteArray());
                    ps.setBytes(2, r.hash().toByteArray());
                    ps.setLong(3, r.seq());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            if (moveHead) {
                try (var ps = c.prepareStatement("update audit_head set hash = ? where id = 1")) {
                    ps.setBytes(1, prev.toByteArray());
                    ps.executeUpdate();
                }
            }
            return prev;
        }
    }

    private long head() throws Exception {
        return server.node.auditLog().size();
    }

    private long scalar(String sql) throws Exception {
        try (Connection c = server.database.connect(); Statement s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private VerificationResult.Broken broken(VerificationResult r) {
        assertThat(r).as("forgery must not verify").isInstanceOf(VerificationResult.Broken.class);
        return (VerificationResult.Broken) r;
    }

    @Test
    void A_G4_deletedCheckpointsEditedRowAndRecomputedHashesAreFound() throws Exception {
        tamper("delete from audit_checkpoints");
        rewriteFrom(7);
        // The copies published outside the database are missing from it ...
        VerificationResult.Broken published = broken(verify());
        assertThat(published.firstBadSeq()).isEqualTo(5);
        assertThat(published.reason()).contains("published in audit-checkpoints.log is missing from the database");
        // ... and without that file, a chain longer than the interval with no checkpoint at all is refused.
        java.nio.file.Files.delete(server.dataDir.resolve(AuditLog.PUBLISHED_CHECKPOINTS));
        VerificationResult.Broken b = broken(verify());
        assertThat(b.firstBadSeq()).isEqualTo(1);
        assertThat(b.reason()).contains("covered by no signed checkpoint").contains("deleted");
    }

    /** Appends events until at least two rows follow the last signed checkpoint; returns that checkpoint's seq. */
    private long growUnsealedTail() throws Exception {
        String key = server.createTenant("late");
        for (int i = 0; ; i++) {
            long sealed = scalar("select coalesce(max(seq), 0) from audit_checkpoints");
            if (head() - sealed >= 2) {
                return sealed;
            }
            server.post("/v1/users", key, "{\"userId\":\"late" + i + "\"}");
        }
    }

    @Test
    void A_G4_rewrittenTailAfterTheLastCheckpointIsFoundOnceSealed() throws Exception {
        long sealed = growUnsealedTail();
        long h = head();
        rewriteFrom(sealed + 1);
        // Before any new checkpoint the tail is protected by the chain alone, and verify says exactly that.
        assertThat(verify()).isInstanceOfSatisfying(VerificationResult.Intact.class, ok -> {
            assertThat(ok.sealedThroughSeq()).isEqualTo(sealed);
            assertThat(ok.unsealedTail()).isEqualTo(h - sealed);
        });
        server.node.auditLog().close(); // what a shutdown (or the next timed checkpoint) does
        assertThat(server.node.auditLog().sealingRefused()).get().asString().contains("no longer has the hash this node wrote");
        VerificationResult.Broken b = broken(verify());
        assertThat(b.firstBadSeq()).isBetween(sealed + 1, h);
        assertThat(b.reason()).contains("differs from the signed checkpoint");
    }

    @Test
    void A_G4_truncatedTailAfterTheLastCheckpointIsFoundOnceSealed() throws Exception {
        long sealed = growUnsealedTail();
        tamper("delete from audit_events where seq > " + sealed,
                "update audit_head set seq = " + sealed + ", hash = (select hash from audit_events where seq = " + sealed + ")");
        server.node.auditLog().close();
        VerificationResult.Broken b = broken(verify());
        assertThat(b.firstBadSeq()).isEqualTo(sealed + 1);
        assertThat(b.reason()).contains("rows were removed from the end");
    }

    @Test
    void A_G4_shutdownAfterTamperRefusesToSignTheForgedHead() throws Exception {
        tamper("delete from audit_checkpoints");
        org.countersign.core.bytes.ByteArray forgedHead = rewriteFrom(7);
        server.node.auditLog().close();
        assertThat(server.node.auditLog().sealingRefused()).isPresent();
        try (Connection c = server.database.connect();
                var ps = c.prepareStatement("select count(*) from audit_checkpoints where hash = ?")) {
            ps.setBytes(1, forgedHead.toByteArray());
            try (var rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("checkpoints signed over the forged head").isZero();
            }
        }
        broken(verify());
    }

    @Test
    void A_G4_swappedCheckpointKeyIsCaughtByThePinnedFingerprint() throws Exception {
        String pinned = pinnedFingerprint();
        // The attacker rewrites the chain, replaces every checkpoint with one signed by a key of their own, puts
        // that key's public half into the data folder and removes the published checkpoint file.
        tamper("delete from audit_checkpoints");
        rewriteFrom(7);
        org.countersign.core.audit.CheckpointSigner attacker = org.countersign.core.audit.CheckpointSigner.generate();
        try (Connection c = server.database.connect();
                Statement s = c.createStatement();
                var rs = s.executeQuery("select seq, hash from audit_events order by seq");
                var ins = c.prepareStatement("insert into audit_checkpoints (seq, hash, created_at, signature) values (?, ?, now(), ?)")) {
            while (rs.next()) {
                var cp = attacker.sign(rs.getLong(1), org.countersign.core.bytes.ByteArray.copyOf(rs.getBytes(2)),
                        java.time.Instant.now());
                ins.setLong(1, cp.seq());
                ins.setBytes(2, cp.hash().toByteArray());
                ins.setBytes(3, cp.signature().toByteArray());
                ins.addBatch();
            }
            ins.executeBatch();
        }
        java.nio.file.Files.write(server.dataDir.resolve("audit").resolve("checkpoint-public.der"),
                attacker.publicKey().toByteArray());
        java.nio.file.Files.deleteIfExists(server.dataDir.resolve("audit-checkpoints.log"));
        VerificationResult.Broken b = broken(verifyPinned(pinned));
        assertThat(b.reason()).contains("does not match the pinned fingerprint");
    }

    @Test
    void A_G4_deletedMiddleCheckpointIsFound() throws Exception {
        assertThat(scalar("select count(*) from audit_checkpoints where seq = 10")).isEqualTo(1);
        tamper("delete from audit_checkpoints where seq = 10");
        VerificationResult.Broken b = broken(verify());
        assertThat(b.firstBadSeq()).isBetween(6L, 10L);
        assertThat(b.reason()).contains("checkpoint");
    }

    private String pinnedFingerprint() throws Exception {
        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(CheckpointKeys.publicKey(server.dataDir).toByteArray());
        return java.util.HexFormat.of().formatHex(d);
    }

    private VerificationResult verifyPinned(String fingerprint) throws Exception {
        return AuditLog.verify(server.node.store().dataSource(), CheckpointKeys.publicKey(server.dataDir),
                new AuditLog.VerifyOptions(5, java.util.Optional.of(server.dataDir.resolve(AuditLog.PUBLISHED_CHECKPOINTS)),
                        java.util.Optional.empty(), java.util.Optional.of(fingerprint)));
    }
}
