package org.countersign.server.oob;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.store.Jdbc;

/**
 * Per-user out-of-band state. Its row is also the user's lock: every change to the user's requests happens while
 * holding it ({@code select … for update}), which is what makes C-S4 hold across nodes sharing one database. The SQL
 * behind {@link JdbcOobStore}; public only for its types, which the {@link OobStore} port speaks.
 */
public final class UserStateRepository {

    public record UserState(String tenantId, String userId, Optional<String> verificationKeySealed, boolean passwordLoginDisabled,
            int recoveryFailures, Optional<Instant> recoveryWindowStart) {
    }

    private UserStateRepository() {}

    static Optional<UserState> find(Connection c, String tenantId, String userId) throws SQLException {
        return read(c, tenantId, userId, false);
    }

    /** Reads and locks the user's row until the transaction ends. */
    static Optional<UserState> lock(Connection c, String tenantId, String userId) throws SQLException {
        return read(c, tenantId, userId, true);
    }

    private static Optional<UserState> read(Connection c, String tenantId, String userId, boolean forUpdate) throws SQLException {
        List<UserState> rows = Jdbc.query(c, "select * from oob_user_state where tenant_id = ? and user_id = ?"
                + (forUpdate ? " for update" : ""), ps -> {
                    ps.setString(1, tenantId);
                    ps.setString(2, userId);
                }, rs -> new UserState(rs.getString("tenant_id"), rs.getString("user_id"),
                        Optional.ofNullable(rs.getString("verification_key")), rs.getBoolean("password_login_disabled"),
                        rs.getInt("recovery_failures"),
                        Optional.ofNullable(rs.getTimestamp("recovery_window_start")).map(Timestamp::toInstant)));
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Creates the row if missing and returns it locked. */
    static UserState lockOrCreate(Connection c, String tenantId, String userId, Instant now) throws SQLException {
        try (var ps = c.prepareStatement("insert into oob_user_state (tenant_id, user_id, updated_at) values (?, ?, ?)"
                + " on conflict do nothing")) {
            ps.setString(1, tenantId);
            ps.setString(2, userId);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.executeUpdate();
        }
        return lock(c, tenantId, userId).orElseThrow();
    }

    static void setVerificationKey(Connection c, String tenantId, String userId, String sealedOrNull, Instant now) throws SQLException {
        exec(c, "update oob_user_state set verification_key = ?, updated_at = ? where tenant_id = ? and user_id = ?",
                sealedOrNull, Timestamp.from(now), tenantId, userId);
    }

    static void setPasswordLoginDisabled(Connection c, String tenantId, String userId, boolean disabled, Instant now) throws SQLException {
        exec(c, "update oob_user_state set password_login_disabled = ?, updated_at = ? where tenant_id = ? and user_id = ?",
                disabled, Timestamp.from(now), tenantId, userId);
    }

    static void setRecoveryFailures(Connection c, String tenantId, String userId, int failures, Instant windowStart, Instant now)
            throws SQLException {
        exec(c, "update oob_user_state set recovery_failures = ?, recovery_window_start = ?, updated_at = ?"
                + " where tenant_id = ? and user_id = ?", failures, windowStart == null ? null : Timestamp.from(windowStart),
                Timestamp.from(now), tenantId, userId);
    }

    static void replaceRecoveryCodes(Connection c, String tenantId, String userId, List<ByteArray> hashes) throws SQLException {
        exec(c, "delete from oob_recovery_codes where tenant_id = ? and user_id = ?", tenantId, userId);
        for (ByteArray h : hashes) {
            exec(c, "insert into oob_recovery_codes (tenant_id, user_id, code_hash) values (?, ?, ?)", tenantId, userId,
                    h.toByteArray());
        }
    }

    /** Marks one unused recovery code as used; false if no unused code has this hash. */
    static boolean useRecoveryCode(Connection c, String tenantId, String userId, ByteArray hash, Instant now) throws SQLException {
        return exec(c, "update oob_recovery_codes set used_at = ? where tenant_id = ? and user_id = ? and code_hash = ?"
                + " and used_at is null", Timestamp.from(now), tenantId, userId, hash.toByteArray()) == 1;
    }

    private static int exec(Connection c, String sql, Object... args) throws SQLException {
        try (var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }
}
