package org.countersign.server.tenant;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.countersign.server.store.Jdbc;

/** {@link TenantRepository} on PostgreSQL (embedded or external). */
public final class JdbcTenantRepository implements TenantRepository {
    private final Jdbc jdbc;

    public JdbcTenantRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean insert(Tenant t) {
        return jdbc.inConnection(c -> {
            Array origins = c.createArrayOf("text", t.allowedOrigins().toArray());
            try (var ps = c.prepareStatement("insert into tenants (id, display_name, allowed_origins, status, created_at)"
                    + " values (?, ?, ?, ?, ?) on conflict (id) do nothing")) {
                ps.setString(1, t.id());
                ps.setString(2, t.displayName());
                ps.setArray(3, origins);
                ps.setString(4, t.status().name().toLowerCase());
                ps.setTimestamp(5, Timestamp.from(t.createdAt()));
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<Tenant> find(String id) {
        return jdbc.queryOne("select * from tenants where id = ?", ps -> ps.setString(1, id), JdbcTenantRepository::tenant);
    }

    @Override
    public List<Tenant> list() {
        return jdbc.query("select * from tenants order by id", ps -> { }, JdbcTenantRepository::tenant);
    }

    @Override
    public boolean setStatus(String id, Tenant.Status status) {
        return jdbc.update("update tenants set status = ? where id = ?", ps -> {
            ps.setString(1, status.name().toLowerCase());
            ps.setString(2, id);
        }) == 1;
    }

    @Override
    public void insertKey(ApiKeyRecord k) {
        jdbc.update("insert into api_keys (id, tenant_id, role, secret_hash, label, created_at) values (?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, k.id());
            ps.setString(2, k.tenantId().orElse(null));
            ps.setString(3, k.role().name().toLowerCase());
            ps.setString(4, k.secretHash());
            ps.setString(5, k.label());
            ps.setTimestamp(6, Timestamp.from(k.createdAt()));
        });
    }

    @Override
    public Optional<ApiKeyRecord> findKey(String keyId) {
        return jdbc.queryOne("select * from api_keys where id = ?", ps -> ps.setString(1, keyId), JdbcTenantRepository::key);
    }

    @Override
    public List<ApiKeyRecord> keysOf(String tenantId) {
        return jdbc.query("select * from api_keys where tenant_id = ? order by created_at", ps -> ps.setString(1, tenantId),
                JdbcTenantRepository::key);
    }

    @Override
    public boolean replaceKeyHash(String keyId, String expected, String replacement) {
        return jdbc.update("update api_keys set secret_hash = ? where id = ? and secret_hash = ?", ps -> {
            ps.setString(1, replacement);
            ps.setString(2, keyId);
            ps.setString(3, expected);
        }) == 1;
    }

    @Override
    public boolean revokeKey(String keyId, Optional<String> tenantId, Instant at) {
        return jdbc.update("update api_keys set revoked_at = ? where id = ? and revoked_at is null"
                + " and tenant_id is not distinct from ?", ps -> {
                    ps.setTimestamp(1, Timestamp.from(at));
                    ps.setString(2, keyId);
                    ps.setString(3, tenantId.orElse(null));
                }) == 1;
    }

    @Override
    public boolean anyActiveAdminKey() {
        return jdbc.queryOne("select 1 from api_keys where role = 'admin' and revoked_at is null limit 1", ps -> { },
                rs -> true).isPresent();
    }

    @Override
    public void insertClientCertificate(String fingerprint, String tenantId, String subject, Instant at) {
        jdbc.update("insert into client_certificates (fingerprint, tenant_id, subject, created_at) values (?, ?, ?, ?)", ps -> {
            ps.setString(1, fingerprint);
            ps.setString(2, tenantId);
            ps.setString(3, subject);
            ps.setTimestamp(4, Timestamp.from(at));
        });
    }

    @Override
    public Optional<String> tenantForCertificate(String fingerprint) {
        return jdbc.queryOne("select tenant_id from client_certificates where fingerprint = ? and revoked_at is null",
                ps -> ps.setString(1, fingerprint), rs -> rs.getString(1));
    }

    private static Tenant tenant(ResultSet rs) throws SQLException {
        String[] origins = (String[]) rs.getArray("allowed_origins").getArray();
        return new Tenant(rs.getString("id"), rs.getString("display_name"), Arrays.asList(origins),
                Tenant.Status.valueOf(rs.getString("status").toUpperCase()), rs.getTimestamp("created_at").toInstant());
    }

    private static ApiKeyRecord key(ResultSet rs) throws SQLException {
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new ApiKeyRecord(rs.getString("id"), Optional.ofNullable(rs.getString("tenant_id")),
                ApiKeyRecord.Role.valueOf(rs.getString("role").toUpperCase()), rs.getString("secret_hash"),
                rs.getString("label"), rs.getTimestamp("created_at").toInstant(),
                Optional.ofNullable(revoked).map(Timestamp::toInstant));
    }
}
