package org.countersign.server.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.store.Jdbc;
import org.countersign.server.store.StoreException;

/**
 * Persistence of local-mode credentials, pending ceremonies, tenant policies and consents. Every method names the
 * tenant: nothing can be read across relying parties (A-G1).
 */
public final class LocalStore {
    /** A registered authentication relationship (27553-1 A.3.2 step i). */
    public record StoredCredential(String tenantId, String credentialId, String userId, CredentialFormat format,
            ByteArray publicKey, long signCount, AssuranceVector registeredAssurance, String referenceId, String aaguid,
            Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
        public boolean revoked() {
            return revokedAt != null;
        }
    }

    public enum Ceremony { REGISTRATION, AUTHENTICATION }

    /** A challenge handed out and not yet used (SR-C-4). */
    public record PendingCeremony(String id, String tenantId, String userId, Ceremony ceremony, CredentialFormat format,
            ByteArray challenge, String rpId, String transactionText, Instant createdAt, Instant expiresAt) {}

    public record Consent(String noticeVersion, Instant grantedAt, Instant withdrawnAt) {}

    private final Jdbc jdbc;
    private final ObjectMapper json;

    public LocalStore(Jdbc jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    // ---- ceremonies ----

    public void insertCeremony(PendingCeremony c) {
        jdbc.update("insert into local_challenges (id, tenant_id, user_id, ceremony, format, challenge, rp_id,"
                + " transaction_text, created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, c.id());
                    ps.setString(2, c.tenantId());
                    ps.setString(3, c.userId());
                    ps.setString(4, c.ceremony().name().toLowerCase());
                    ps.setString(5, c.format().wire());
                    ps.setBytes(6, c.challenge().toByteArray());
                    ps.setString(7, c.rpId());
                    ps.setString(8, c.transactionText());
                    ps.setTimestamp(9, Timestamp.from(c.createdAt()));
                    ps.setTimestamp(10, Timestamp.from(c.expiresAt()));
                });
    }

    /**
     * Removes and returns the ceremony in one statement, so that two concurrent finishes cannot both use one
     * challenge: the first wins, the second sees nothing (single use, SR-C-4).
     */
    public Optional<PendingCeremony> takeCeremony(String tenantId, String id) {
        return jdbc.queryOne("delete from local_challenges where tenant_id = ? and id = ? returning *", ps -> {
            ps.setString(1, tenantId);
            ps.setString(2, id);
        }, LocalStore::ceremony);
    }

    public int purgeExpiredCeremonies(Instant now) {
        return jdbc.update("delete from local_challenges where expires_at < ?", ps -> ps.setTimestamp(1, Timestamp.from(now)));
    }

    // ---- credentials ----

    /** False when the tenant already has a credential with this id (a replayed or duplicated registration). */
    public boolean insertCredential(StoredCredential c) {
        return jdbc.update("insert into local_credentials (tenant_id, credential_id, user_id, format, public_key,"
                + " sign_count, attestation_status, assurance, reference_id, aaguid, created_at)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?) on conflict do nothing", ps -> {
                    ps.setString(1, c.tenantId());
                    ps.setString(2, c.credentialId());
                    ps.setString(3, c.userId());
                    ps.setString(4, c.format().wire());
                    ps.setBytes(5, c.publicKey().toByteArray());
                    ps.setLong(6, c.signCount());
                    ps.setString(7, c.registeredAssurance().attestation().wire());
                    ps.setString(8, write(c.registeredAssurance()));
                    ps.setString(9, c.referenceId());
                    ps.setString(10, c.aaguid());
                    ps.setTimestamp(11, Timestamp.from(c.createdAt()));
                }) == 1;
    }

    public Optional<StoredCredential> findCredential(String tenantId, String credentialId) {
        return jdbc.queryOne("select * from local_credentials where tenant_id = ? and credential_id = ?", ps -> {
            ps.setString(1, tenantId);
            ps.setString(2, credentialId);
        }, this::credential);
    }

    public List<StoredCredential> credentialsOf(String tenantId, String userId) {
        return jdbc.query("select * from local_credentials where tenant_id = ? and user_id = ? order by created_at",
                ps -> {
                    ps.setString(1, tenantId);
                    ps.setString(2, userId);
                }, this::credential);
    }

    /**
     * Moves the signature counter forward only: the update matches no row if another request already stored an
     * equal or higher value, which is how a cloned authenticator racing the genuine one is caught.
     */
    public boolean advanceCounter(String tenantId, String credentialId, long newCount, Instant usedAt) {
        return jdbc.update("update local_credentials set sign_count = ?, last_used_at = ? where tenant_id = ?"
                + " and credential_id = ? and revoked_at is null and (sign_count < ? or (sign_count = 0 and ? = 0))", ps -> {
                    ps.setLong(1, newCount);
                    ps.setTimestamp(2, Timestamp.from(usedAt));
                    ps.setString(3, tenantId);
                    ps.setString(4, credentialId);
                    ps.setLong(5, newCount);
                    ps.setLong(6, newCount);
                }) == 1;
    }

