package org.countersign.server.oob;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.store.Jdbc;
import org.countersign.server.store.Store;
import org.countersign.testkit.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** The {@link OobStore} contract on PostgreSQL: the SQL the in-memory twin must behave like. */
@Tag("integration")
class OobStoreContractJdbcTest extends OobStoreContract {
    private static TestDatabase db;
    private static Store pg;
    private static Jdbc jdbc;
    private static JdbcOobStore store;

    @BeforeAll
    static void open() {
        db = TestDatabase.create();
        pg = Store.external(db.url(), db.user(), db.password(), 6);
        jdbc = new Jdbc(pg.dataSource());
        store = new JdbcOobStore(jdbc);
        for (String tenant : new String[] {T1, T2}) {
            jdbc.update("insert into tenants (id, display_name, status, created_at) values (?, ?, 'active', ?)", ps -> {
                ps.setString(1, tenant);
                ps.setString(2, tenant);
                ps.setTimestamp(3, Timestamp.from(T0));
            });
        }
    }

    @AfterAll
    static void close() {
        if (pg != null) {
            pg.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Override
    OobStore store() {
        return store;
    }

    @Override
    String newUser() {
        String user = "user-" + UUID.randomUUID();
        for (String tenant : new String[] {T1, T2}) {
            jdbc.update("insert into users (tenant_id, user_id, created_at) values (?, ?, ?)", ps -> {
                ps.setString(1, tenant);
                ps.setString(2, user);
                ps.setTimestamp(3, Timestamp.from(T0));
            });
        }
        return user;
    }

    @Override
    void addEnrolmentCode(String enrolmentId, String tenantId, String userId, ByteArray hash, Instant expiresAt) {
        // The columns EnrolmentCodes.issue writes.
        jdbc.update("insert into oob_enrolment_codes (enrolment_id, tenant_id, user_id, code_hash, created_at, expires_at,"
                + " code_prefix) values (?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, enrolmentId);
                    ps.setString(2, tenantId);
                    ps.setString(3, userId);
                    ps.setBytes(4, hash.toByteArray());
                    ps.setTimestamp(5, Timestamp.from(T0));
                    ps.setTimestamp(6, Timestamp.from(expiresAt));
                    ps.setString(7, "ABCD");
                });
    }
}
