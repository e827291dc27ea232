package org.countersign.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.countersign.core.audit.VerificationResult;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.CheckpointKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A-G4: someone with direct database access edits, deletes, reorders or truncates audit rows (bypassing the
 * append-only trigger as a superuser can); verification must find each and name the first broken row.
 */
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
        return AuditLog.verify(server.node.store().dataSource(), CheckpointKeys.publicKey(server.dataDir));
    }

    private void tamper(String... sql) throws Exception {
        String url = TestServer.PG_ADMIN_URL.substring(0, TestServer.PG_ADMIN_URL.lastIndexOf('/') + 1) + server.database;
        try (Connection c = DriverManager.getConnection(url, TestServer.PG_USER, ""); Statement s = c.createStatement()) {
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
        String url = TestServer.PG_ADMIN_URL.substring(0, TestServer.PG_ADMIN_URL.lastIndexOf('/') + 1) + server.database;
        try (Connection c = DriverManager.getConnection(url, TestServer.PG_USER, ""); Statement s = c.createStatement()) {
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
        var rows = new java.util.ArrayList<org.countersign.core.audit.AuditRow>();
        server.node.auditLog(); // keep the server alive while we read
        String url = TestServer.PG_ADMIN_URL.substring(0, TestServer.PG_ADMIN_URL.lastIndexOf('/') + 1) + server.database;
        try (Connection c = DriverManager.getConnection(url, TestServer.PG_USER, "");
                Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica");
            s.execute("update audit_events set outcome = 'forged' where seq = 3");
            try (var rs = s.executeQuery("select seq, event_time, tenant_id, actor, action, subject, outcome, request_id,"
                    + " details from audit_events order by seq")) {
                var json = new com.fasterxml.jackson.databind.ObjectMapper();
                org.countersign.core.bytes.ByteArray prev = org.countersign.core.audit.AuditChain.GENESIS;
                while (rs.next()) {
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
        }
        assertThat(brokenAt()).isGreaterThanOrEqualTo(3);
    }
}
