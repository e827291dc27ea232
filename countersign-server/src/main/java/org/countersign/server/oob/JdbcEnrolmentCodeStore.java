package org.countersign.server.oob;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.store.Jdbc;

/** The {@link EnrolmentCodeStore} port on {@code oob_enrolment_codes} and {@code oob_enrolment_failures}. */
final class JdbcEnrolmentCodeStore implements EnrolmentCodeStore {
    private final Jdbc jdbc;

    JdbcEnrolmentCodeStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(NewCode code) {
        jdbc.update("insert into oob_enrolment_codes (enrolment_id, tenant_id, user_id, code_hash, created_at, expires_at,"
                + " code_prefix) values (?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, code.enrolmentId());
                    ps.setString(2, code.tenantId());
                    ps.setString(3, code.userId());
                    ps.setBytes(4, code.codeHash().toByteArray());
                    ps.setTimestamp(5, Timestamp.from(code.createdAt()));
                    ps.setTimestamp(6, Timestamp.from(code.expiresAt()));
                    ps.setString(7, code.codePrefix());
                });
    }

    @Override
    public List<Target> openWithPrefix(String codePrefix, Instant now, int limit) {
        return jdbc.query("select enrolment_id, tenant_id, user_id from oob_enrolment_codes where code_prefix = ?"
                + " and used_at is null and expires_at > ? limit " + limit, ps -> {
                    ps.setString(1, codePrefix);
                    ps.setTimestamp(2, Timestamp.from(now));
                }, rs -> new Target(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    @Override
    public void recordFailure(String clientIp, Optional<Target> target, Instant at) {
        if (target.isEmpty()) {
            jdbc.update("insert into oob_enrolment_failures (client_ip, failed_at) values (?, ?)", ps -> {
                ps.setString(1, clientIp);
                ps.setTimestamp(2, Timestamp.from(at));
            });
            return;
        }
        Target t = target.get();
        jdbc.update("insert into oob_enrolment_failures (client_ip, failed_at, enrolment_id, tenant_id, user_id)"
                + " values (?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, clientIp);
                    ps.setTimestamp(2, Timestamp.from(at));
                    ps.setString(3, t.enrolmentId());
                    ps.setString(4, t.tenantId());
                    ps.setString(5, t.userId());
                });
    }

    @Override
    public List<Instant> failuresSince(FailureScope scope, Instant since, int limit) {
        // The window bound is parameter 1; the scope's parameters follow from 2.
        String where;
        Jdbc.Binder bind;
        if (scope instanceof FailureScope.BlindFrom s) {
            where = "client_ip = ? and enrolment_id is null";
            bind = ps -> ps.setString(2, s.clientIp());
        } else if (scope instanceof FailureScope.ChargedFrom s) {
            where = "client_ip = ? and enrolment_id is not null";
            bind = ps -> ps.setString(2, s.clientIp());
        } else if (scope instanceof FailureScope.OfEnrolment s) {
            where = "enrolment_id = ?";
            bind = ps -> ps.setString(2, s.enrolmentId());
        } else {
            FailureScope.OfUser s = (FailureScope.OfUser) scope;
            where = "tenant_id = ? and user_id = ?";
            bind = ps -> {
                ps.setString(2, s.tenantId());
                ps.setString(3, s.userId());
            };
        }
        return jdbc.query("select failed_at from oob_enrolment_failures where failed_at > ? and " + where
                + " order by failed_at desc limit " + limit, ps -> {
                    ps.setTimestamp(1, Timestamp.from(since));
                    bind.bind(ps);
                }, rs -> rs.getTimestamp(1).toInstant());
    }

    @Override
    public void purgeFailures(Instant before) {
        jdbc.update("delete from oob_enrolment_failures where failed_at < ?", ps -> ps.setTimestamp(1, Timestamp.from(before)));
    }

    /** The single-use claim in one statement, for {@link JdbcOobStore}. */
    static Optional<OobTransaction.ClaimedEnrolment> claim(Connection c, ByteArray codeHash, Instant now)
            throws SQLException {
        List<OobTransaction.ClaimedEnrolment> rows = Jdbc.query(c, "update oob_enrolment_codes set used_at = ?"
                + " where code_hash = ? and used_at is null and expires_at > ? returning enrolment_id, tenant_id, user_id",
                ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setBytes(2, codeHash.toByteArray());
                    ps.setTimestamp(3, Timestamp.from(now));
                }, rs -> new OobTransaction.ClaimedEnrolment(rs.getString(1), rs.getString(2), rs.getString(3)));
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
}
