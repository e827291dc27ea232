package org.countersign.server.oob;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.oob.AuthenticatorRepository.Authenticator;
import org.countersign.server.oob.OobEvents.Event;
import org.countersign.server.oob.OobTransaction.RelayState;
import org.countersign.server.oob.RequestRepository.OobRequest;
import org.countersign.server.oob.RequestRepository.Status;
import org.countersign.server.oob.UserStateRepository.UserState;
import org.countersign.server.store.Jdbc;

/**
 * The {@link OobStore} port on PostgreSQL. Each operation is one of the repositories' statements on the unit of
 * work's connection: the user's lock is {@code select … for update} on {@code oob_user_state}, conditional changes
 * are {@code update … where status = ?}, and announcements are {@code pg_notify} in the same transaction, which
 * PostgreSQL delivers only on commit.
 */
final class JdbcOobStore implements OobStore {
    private final Jdbc jdbc;

    JdbcOobStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public <T> T inTransaction(OobWork<T> work) {
        return jdbc.inTransaction(c -> run(c, work));
    }

    @Override
    public <T> T read(OobWork<T> work) {
        return jdbc.inConnection(c -> run(c, work));
    }

    /** Hands SQL failures back to {@link Jdbc} as they were, so it rolls back and reports them to the breaker. */
    private static <T> T run(Connection c, OobWork<T> work) throws SQLException {
        try {
            return work.run(new Tx(c));
        } catch (SqlFailure e) {
            throw e.getCause();
        }
    }

