package org.countersign.server.oob;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.store.Jdbc;

/**
 * Registered out-of-band authenticators (X.1280 §8.1 step 11). Listing and changes are scoped by tenant and user.
 * The SQL behind {@link JdbcOobStore}; public only for its types, which the {@link OobStore} port speaks.
 */
public final class AuthenticatorRepository {

    public enum Status { ACTIVE, REVOKED }

    public record Authenticator(String authenticatorId, String tenantId, String userId, String deviceName, ByteArray publicKeySpki,
            Status status, Instant createdAt, Optional<Instant> lastUsedAt, Optional<Instant> revokedAt,
            Optional<ByteArray> approvalKeySpki) {
        public boolean active() {
            return status == Status.ACTIVE;
        }
    }

    private AuthenticatorRepository() {}

    static void insert(Connection c, Authenticator a) throws SQLException {
        try (var ps = c.prepareStatement("insert into oob_authenticators (authenticator_id, tenant_id, user_id, device_name,"
                + " public_key_spki, status, created_at, approval_key_spki) values (?, ?, ?, ?, ?, 'active', ?, ?)")) {
            ps.setString(1, a.authenticatorId());
            ps.setString(2, a.tenantId());
            ps.setString(3, a.userId());
            ps.setString(4, a.deviceName());
            ps.setBytes(5, a.publicKeySpki().toByteArray());
            ps.setTimestamp(6, Timestamp.from(a.createdAt()));
            ps.setBytes(7, a.approvalKeySpki().map(ByteArray::toByteArray).orElse(null));
            ps.executeUpdate();
        }
    }

    /**
     * By id alone: the authenticator proves itself by signature, and its row then tells the tenant. Ids are 128-bit
     * random values, so this does not let one tenant's caller reach another tenant's data.
     */
    static Optional<Authenticator> findById(Connection c, String authenticatorId) throws SQLException {
        return first(Jdbc.query(c, "select * from oob_authenticators where authenticator_id = ?",
                ps -> ps.setString(1, authenticatorId), AuthenticatorRepository::map));
    }

    static Optional<Authenticator> find(Connection c, String tenantId, String userId, String authenticatorId)
            throws SQLException {
        return first(Jdbc.query(c, "select * from oob_authenticators where tenant_id = ? and user_id = ? and authenticator_id = ?",
                ps -> {
                    ps.setString(1, tenantId);
                    ps.setString(2, userId);
                    ps.setString(3, authenticatorId);
                }, AuthenticatorRepository::map));
    }

    static List<Authenticator> list(Connection c, String tenantId, String userId) throws SQLException {
        return Jdbc.query(c, "select * from oob_authenticators where tenant_id = ? and user_id = ? order by created_at, authenticator_id",
                ps -> {
                    ps.setString(1, tenantId);
                    ps.setString(2, userId);
                }, AuthenticatorRepository::map);
    }

    static int countActive(Connection c, String tenantId, String userId) throws SQLException {
        return Jdbc.query(c, "select count(*) from oob_authenticators where tenant_id = ? and user_id = ? and status = 'active'",
                ps -> {
                    ps.setString(1, tenantId);
                    ps.setString(2, userId);
                }, rs -> rs.getInt(1)).get(0);
    }

    static boolean rename(Connection c, String tenantId, String userId, String authenticatorId, String deviceName)
            throws SQLException {
        return update(c, "update oob_authenticators set device_name = ? where tenant_id = ? and user_id = ? and authenticator_id = ?",
                ps -> {
                    ps.setString(1, deviceName);
                    ps.setString(2, tenantId);
                    ps.setString(3, userId);
                    ps.setString(4, authenticatorId);
                }) == 1;
    }

    /** Revokes one authenticator; false if it does not exist or was already revoked. */
    static boolean revoke(Connection c, String tenantId, String userId, String authenticatorId, Instant now)
            throws SQLException {
        return update(c, "update oob_authenticators set status = 'revoked', revoked_at = ? where tenant_id = ? and user_id = ?"
                + " and authenticator_id = ? and status = 'active'", ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setString(2, tenantId);
                    ps.setString(3, userId);
                    ps.setString(4, authenticatorId);
                }) == 1;
    }

    /** Revokes every active authenticator of the user and returns their ids (C-S2 release). */
    static List<String> revokeAll(Connection c, String tenantId, String userId, Instant now) throws SQLException {
        return Jdbc.query(c, "update oob_authenticators set status = 'revoked', revoked_at = ? where tenant_id = ? and user_id = ?"
                + " and status = 'active' returning authenticator_id", ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setString(2, tenantId);
                    ps.setString(3, userId);
                }, rs -> rs.getString(1));
    }

    /**
     * Counts one wrong approval signature (wrong PIN, X.1280 §9.2.3) and returns the count; at {@code max} the
     * authenticator is revoked in the same statement, so concurrent guesses cannot overshoot the limit.
     */
    static int recordPinFailure(Connection c, String authenticatorId, int max, Instant now) throws SQLException {
        return Jdbc.query(c, "update oob_authenticators set pin_failures = pin_failures + 1,"
                + " status = case when pin_failures + 1 >= ? then 'revoked' else status end,"
                + " revoked_at = case when pin_failures + 1 >= ? then ? else revoked_at end"
                + " where authenticator_id = ? and status = 'active' returning pin_failures", ps -> {
                    ps.setInt(1, max);
                    ps.setInt(2, max);
                    ps.setTimestamp(3, Timestamp.from(now));
                    ps.setString(4, authenticatorId);
                }, rs -> rs.getInt(1)).stream().findFirst().orElse(max);
    }

    static void resetPinFailures(Connection c, String authenticatorId) throws SQLException {
        try (var ps = c.prepareStatement("update oob_authenticators set pin_failures = 0 where authenticator_id = ? and pin_failures > 0")) {
            ps.setString(1, authenticatorId);
            ps.executeUpdate();
        }
    }

    static void touch(Connection c, String tenantId, String authenticatorId, Instant now) throws SQLException {
        try (var ps = c.prepareStatement("update oob_authenticators set last_used_at = ? where tenant_id = ? and authenticator_id = ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, tenantId);
            ps.setString(3, authenticatorId);
            ps.executeUpdate();
        }
    }

    private static int update(Connection c, String sql, Jdbc.Binder binder) throws SQLException {
        try (var ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        }
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static Authenticator map(ResultSet rs) throws SQLException {
        Timestamp last = rs.getTimestamp("last_used_at");
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new Authenticator(rs.getString("authenticator_id"), rs.getString("tenant_id"), rs.getString("user_id"),
                rs.getString("device_name"), ByteArray.copyOf(rs.getBytes("public_key_spki")),
                "active".equals(rs.getString("status")) ? Status.ACTIVE : Status.REVOKED,
                rs.getTimestamp("created_at").toInstant(), Optional.ofNullable(last).map(Timestamp::toInstant),
                Optional.ofNullable(revoked).map(Timestamp::toInstant),
                Optional.ofNullable(rs.getBytes("approval_key_spki")).map(ByteArray::copyOf));
    }
}
