package org.countersign.server.oob;

import com.fasterxml.jackson.annotation.JsonValue;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.store.Jdbc;

/**
 * Server authentication requests (X.1280 §8.2–§8.5), always looked up with the tenant id. The SQL behind
 * {@link JdbcOobStore}; public only for its types, which the {@link OobStore} port speaks.
 */
public final class RequestRepository {

    public enum Status {
        QUEUED, PENDING, APPROVED, REJECTED, CODES_DIFFER, EXPIRED, CANCELLED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean active() {
            return this == QUEUED || this == PENDING;
        }

        static Status ofWire(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * One row of {@code oob_requests}. Fifteen components are too many to pass by position: build one with
     * {@link #builder()}, which names each value and defaults what a new request does not have yet (no window
     * start, not decided, no authenticator, no replacement password, queue position 0), or change a copy with
     * {@link #toBuilder()}.
     */
    public record OobRequest(String requestId, String tenantId, String userId, ByteArray offsetBytes, ByteArray offsetHash,
            String codeSealed, int digits, Status status, Instant createdAt, Optional<Instant> windowStart,
            Instant expiresAt, Optional<Instant> decidedAt, Optional<String> authenticatorId, int queuePosition,
            Optional<String> replacementPasswordSealed) {

        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding every value of this request, for a copy that differs in a few. */
        public Builder toBuilder() {
            return new Builder().requestId(requestId).tenantId(tenantId).userId(userId).offsetBytes(offsetBytes)
                    .offsetHash(offsetHash).codeSealed(codeSealed).digits(digits).status(status).createdAt(createdAt)
                    .windowStart(windowStart).expiresAt(expiresAt).decidedAt(decidedAt)
                    .authenticatorId(authenticatorId).queuePosition(queuePosition)
                    .replacementPasswordSealed(replacementPasswordSealed);
        }

        /** Names every value of a request; the unset optional ones keep the defaults of a request just created. */
        public static final class Builder {
            private String requestId;
            private String tenantId;
            private String userId;
            private ByteArray offsetBytes;
            private ByteArray offsetHash;
            private String codeSealed;
            private int digits;
            private Status status;
            private Instant createdAt;
            private Optional<Instant> windowStart = Optional.empty();
            private Instant expiresAt;
            private Optional<Instant> decidedAt = Optional.empty();
            private Optional<String> authenticatorId = Optional.empty();
            private int queuePosition;
            private Optional<String> replacementPasswordSealed = Optional.empty();

            private Builder() {}

            public Builder requestId(String v) { requestId = v; return this; }
            public Builder tenantId(String v) { tenantId = v; return this; }
            public Builder userId(String v) { userId = v; return this; }
            public Builder offsetBytes(ByteArray v) { offsetBytes = v; return this; }
            public Builder offsetHash(ByteArray v) { offsetHash = v; return this; }
            public Builder codeSealed(String v) { codeSealed = v; return this; }
            public Builder digits(int v) { digits = v; return this; }
            public Builder status(Status v) { status = v; return this; }
            public Builder createdAt(Instant v) { createdAt = v; return this; }
            public Builder windowStart(Optional<Instant> v) { windowStart = v; return this; }
            public Builder expiresAt(Instant v) { expiresAt = v; return this; }
            public Builder decidedAt(Optional<Instant> v) { decidedAt = v; return this; }
            public Builder authenticatorId(Optional<String> v) { authenticatorId = v; return this; }
            public Builder queuePosition(int v) { queuePosition = v; return this; }
            public Builder replacementPasswordSealed(Optional<String> v) { replacementPasswordSealed = v; return this; }

            /** Refuses a request without the values every row has (ids, offset, status, times). */
            public OobRequest build() {
                Objects.requireNonNull(requestId, "requestId");
                Objects.requireNonNull(tenantId, "tenantId");
                Objects.requireNonNull(userId, "userId");
                Objects.requireNonNull(offsetBytes, "offsetBytes");
                Objects.requireNonNull(offsetHash, "offsetHash");
                Objects.requireNonNull(status, "status");
                Objects.requireNonNull(createdAt, "createdAt");
                Objects.requireNonNull(expiresAt, "expiresAt");
                return new OobRequest(requestId, tenantId, userId, offsetBytes, offsetHash, codeSealed, digits, status,
                        createdAt, Objects.requireNonNull(windowStart, "windowStart"), expiresAt,
                        Objects.requireNonNull(decidedAt, "decidedAt"),
                        Objects.requireNonNull(authenticatorId, "authenticatorId"), queuePosition,
                        Objects.requireNonNull(replacementPasswordSealed, "replacementPasswordSealed"));
            }
        }
    }

    private static final String COLUMNS = "request_id, tenant_id, user_id, offset_bytes, offset_hash, code_sealed, digits,"
            + " status, created_at, window_start, expires_at, decided_at, authenticator_id, queue_position, replacement_password";

    private RequestRepository() {}

    static void insert(Connection c, OobRequest r) throws SQLException {
        try (var ps = c.prepareStatement("insert into oob_requests (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, null, ?, null)")) {
            ps.setString(1, r.requestId());
            ps.setString(2, r.tenantId());
            ps.setString(3, r.userId());
            ps.setBytes(4, r.offsetBytes().toByteArray());
            ps.setBytes(5, r.offsetHash().toByteArray());
            ps.setString(6, r.codeSealed());
            ps.setInt(7, r.digits());
            ps.setString(8, r.status().wire());
            ps.setTimestamp(9, Timestamp.from(r.createdAt()));
            ps.setTimestamp(10, r.windowStart().map(Timestamp::from).orElse(null));
            ps.setTimestamp(11, Timestamp.from(r.expiresAt()));
            ps.setInt(12, r.queuePosition());
            ps.executeUpdate();
        }
    }

    static Optional<OobRequest> find(Connection c, String tenantId, String requestId) throws SQLException {
        List<OobRequest> rows = Jdbc.query(c, "select " + COLUMNS + " from oob_requests where tenant_id = ? and request_id = ?", ps -> {
            ps.setString(1, tenantId);
            ps.setString(2, requestId);
        }, RequestRepository::map);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Queued and pending requests of one user, oldest first (the front of the C-S4 queue first). */
    static List<OobRequest> active(Connection c, String tenantId, String userId) throws SQLException {
        return Jdbc.query(c, "select " + COLUMNS + " from oob_requests where tenant_id = ? and user_id = ?"
                + " and status in ('queued', 'pending') order by created_at, request_id", ps -> {
                    ps.setString(1, tenantId);
                    ps.setString(2, userId);
                }, RequestRepository::map);
    }

    /** Users with a request whose deadline has passed, for the periodic sweep. */
    static List<OobTransaction.UserRef> usersWithOverdue(Connection c, Instant now, int limit) throws SQLException {
        return Jdbc.query(c, "select distinct tenant_id, user_id from oob_requests where status in ('queued', 'pending')"
                + " and expires_at <= ? limit ?", ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setInt(2, limit);
                }, rs -> new OobTransaction.UserRef(rs.getString(1), rs.getString(2)));
    }

    /** Moves an active request to an end state; false if it was no longer in {@code from}. */
    static boolean finish(Connection c, String tenantId, String requestId, Status from, Status to, Instant now,
            String authenticatorId, String replacementSealed) throws SQLException {
        try (var ps = c.prepareStatement("update oob_requests set status = ?, decided_at = ?, authenticator_id = ?,"
                + " replacement_password = ? where tenant_id = ? and request_id = ? and status = ?")) {
            ps.setString(1, to.wire());
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setString(3, authenticatorId);
            ps.setString(4, replacementSealed);
            ps.setString(5, tenantId);
            ps.setString(6, requestId);
            ps.setString(7, from.wire());
            return ps.executeUpdate() == 1;
        }
    }

    /** A queued request reaches the front (C-S4 queue): its validity window starts now. */
    static boolean promote(Connection c, String tenantId, String requestId, Instant now, Instant expiresAt) throws SQLException {
        try (var ps = c.prepareStatement("update oob_requests set status = 'pending', window_start = ?, expires_at = ?"
                + " where tenant_id = ? and request_id = ? and status = 'queued'")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(expiresAt));
            ps.setString(3, tenantId);
            ps.setString(4, requestId);
            return ps.executeUpdate() == 1;
        }
    }

    /** Hands out the replacement password once (C-S5): read and cleared in one statement. */
    static Optional<String> takeReplacementPassword(Connection c, String tenantId, String requestId) throws SQLException {
        List<String> rows = Jdbc.query(c, "update oob_requests r set replacement_password = null from"
                + " (select request_id, replacement_password from oob_requests where tenant_id = ? and request_id = ?"
                + " and replacement_password is not null for update) old"
                + " where r.request_id = old.request_id returning old.replacement_password", ps -> {
                    ps.setString(1, tenantId);
                    ps.setString(2, requestId);
                }, rs -> rs.getString(1));
        return rows.isEmpty() ? Optional.<String>empty() : Optional.of(rows.get(0));
    }

    private static OobRequest map(ResultSet rs) throws SQLException {
        return OobRequest.builder().requestId(rs.getString("request_id")).tenantId(rs.getString("tenant_id"))
                .userId(rs.getString("user_id")).offsetBytes(ByteArray.copyOf(rs.getBytes("offset_bytes")))
                .offsetHash(ByteArray.copyOf(rs.getBytes("offset_hash"))).codeSealed(rs.getString("code_sealed"))
                .digits(rs.getInt("digits")).status(Status.ofWire(rs.getString("status")))
                .createdAt(rs.getTimestamp("created_at").toInstant()).windowStart(instant(rs, "window_start"))
                .expiresAt(rs.getTimestamp("expires_at").toInstant()).decidedAt(instant(rs, "decided_at"))
                .authenticatorId(Optional.ofNullable(rs.getString("authenticator_id")))
                .queuePosition(rs.getInt("queue_position"))
                .replacementPasswordSealed(Optional.ofNullable(rs.getString("replacement_password"))).build();
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return Optional.ofNullable(t).map(Timestamp::toInstant);
    }
}
