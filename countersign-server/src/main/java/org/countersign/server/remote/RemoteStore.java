package org.countersign.server.remote;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.store.Jdbc;

/**
 * Persistence of the remote module (schema {@code V4__remote_biometrics.sql}). Every statement names the tenant
 * (A-G1). State that a second node may need — SRP state, channel sequence numbers, challenges — lives here, never
 * in memory, and moves by compare-and-set so two nodes cannot both accept one message.
 */
public final class RemoteStore {
    private final Jdbc jdbc;

    public RemoteStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Jdbc jdbc() {
        return jdbc;
    }

    // ---- enrolment codes and devices --------------------------------------------------------------------------

    public record Enrolment(String tenantId, String userId, String deviceType, Instant expiresAt) {}

    public void insertEnrolment(ByteArray codeHash, String tenant, String user, String deviceType, Instant now,
            Instant expires) {
        jdbc.update("insert into remote_enrolments (code_hash, tenant_id, user_id, device_type, created_at, expires_at)"
                + " values (?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setBytes(1, codeHash.toByteArray());
                    ps.setString(2, tenant);
                    ps.setString(3, user);
                    ps.setString(4, deviceType);
                    ps.setTimestamp(5, Timestamp.from(now));
                    ps.setTimestamp(6, Timestamp.from(expires));
                });
    }

    public record Device(String tenantId, String deviceId, String userId, String deviceType, String srpGroup,
            String srpDigest, ByteArray salt, ByteArray verifier, Instant createdAt) {}

    public enum DeviceInsert { CREATED, ENROLMENT_INVALID, DEVICE_EXISTS }

    /** Spends the enrolment code and creates the device in one transaction: both happen or neither. */
    public DeviceInsert insertDevice(ByteArray codeHash, Device d, Instant now) {
        return jdbc.inTransaction(c -> {
            List<Enrolment> e = Jdbc.query(c, "update remote_enrolments set used_at = ? where code_hash = ?"
                    + " and tenant_id = ? and used_at is null and expires_at > ?"
                    + " returning " + ENROLMENT_COLUMNS, ps -> {
                        ps.setTimestamp(1, Timestamp.from(now));
                        ps.setBytes(2, codeHash.toByteArray());
                        ps.setString(3, d.tenantId());
                        ps.setTimestamp(4, Timestamp.from(now));
                    }, RemoteStore::enrolment);
            if (e.isEmpty() || !e.get(0).userId().equals(d.userId()) || !e.get(0).deviceType().equals(d.deviceType())) {
                c.rollback();
                return DeviceInsert.ENROLMENT_INVALID;
            }
            List<Integer> inserted = Jdbc.query(c, "insert into remote_devices (tenant_id, device_id, user_id,"
                    + " device_type, srp_group, srp_digest, srp_salt, srp_verifier, created_at)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning 1", ps -> {
                        ps.setString(1, d.tenantId());
                        ps.setString(2, d.deviceId());
                        ps.setString(3, d.userId());
                        ps.setString(4, d.deviceType());
                        ps.setString(5, d.srpGroup());
                        ps.setString(6, d.srpDigest());
                        ps.setBytes(7, d.salt().toByteArray());
                        ps.setBytes(8, d.verifier().toByteArray());
                        ps.setTimestamp(9, Timestamp.from(d.createdAt()));
                    }, rs -> 1);
            if (inserted.isEmpty()) {
                c.rollback();
                return DeviceInsert.DEVICE_EXISTS;
            }
            return DeviceInsert.CREATED;
        });
    }

    /** Looks up the enrolment a code would spend, without spending it. */
    public Optional<Enrolment> findEnrolment(ByteArray codeHash, String tenant, Instant now) {
        return jdbc.queryOne("select " + ENROLMENT_COLUMNS + " from remote_enrolments"
                + " where code_hash = ? and tenant_id = ? and used_at is null and expires_at > ?", ps -> {
                    ps.setBytes(1, codeHash.toByteArray());
                    ps.setString(2, tenant);
                    ps.setTimestamp(3, Timestamp.from(now));
                }, RemoteStore::enrolment);
    }

    private static final String ENROLMENT_COLUMNS = "tenant_id, user_id, device_type, expires_at";

    /** The one place an {@link #ENROLMENT_COLUMNS} row becomes an {@link Enrolment}. */
    private static Enrolment enrolment(ResultSet rs) throws SQLException {
        return new Enrolment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant());
    }

    public Optional<Device> findDevice(String tenant, String deviceId) {
        return jdbc.queryOne("select " + DEVICE_COLUMNS + " from remote_devices where tenant_id = ? and device_id = ?",
                ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, deviceId);
                }, RemoteStore::device);
    }

    private static final String DEVICE_COLUMNS = "tenant_id, device_id, user_id, device_type, srp_group, srp_digest,"
            + " srp_salt, srp_verifier, created_at";

    /** The one place a {@link #DEVICE_COLUMNS} row becomes a {@link Device}. */
    private static Device device(ResultSet rs) throws SQLException {
        return new Device(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), ByteArray.copyOf(rs.getBytes(7)), ByteArray.copyOf(rs.getBytes(8)),
                rs.getTimestamp(9).toInstant());
    }

    // ---- sessions ------------------------------------------------------------------------------------------------

    public record Session(String sessionId, String tenantId, String deviceId, String state, Optional<ByteArray> srpPrivate,
            Optional<ByteArray> sessionKey, long lastReceived, long lastSent, String clientNetwork, Instant expiresAt) {}

    public void insertSession(String sessionId, String tenant, String deviceId, ByteArray sealedPrivate,
            String network, Instant now, Instant expires) {
        jdbc.update("insert into remote_sessions (session_id, tenant_id, device_id, state, srp_private, client_network,"
                + " created_at, expires_at) values (?, ?, ?, 'offered', ?, ?, ?, ?)", ps -> {
                    ps.setString(1, sessionId);
                    ps.setString(2, tenant);
                    ps.setString(3, deviceId);
                    ps.setBytes(4, sealedPrivate.toByteArray());
                    ps.setString(5, network);
                    ps.setTimestamp(6, Timestamp.from(now));
                    ps.setTimestamp(7, Timestamp.from(expires));
                });
    }

    public Optional<Session> findSession(String sessionId) {
        return jdbc.queryOne("select " + SESSION_COLUMNS + " from remote_sessions where session_id = ?",
                ps -> ps.setString(1, sessionId), RemoteStore::session);
    }

    private static final String SESSION_COLUMNS = "session_id, tenant_id, device_id, state, srp_private, session_key,"
            + " last_received, last_sent, client_network, expires_at";

    /** The one place a {@link #SESSION_COLUMNS} row becomes a {@link Session}. */
    private static Session session(ResultSet rs) throws SQLException {
        byte[] b = rs.getBytes(5);
        byte[] k = rs.getBytes(6);
        return new Session(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                Optional.ofNullable(b).map(ByteArray::copyOf), Optional.ofNullable(k).map(ByteArray::copyOf),
                rs.getLong(7), rs.getLong(8), rs.getString(9), rs.getTimestamp(10).toInstant());
    }

    /**
     * Claims an offered handshake for one proof: under a row lock, reads the sealed b and erases it in the same
     * transaction, so that of any number of concurrent proofs, on any node, exactly one sees b (docs/srp.md).
     */
    public Optional<Session> claimOffer(String sessionId, Instant now) {
        return jdbc.inTransaction(c -> {
            List<Session> rows = Jdbc.query(c, "select " + SESSION_COLUMNS + " from remote_sessions"
                    + " where session_id = ? and state = 'offered' and srp_private is not null and expires_at > ?"
                    + " for update", ps -> {
                        ps.setString(1, sessionId);
                        ps.setTimestamp(2, Timestamp.from(now));
                    }, RemoteStore::session);
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            try (var ps = c.prepareStatement("update remote_sessions set srp_private = null where session_id = ?")) {
                ps.setString(1, sessionId);
                ps.executeUpdate();
            }
            return Optional.of(rows.get(0));
        });
    }

    /**
     * Moves an offered session to open (with its sealed key) or failed; b is erased either way, so one B answers
     * exactly one proof (docs/srp.md). Returns false if another request got there first.
     */
    public boolean settleSession(String sessionId, boolean open, ByteArray sealedKey, Instant expires) {
        return jdbc.update("update remote_sessions set state = ?, srp_private = null, session_key = ?, expires_at = ?"
                + " where session_id = ? and state = 'offered'", ps -> {
                    ps.setString(1, open ? "open" : "failed");
                    ps.setBytes(2, sealedKey == null ? null : sealedKey.toByteArray());
                    ps.setTimestamp(3, Timestamp.from(expires));
                    ps.setString(4, sessionId);
                }) == 1;
    }

    /** Compare-and-set of the inbound sequence: false when another request already moved it (replay or race). */
    public boolean advanceReceived(String sessionId, long expected, long next) {
        return jdbc.update("update remote_sessions set last_received = ? where session_id = ? and state = 'open'"
                + " and last_received = ?", ps -> {
                    ps.setLong(1, next);
                    ps.setString(2, sessionId);
                    ps.setLong(3, expected);
                }) == 1;
    }

    /**
     * Reserves the next outbound sequence number atomically, so that two nodes replying in one session never
     * reuse a GCM nonce under the same key.
     */
    public long reserveSent(String sessionId) {
        return jdbc.queryOne("update remote_sessions set last_sent = last_sent + 1 where session_id = ?"
                + " returning last_sent", ps -> ps.setString(1, sessionId), rs -> rs.getLong(1))
                .orElseThrow(() -> new RemoteException(RemoteException.Kind.SESSION_INVALID, "session vanished"));
    }


    public int purgeExpiredSessions(Instant now) {
        return jdbc.update("delete from remote_sessions where expires_at < ?", ps -> ps.setTimestamp(1,
                Timestamp.from(now)));
    }

    // ---- challenges ------------------------------------------------------------------------------------------------

    /**
     * One row of {@code remote_challenges}. Nineteen components are too many to pass by position (issue 12): build
     * one with {@link #builder()}, which names each value and defaults what a new challenge does not have yet
     * (status open, no outcome, no reasons, no assurance).
     */
    public record Challenge(String challengeId, String tenantId, String userId, String deviceId, String sessionId,
            Operation operation, List<String> actions, int timeLimitMillis, ByteArray nonce, String decisionJson,
            String clientNetwork, Instant issuedAt, Instant expiresAt, ChallengeStatus status,
            Optional<RemoteOutcome> outcome, List<RemoteReason> reasons, Optional<String> assuranceJson,
            Optional<String> authorisation, Optional<ByteArray> grantHash) {
        public Challenge {
            Objects.requireNonNull(challengeId, "challengeId");
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(outcome, "outcome");
            actions = List.copyOf(actions);
            reasons = List.copyOf(reasons);
            Objects.requireNonNull(assuranceJson, "assuranceJson");
            Objects.requireNonNull(authorisation, "authorisation");
            Objects.requireNonNull(grantHash, "grantHash");
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Names every value of a challenge; the unset ones keep the defaults of a challenge just issued. */
        public static final class Builder {
            private String challengeId;
            private String tenantId;
            private String userId;
            private String deviceId;
            private String sessionId;
            private Operation operation;
            private List<String> actions = List.of();
            private int timeLimitMillis;
            private ByteArray nonce;
            private String decisionJson;
            private String clientNetwork;
            private Instant issuedAt;
            private Instant expiresAt;
            private ChallengeStatus status = ChallengeStatus.OPEN;
            private Optional<RemoteOutcome> outcome = Optional.empty();
            private List<RemoteReason> reasons = List.of();
            private Optional<String> assuranceJson = Optional.empty();
            private Optional<String> authorisation = Optional.empty();
            private Optional<ByteArray> grantHash = Optional.empty();

            private Builder() {}

            public Builder challengeId(String v) { challengeId = v; return this; }
            public Builder tenantId(String v) { tenantId = v; return this; }
            public Builder userId(String v) { userId = v; return this; }
            public Builder deviceId(String v) { deviceId = v; return this; }
            public Builder sessionId(String v) { sessionId = v; return this; }
            public Builder operation(Operation v) { operation = v; return this; }
            public Builder actions(List<String> v) { actions = v; return this; }
            public Builder timeLimitMillis(int v) { timeLimitMillis = v; return this; }
            public Builder nonce(ByteArray v) { nonce = v; return this; }
            public Builder decisionJson(String v) { decisionJson = v; return this; }
            public Builder clientNetwork(String v) { clientNetwork = v; return this; }
            public Builder issuedAt(Instant v) { issuedAt = v; return this; }
            public Builder expiresAt(Instant v) { expiresAt = v; return this; }
            public Builder status(ChallengeStatus v) { status = v; return this; }
            public Builder outcome(Optional<RemoteOutcome> v) { outcome = v; return this; }
            public Builder reasons(List<RemoteReason> v) { reasons = v; return this; }
            public Builder assuranceJson(Optional<String> v) { assuranceJson = v; return this; }
            public Builder authorisation(Optional<String> v) { authorisation = v; return this; }
            public Builder grantHash(Optional<ByteArray> v) { grantHash = v; return this; }

            public Challenge build() {
                return new Challenge(challengeId, tenantId, userId, deviceId, sessionId, operation, actions,
                        timeLimitMillis, nonce, decisionJson, clientNetwork, issuedAt, expiresAt, status, outcome,
                        reasons, assuranceJson, authorisation, grantHash);
            }
        }
    }

    public void insertChallenge(Challenge c) {
        jdbc.update("insert into remote_challenges (challenge_id, tenant_id, user_id, device_id, session_id, operation,"
                + " actions, time_limit_ms, nonce, decision, client_network, issued_at, expires_at, status, authorisation,"
                + " grant_hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, 'open', ?, ?)", ps -> {
                    ps.setString(1, c.challengeId());
                    ps.setString(2, c.tenantId());
                    ps.setString(3, c.userId());
                    ps.setString(4, c.deviceId());
                    ps.setString(5, c.sessionId());
                    ps.setString(6, c.operation().name());
                    ps.setArray(7, ps.getConnection().createArrayOf("text", c.actions().toArray()));
                    ps.setInt(8, c.timeLimitMillis());
                    ps.setBytes(9, c.nonce().toByteArray());
                    ps.setString(10, c.decisionJson());
                    ps.setString(11, c.clientNetwork());
                    ps.setTimestamp(12, Timestamp.from(c.issuedAt()));
                    ps.setTimestamp(13, Timestamp.from(c.expiresAt()));
                    ps.setString(14, c.authorisation().orElse(null));
                    ps.setBytes(15, c.grantHash().map(ByteArray::toByteArray).orElse(null));
                });
    }

    private static final String CHALLENGE_COLUMNS = "challenge_id, tenant_id, user_id, device_id, session_id, operation,"
            + " actions, time_limit_ms, nonce, decision::text, client_network, issued_at, expires_at, status, outcome,"
            + " reasons, assurance::text, authorisation, grant_hash";

    public Optional<Challenge> findChallenge(String tenant, String challengeId) {
        return jdbc.queryOne("select " + CHALLENGE_COLUMNS + " from remote_challenges where tenant_id = ?"
                + " and challenge_id = ?", ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, challengeId);
                }, RemoteStore::challenge);
    }

    /** The one place a {@code remote_challenges} row ({@link #CHALLENGE_COLUMNS}) becomes a {@link Challenge}. */
    private static Challenge challenge(ResultSet rs) throws SQLException {
        return Challenge.builder()
                .challengeId(rs.getString(1)).tenantId(rs.getString(2)).userId(rs.getString(3))
                .deviceId(rs.getString(4)).sessionId(rs.getString(5))
                .operation(Operation.valueOf(rs.getString(6))).actions(strings(rs.getArray(7)))
                .timeLimitMillis(rs.getInt(8)).nonce(ByteArray.copyOf(rs.getBytes(9)))
                .decisionJson(rs.getString(10)).clientNetwork(rs.getString(11))
                .issuedAt(rs.getTimestamp(12).toInstant()).expiresAt(rs.getTimestamp(13).toInstant())
                .status(ChallengeStatus.stored(rs.getString(14)))
                .outcome(Optional.ofNullable(rs.getString(15)).map(RemoteOutcome::valueOf))
                .reasons(strings(rs.getArray(16)).stream().map(RemoteReason::valueOf).toList())
                .assuranceJson(Optional.ofNullable(rs.getString(17))).authorisation(Optional.ofNullable(rs.getString(18)))
                .grantHash(Optional.ofNullable(rs.getBytes(19)).map(ByteArray::copyOf))
                .build();
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
    }

    /** Marks an open challenge answered; false when it was answered already (a challenge is answered once). */
    public boolean claimChallenge(String challengeId, Instant now) {
        return jdbc.update("update remote_challenges set status = 'answered', answered_at = ? where challenge_id = ?"
                + " and status = 'open'", ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setString(2, challengeId);
                }) == 1;
    }

    public void recordOutcome(String challengeId, RemoteOutcome outcome, List<RemoteReason> reasons,
            String assuranceJson) {
        jdbc.update("update remote_challenges set outcome = ?, reasons = ?, assurance = ?::jsonb where challenge_id = ?",
                ps -> {
                    ps.setString(1, outcome.name());
                    ps.setArray(2, ps.getConnection().createArrayOf("text",
                            reasons.stream().map(RemoteReason::name).toArray()));
                    ps.setString(3, assuranceJson);
                    ps.setString(4, challengeId);
                });
    }

    /** User and device history the decision logic needs (X.1279 §7.3.6 keeps risk data with the references). */
    public record History(int recentFailures, boolean networkSeen, Optional<Instant> lastSuccess,
            boolean deviceKnown) {}

    public History history(String tenant, String user, String deviceId, String network, Instant failuresSince) {
        return jdbc.inConnection(c -> {
            int failures = Jdbc.query(c, "select count(*) from remote_challenges where tenant_id = ? and user_id = ?"
                    + " and outcome in ('REFUSED', 'UNUSABLE') and issued_at > ?", ps -> {
                        ps.setString(1, tenant);
                        ps.setString(2, user);
                        ps.setTimestamp(3, Timestamp.from(failuresSince));
                    }, rs -> rs.getInt(1)).get(0);
            boolean seen = !Jdbc.query(c, "select 1 from remote_challenges where tenant_id = ? and user_id = ?"
                    + " and outcome = 'ACCEPTED' and client_network = ? limit 1", ps -> {
                        ps.setString(1, tenant);
                        ps.setString(2, user);
                        ps.setString(3, network);
                    }, rs -> 1).isEmpty();
            Optional<Instant> last = Jdbc.query(c, "select max(answered_at) from remote_challenges where tenant_id = ?"
                    + " and user_id = ? and outcome = 'ACCEPTED'", ps -> {
                        ps.setString(1, tenant);
                        ps.setString(2, user);
                    }, rs -> Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant)).get(0);
            boolean known = !Jdbc.query(c, "select 1 from remote_challenges where tenant_id = ? and device_id = ?"
                    + " and outcome = 'ACCEPTED' limit 1", ps -> {
                        ps.setString(1, tenant);
                        ps.setString(2, deviceId);
                    }, rs -> 1).isEmpty();
            return new History(failures, seen, last, known);
        });
    }

    // ---- references ------------------------------------------------------------------------------------------------

    public record Reference(String tenantId, String userId, String deviceType, ByteArray sealedReference,
            ByteArray sealedTransformKey, String sourceFormat, String scheme, String source, Instant createdAt) {}

    public void upsertReference(Reference r) {
        jdbc.update("insert into remote_references (tenant_id, user_id, device_type, reference, transform_key,"
                + " source_format, scheme, source, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " on conflict (tenant_id, user_id, device_type) do update set reference = excluded.reference,"
                + " transform_key = excluded.transform_key, source_format = excluded.source_format,"
                + " scheme = excluded.scheme, source = excluded.source, created_at = excluded.created_at", ps -> {
                    ps.setString(1, r.tenantId());
                    ps.setString(2, r.userId());
                    ps.setString(3, r.deviceType());
                    ps.setBytes(4, r.sealedReference().toByteArray());
                    ps.setBytes(5, r.sealedTransformKey().toByteArray());
                    ps.setString(6, r.sourceFormat());
                    ps.setString(7, r.scheme());
                    ps.setString(8, r.source());
                    ps.setTimestamp(9, Timestamp.from(r.createdAt()));
                });
    }

    /** The user's references, the one for {@code preferredType} first, then newest first. */
    public List<Reference> references(String tenant, String user, String preferredType) {
        return jdbc.query("select tenant_id, user_id, device_type, reference, transform_key, source_format, scheme,"
                + " source, created_at from remote_references where tenant_id = ? and user_id = ?"
                + " order by (device_type = ?) desc, created_at desc", ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, user);
                    ps.setString(3, preferredType);
                }, RemoteStore::reference);
    }

    /** The one place a {@code remote_references} row becomes a {@link Reference}. */
    private static Reference reference(ResultSet rs) throws SQLException {
        return new Reference(rs.getString(1), rs.getString(2), rs.getString(3), ByteArray.copyOf(rs.getBytes(4)),
                ByteArray.copyOf(rs.getBytes(5)), rs.getString(6), rs.getString(7), rs.getString(8),
                rs.getTimestamp(9).toInstant());
    }

    public int deleteReference(String tenant, String user, String deviceType) {
        return jdbc.update("delete from remote_references where tenant_id = ? and user_id = ? and device_type = ?",
                ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, user);
                    ps.setString(3, deviceType);
                });
    }

    // ---- grants (X.1279 §8.2.1 pre-condition, §8.2.3) --------------------------------------------------------------

    public record Grant(String tenantId, String userId, Operation operation, Instant expiresAt) {}

    public void insertGrant(ByteArray codeHash, String tenant, String user, Operation op, Instant now,
            Instant expires) {
        jdbc.update("insert into remote_grants (code_hash, tenant_id, user_id, operation, created_at, expires_at)"
                + " values (?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setBytes(1, codeHash.toByteArray());
                    ps.setString(2, tenant);
                    ps.setString(3, user);
                    ps.setString(4, op.name());
                    ps.setTimestamp(5, Timestamp.from(now));
                    ps.setTimestamp(6, Timestamp.from(expires));
                });
    }

    /** An unspent, unexpired grant of this tenant, user and operation, without spending it. */
    public Optional<Grant> findGrant(ByteArray codeHash, String tenant, String user, Operation op, Instant now) {
        return jdbc.queryOne("select tenant_id, user_id, operation, expires_at from remote_grants where code_hash = ?"
                + " and tenant_id = ? and user_id = ? and operation = ? and used_at is null and expires_at > ?", ps -> {
                    ps.setBytes(1, codeHash.toByteArray());
                    ps.setString(2, tenant);
                    ps.setString(3, user);
                    ps.setString(4, op.name());
                    ps.setTimestamp(5, Timestamp.from(now));
                }, RemoteStore::grant);
    }

    /** The one place a {@code remote_grants} row becomes a {@link Grant}. */
    private static Grant grant(ResultSet rs) throws SQLException {
        return new Grant(rs.getString(1), rs.getString(2), Operation.valueOf(rs.getString(3)),
                rs.getTimestamp(4).toInstant());
    }

    /** Spends a grant by compare-and-set: exactly one caller, on any node, gets true. */
    public boolean spendGrant(ByteArray codeHash, String tenant, String challengeId, Instant now) {
        return jdbc.update("update remote_grants set used_at = ?, challenge_id = ? where code_hash = ?"
                + " and tenant_id = ? and used_at is null and expires_at > ?", ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setString(2, challengeId);
                    ps.setBytes(3, codeHash.toByteArray());
                    ps.setString(4, tenant);
                    ps.setTimestamp(5, Timestamp.from(now));
                }) == 1;
    }

    // ---- authentications opened by the RP (X.1279 §8.2.2, A-S5) -----------------------------------------------

    public record Opened(String challengeId, String tenantId, String userId, Long transactionValue, String rpRiskJson,
            Instant expiresAt) {}

    public void insertOpened(Opened o, Instant now) {
        jdbc.update("insert into remote_authentications (challenge_id, tenant_id, user_id, transaction_value, rp_risk,"
                + " created_at, expires_at) values (?, ?, ?, ?, ?::jsonb, ?, ?)", ps -> {
                    ps.setString(1, o.challengeId());
                    ps.setString(2, o.tenantId());
                    ps.setString(3, o.userId());
                    if (o.transactionValue() == null) {
                        ps.setNull(4, Types.BIGINT);
                    } else {
                        ps.setLong(4, o.transactionValue());
                    }
                    ps.setString(5, o.rpRiskJson());
                    ps.setTimestamp(6, Timestamp.from(now));
                    ps.setTimestamp(7, Timestamp.from(o.expiresAt()));
                });
    }

    /** Takes an opened authentication for the device's request: once, by compare-and-set, for its own user only. */
    public Optional<Opened> takeOpened(String tenant, String challengeId, String user, Instant now) {
        return jdbc.queryOne("update remote_authentications set taken_at = ? where tenant_id = ? and challenge_id = ?"
                + " and user_id = ? and taken_at is null and expires_at > ?"
                + " returning " + OPENED_COLUMNS, ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setString(2, tenant);
                    ps.setString(3, challengeId);
                    ps.setString(4, user);
                    ps.setTimestamp(5, Timestamp.from(now));
                }, RemoteStore::opened);
    }

    public Optional<Opened> findOpened(String tenant, String challengeId) {
        return jdbc.queryOne("select " + OPENED_COLUMNS + " from remote_authentications where tenant_id = ?"
                + " and challenge_id = ?", ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, challengeId);
                }, RemoteStore::opened);
    }

    private static final String OPENED_COLUMNS = "challenge_id, tenant_id, user_id, transaction_value, rp_risk::text,"
            + " expires_at";

    /** The one place an {@link #OPENED_COLUMNS} row becomes an {@link Opened}; a missing value stays null. */
    private static Opened opened(ResultSet rs) throws SQLException {
        long v = rs.getLong(4);
        Long value = rs.wasNull() ? null : v;
        return new Opened(rs.getString(1), rs.getString(2), rs.getString(3), value, rs.getString(5),
                rs.getTimestamp(6).toInstant());
    }

    /** Marks an answered challenge's outcome consumed by the RP; false if consumed already or not answered. */
    public boolean consumeOutcome(String tenant, String challengeId, Instant now) {
        return jdbc.update("update remote_challenges set consumed_at = ? where tenant_id = ? and challenge_id = ?"
                + " and outcome is not null and consumed_at is null", ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setString(2, tenant);
                    ps.setString(3, challengeId);
                }) == 1;
    }

    public Optional<Instant> consumedAt(String tenant, String challengeId) {
        return jdbc.queryOne("select consumed_at from remote_challenges where tenant_id = ? and challenge_id = ?",
                ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, challengeId);
                }, rs -> Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant)).flatMap(x -> x);
    }

    // ---- SRP failures per (device, source) ------------------------------------------------------------------------

    public record SrpLock(String deviceId, String source, int failures, Instant lastFailure,
            Optional<Instant> lockedUntil) {}

    public Optional<SrpLock> srpLock(String tenant, String deviceId, String source) {
        return jdbc.queryOne("select " + SRP_LOCK_COLUMNS + " from remote_srp_failures"
                + " where tenant_id = ? and device_id = ? and source = ?", ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, deviceId);
                    ps.setString(3, source);
                }, RemoteStore::srpLock);
    }

    public List<SrpLock> srpLocks(String tenant, String deviceId) {
        return jdbc.query("select " + SRP_LOCK_COLUMNS + " from remote_srp_failures"
                + " where tenant_id = ? and device_id = ? order by last_failure desc", ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, deviceId);
                }, RemoteStore::srpLock);
    }

    private static final String SRP_LOCK_COLUMNS = "device_id, source, failures, last_failure, locked_until";

    /** The one place a {@link #SRP_LOCK_COLUMNS} row becomes an {@link SrpLock}. */
    private static SrpLock srpLock(ResultSet rs) throws SQLException {
        return new SrpLock(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getTimestamp(4).toInstant(),
                Optional.ofNullable(rs.getTimestamp(5)).map(Timestamp::toInstant));
    }

    /**
     * Counts one failed proof from {@code source} atomically (an upsert, so two nodes never lose a count); a count
     * older than {@code forgetBefore} starts again at one. Returns the new count.
     */
    public int recordSrpFailure(String tenant, String deviceId, String source, Instant now, Instant forgetBefore) {
        return jdbc.queryOne("insert into remote_srp_failures (tenant_id, device_id, source, failures, last_failure)"
                + " values (?, ?, ?, 1, ?) on conflict (tenant_id, device_id, source) do update set"
                + " failures = case when remote_srp_failures.last_failure < ? then 1"
                + " else remote_srp_failures.failures + 1 end, last_failure = excluded.last_failure"
                + " returning failures", ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, deviceId);
                    ps.setString(3, source);
                    ps.setTimestamp(4, Timestamp.from(now));
                    ps.setTimestamp(5, Timestamp.from(forgetBefore));
                }, rs -> rs.getInt(1)).orElseThrow();
    }

    public void lockSrp(String tenant, String deviceId, String source, Instant until) {
        jdbc.update("update remote_srp_failures set locked_until = ? where tenant_id = ? and device_id = ?"
                + " and source = ?", ps -> {
                    ps.setTimestamp(1, Timestamp.from(until));
                    ps.setString(2, tenant);
                    ps.setString(3, deviceId);
                    ps.setString(4, source);
                });
    }

    /** Clears failures for one source (after a good proof) or, with {@code source} null, for every source. */
    public int clearSrpFailures(String tenant, String deviceId, String source) {
        return jdbc.update("delete from remote_srp_failures where tenant_id = ? and device_id = ?"
                + " and (?::text is null or source = ?)", ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, deviceId);
                    ps.setString(3, source);
                    ps.setString(4, source);
                });
    }

    // ---- consent (the same table and notice record as local mode, 27553-1 10.2) --------------------------------

    public boolean hasConsent(String tenant, String user, String noticeVersion) {
        return jdbc.queryOne("select 1 from local_consents where tenant_id = ? and user_id = ? and notice_version = ?"
                + " and withdrawn_at is null limit 1", ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, user);
                    ps.setString(3, noticeVersion);
                }, rs -> 1).isPresent();
    }

    public void grantConsent(String tenant, String user, String noticeVersion, Instant at) {
        jdbc.update("insert into local_consents (tenant_id, user_id, notice_version, granted_at) values (?, ?, ?, ?)",
                ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, user);
                    ps.setString(3, noticeVersion);
                    ps.setTimestamp(4, Timestamp.from(at));
                });
    }

    public int withdrawConsent(String tenant, String user, String noticeVersion, Instant at) {
        return jdbc.update("update local_consents set withdrawn_at = ? where tenant_id = ? and user_id = ?"
                + " and notice_version = ? and withdrawn_at is null", ps -> {
                    ps.setTimestamp(1, Timestamp.from(at));
                    ps.setString(2, tenant);
                    ps.setString(3, user);
                    ps.setString(4, noticeVersion);
                });
    }

    /** Erases the user's remote data: devices (and with them sessions), references, grants, open authentications. */
    public int eraseUser(String tenant, String user) {
        return jdbc.inTransaction(c -> {
            int n = 0;
            for (String table : List.of("remote_references", "remote_devices", "remote_grants",
                    "remote_authentications", "remote_enrolments", "remote_challenges")) {
                try (var ps = c.prepareStatement("delete from " + table + " where tenant_id = ? and user_id = ?")) {
                    ps.setString(1, tenant);
                    ps.setString(2, user);
                    n += ps.executeUpdate();
                }
            }
            return n;
        });
    }

    public List<Device> devices(String tenant, String user) {
        return jdbc.query("select " + DEVICE_COLUMNS + " from remote_devices where tenant_id = ? and user_id = ?"
                + " order by created_at", ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, user);
                }, RemoteStore::device);
    }

    // ---- policies --------------------------------------------------------------------------------------------------

    public Optional<String> policyJson(String tenant) {
        return jdbc.queryOne("select policy::text from remote_policies where tenant_id = ?",
                ps -> ps.setString(1, tenant), rs -> rs.getString(1));
    }

    public void savePolicy(String tenant, String json, Instant now) {
        jdbc.update("insert into remote_policies (tenant_id, policy, updated_at) values (?, ?::jsonb, ?)"
                + " on conflict (tenant_id) do update set policy = excluded.policy, updated_at = excluded.updated_at",
                ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, json);
                    ps.setTimestamp(3, Timestamp.from(now));
                });
    }
}