    public boolean revokeCredential(String tenantId, String userId, String credentialId, Instant at) {
        return jdbc.update("update local_credentials set revoked_at = ? where tenant_id = ? and user_id = ?"
                + " and credential_id = ? and revoked_at is null", ps -> {
                    ps.setTimestamp(1, Timestamp.from(at));
                    ps.setString(2, tenantId);
                    ps.setString(3, userId);
                    ps.setString(4, credentialId);
                }) == 1;
    }

    public Optional<StoredCredential> deleteCredential(String tenantId, String userId, String credentialId) {
        return jdbc.queryOne("delete from local_credentials where tenant_id = ? and user_id = ? and credential_id = ?"
                + " returning *", ps -> {
                    ps.setString(1, tenantId);
                    ps.setString(2, userId);
                    ps.setString(3, credentialId);
                }, this::credential);
    }

    public List<StoredCredential> deleteAllCredentials(String tenantId, String userId) {
        List<StoredCredential> gone = jdbc.query("delete from local_credentials where tenant_id = ? and user_id = ?"
                + " returning *", ps -> {
                    ps.setString(1, tenantId);
                    ps.setString(2, userId);
                }, this::credential);
        jdbc.update("delete from local_challenges where tenant_id = ? and user_id = ?", ps -> {
            ps.setString(1, tenantId);
            ps.setString(2, userId);
        });
        return gone;
    }

    // ---- policies ----

    public Optional<LocalPolicy> policy(String tenantId) {
        return jdbc.queryOne("select policy from local_policies where tenant_id = ?", ps -> ps.setString(1, tenantId),
                rs -> read(rs.getString(1), LocalPolicy.class));
    }

    public void putPolicy(String tenantId, LocalPolicy policy, Instant at) {
        jdbc.update("insert into local_policies (tenant_id, policy, updated_at) values (?, ?::jsonb, ?)"
                + " on conflict (tenant_id) do update set policy = excluded.policy, updated_at = excluded.updated_at", ps -> {
                    ps.setString(1, tenantId);
                    ps.setString(2, write(policy));
                    ps.setTimestamp(3, Timestamp.from(at));
                });
    }

    // ---- consents ----

    public void grantConsent(String tenantId, String userId, String version, Instant at) {
        jdbc.update("insert into local_consents (tenant_id, user_id, notice_version, granted_at) values (?, ?, ?, ?)"
                + " on conflict do nothing", ps -> {
                    ps.setString(1, tenantId);
                    ps.setString(2, userId);
                    ps.setString(3, version);
                    ps.setTimestamp(4, Timestamp.from(at));
                });
    }

    public int withdrawConsent(String tenantId, String userId, Instant at) {
        return jdbc.update("update local_consents set withdrawn_at = ? where tenant_id = ? and user_id = ?"
                + " and withdrawn_at is null", ps -> {
                    ps.setTimestamp(1, Timestamp.from(at));
                    ps.setString(2, tenantId);
                    ps.setString(3, userId);
                });
    }

    public List<Consent> consents(String tenantId, String userId) {
        return jdbc.query("select * from local_consents where tenant_id = ? and user_id = ? order by granted_at", ps -> {
            ps.setString(1, tenantId);
            ps.setString(2, userId);
        }, LocalStore::consent);
    }

    // ---- mapping: each row type becomes its record in exactly one method (issue 12) ----

    private static Consent consent(ResultSet rs) throws SQLException {
        return new Consent(rs.getString("notice_version"), rs.getTimestamp("granted_at").toInstant(),
                instant(rs, "withdrawn_at"));
    }

    private static PendingCeremony ceremony(ResultSet rs) throws SQLException {
        return new PendingCeremony(rs.getString("id"), rs.getString("tenant_id"), rs.getString("user_id"),
                Ceremony.valueOf(rs.getString("ceremony").toUpperCase()), CredentialFormat.parse(rs.getString("format")),
                ByteArray.copyOf(rs.getBytes("challenge")), rs.getString("rp_id"), rs.getString("transaction_text"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("expires_at").toInstant());
    }

    private StoredCredential credential(ResultSet rs) throws SQLException {
        return new StoredCredential(rs.getString("tenant_id"), rs.getString("credential_id"), rs.getString("user_id"),
                CredentialFormat.parse(rs.getString("format")), ByteArray.copyOf(rs.getBytes("public_key")),
                rs.getLong("sign_count"), read(rs.getString("assurance"), AssuranceVector.class),
                rs.getString("reference_id"), rs.getString("aaguid"), rs.getTimestamp("created_at").toInstant(),
                instant(rs, "last_used_at"), instant(rs, "revoked_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private <T> T read(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored " + type.getSimpleName() + " is unreadable", e);
        }
    }
}