    /** Carries a checked SQL failure through the port's unchecked operations to {@link #run}. */
    private static final class SqlFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SqlFailure(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    @FunctionalInterface
    private interface Statement<T> {
        T run() throws SQLException;
    }

    private static <T> T sql(Statement<T> s) {
        try {
            return s.run();
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    private record Tx(Connection c) implements OobTransaction {

        @Override
        public Optional<UserState> findUser(String tenantId, String userId) {
            return sql(() -> UserStateRepository.find(c, tenantId, userId));
        }

        @Override
        public Optional<UserState> lockUser(String tenantId, String userId) {
            return sql(() -> UserStateRepository.lock(c, tenantId, userId));
        }

        @Override
        public UserState lockOrCreateUser(String tenantId, String userId, Instant now) {
            return sql(() -> UserStateRepository.lockOrCreate(c, tenantId, userId, now));
        }

        @Override
        public void setVerificationKey(String tenantId, String userId, Optional<String> sealed, Instant now) {
            sql(() -> {
                UserStateRepository.setVerificationKey(c, tenantId, userId, sealed.orElse(null), now);
                return null;
            });
        }

        @Override
        public void setPasswordLoginDisabled(String tenantId, String userId, boolean disabled, Instant now) {
            sql(() -> {
                UserStateRepository.setPasswordLoginDisabled(c, tenantId, userId, disabled, now);
                return null;
            });
        }

        @Override
        public void setRecoveryFailures(String tenantId, String userId, int failures, Optional<Instant> windowStart,
                Instant now) {
            sql(() -> {
                UserStateRepository.setRecoveryFailures(c, tenantId, userId, failures, windowStart.orElse(null), now);
                return null;
            });
        }

        @Override
        public void replaceRecoveryCodes(String tenantId, String userId, List<ByteArray> hashes) {
            sql(() -> {
                UserStateRepository.replaceRecoveryCodes(c, tenantId, userId, hashes);
                return null;
            });
        }

        @Override
        public boolean useRecoveryCode(String tenantId, String userId, ByteArray hash, Instant now) {
            return sql(() -> UserStateRepository.useRecoveryCode(c, tenantId, userId, hash, now));
        }

        @Override
        public void insertRequest(OobRequest r) {
            sql(() -> {
                RequestRepository.insert(c, r);
                return null;
            });
        }

        @Override
        public Optional<OobRequest> findRequest(String tenantId, String requestId) {
            return sql(() -> RequestRepository.find(c, tenantId, requestId));
        }

        @Override
        public List<OobRequest> activeRequests(String tenantId, String userId) {
            return sql(() -> RequestRepository.active(c, tenantId, userId));
        }

        @Override
        public List<UserRef> usersWithOverdue(Instant now, int limit) {
            return sql(() -> RequestRepository.usersWithOverdue(c, now, limit));
        }

        @Override
        public boolean finishRequest(String tenantId, String requestId, Status from, Status to, Instant decidedAt,
                Optional<String> authenticatorId, Optional<String> replacementSealed) {
            return sql(() -> RequestRepository.finish(c, tenantId, requestId, from, to, decidedAt,
                    authenticatorId.orElse(null), replacementSealed.orElse(null)));
        }

        @Override
        public boolean promoteRequest(String tenantId, String requestId, Instant now, Instant expiresAt) {
            return sql(() -> RequestRepository.promote(c, tenantId, requestId, now, expiresAt));
        }

        @Override
        public Optional<String> takeReplacementPassword(String tenantId, String requestId) {
            return sql(() -> RequestRepository.takeReplacementPassword(c, tenantId, requestId));
        }

        @Override
        public void insertAuthenticator(Authenticator a) {
            sql(() -> {
                AuthenticatorRepository.insert(c, a);
                return null;
            });
        }

        @Override
        public Optional<Authenticator> findAuthenticatorById(String authenticatorId) {
            return sql(() -> AuthenticatorRepository.findById(c, authenticatorId));
        }

        @Override
        public Optional<Authenticator> findAuthenticator(String tenantId, String userId, String authenticatorId) {
            return sql(() -> AuthenticatorRepository.find(c, tenantId, userId, authenticatorId));
        }

        @Override
        public List<Authenticator> listAuthenticators(String tenantId, String userId) {
            return sql(() -> AuthenticatorRepository.list(c, tenantId, userId));
        }

        @Override
        public int countActiveAuthenticators(String tenantId, String userId) {
            return sql(() -> AuthenticatorRepository.countActive(c, tenantId, userId));
        }

        @Override
        public boolean renameAuthenticator(String tenantId, String userId, String authenticatorId, String deviceName) {
            return sql(() -> AuthenticatorRepository.rename(c, tenantId, userId, authenticatorId, deviceName));
        }

        @Override
        public boolean revokeAuthenticator(String tenantId, String userId, String authenticatorId, Instant now) {
            return sql(() -> AuthenticatorRepository.revoke(c, tenantId, userId, authenticatorId, now));
        }

        @Override
        public List<String> revokeAllAuthenticators(String tenantId, String userId, Instant now) {
            return sql(() -> AuthenticatorRepository.revokeAll(c, tenantId, userId, now));
        }

        @Override
        public int recordPinFailure(String authenticatorId, int max, Instant now) {
            return sql(() -> AuthenticatorRepository.recordPinFailure(c, authenticatorId, max, now));
        }

        @Override
        public void resetPinFailures(String authenticatorId) {
            sql(() -> {
                AuthenticatorRepository.resetPinFailures(c, authenticatorId);
                return null;
            });
        }

        @Override
        public void touchAuthenticator(String tenantId, String authenticatorId, Instant now) {
            sql(() -> {
                AuthenticatorRepository.touch(c, tenantId, authenticatorId, now);
                return null;
            });
        }

        @Override
        public OobSettings settings(String tenantId) {
            return sql(() -> SettingsRepository.find(c, tenantId));
        }

        @Override
        public void saveSettings(String tenantId, OobSettings s) {
            sql(() -> {
                SettingsRepository.save(c, tenantId, s);
                return null;
            });
        }

        @Override
        public Optional<ClaimedEnrolment> claimEnrolmentCode(ByteArray codeHash, Instant now) {
            return sql(() -> JdbcEnrolmentCodeStore.claim(c, codeHash, now));
        }

        @Override
        public void insertRelay(String tenantId, String requestId, String mode) {
            sql(() -> {
                JdbcOobStore.insertRelay(c, tenantId, requestId, mode);
                return null;
            });
        }

        @Override
        public Optional<RelayState> relayState(String tenantId, String requestId) {
            return sql(() -> JdbcOobStore.relayState(c, tenantId, requestId));
        }

        @Override
        public void recordRelayDecision(String tenantId, String requestId, String authenticatorAddress,
                Optional<String> networkCheckJson) {
            sql(() -> {
                JdbcOobStore.recordRelayDecision(c, tenantId, requestId, authenticatorAddress, networkCheckJson);
                return null;
            });
        }

        @Override
        public boolean bindTerminal(String tenantId, String requestId, Instant boundAt, String credentialId) {
            return sql(() -> JdbcOobStore.bindTerminal(c, tenantId, requestId, boundAt, credentialId));
        }

        @Override
        public void announce(Event e) {
            sql(() -> {
                OobEvents.announce(c, e);
                return null;
            });
        }
    }

    // --- relay state (§9.1.1): one row of oob_request_relay per request ------------------------------------------

    private static void insertRelay(Connection c, String tenantId, String requestId, String mode) throws SQLException {
        try (var ps = c.prepareStatement("insert into oob_request_relay (request_id, tenant_id, mode) values (?, ?, ?)")) {
            ps.setString(1, requestId);
            ps.setString(2, tenantId);
            ps.setString(3, mode);
            ps.executeUpdate();
        }
    }

    private static Optional<RelayState> relayState(Connection c, String tenantId, String requestId) throws SQLException {
        List<RelayState> rows = Jdbc.query(c, "select mode, bound_at, authenticator_address, network_check from"
                + " oob_request_relay where tenant_id = ? and request_id = ?", ps -> {
                    ps.setString(1, tenantId);
                    ps.setString(2, requestId);
                }, rs -> new RelayState(rs.getString(1), Optional.ofNullable(rs.getTimestamp(2)).map(Timestamp::toInstant),
                        Optional.ofNullable(rs.getString(3)), Optional.ofNullable(rs.getString(4))));
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static void recordRelayDecision(Connection c, String tenantId, String requestId,
            String authenticatorAddress, Optional<String> checkJson) throws SQLException {
        try (var ps = c.prepareStatement("update oob_request_relay set authenticator_address = ?, network_check = ?"
                + " where tenant_id = ? and request_id = ?")) {
            ps.setString(1, authenticatorAddress);
            ps.setString(2, checkJson.orElse(null));
            ps.setString(3, tenantId);
            ps.setString(4, requestId);
            ps.executeUpdate();
        }
    }

    private static boolean bindTerminal(Connection c, String tenantId, String requestId, Instant boundAt,
            String credentialId) throws SQLException {
        try (var ps = c.prepareStatement("update oob_request_relay set bound_at = ?, bound_credential_id = ?"
                + " where tenant_id = ? and request_id = ? and bound_at is null")) {
            ps.setTimestamp(1, Timestamp.from(boundAt));
            ps.setString(2, credentialId);
            ps.setString(3, tenantId);
            ps.setString(4, requestId);
            return ps.executeUpdate() == 1;
        }
    }
}
