package org.countersign.server.oob.memory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.countersign.server.tenant.ApiKeyRecord;
import org.countersign.server.tenant.Tenant;
import org.countersign.server.tenant.TenantRepository;

/**
 * The tenants themselves in memory, for the out-of-band flow, which reads a tenant's name and whether it is active.
 * API keys and client certificates belong to the HTTP edge, which these tests do not run; asking for them fails.
 */
public final class MemoryTenants implements TenantRepository {
    private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();

    @Override
    public boolean insert(Tenant tenant) {
        return tenants.putIfAbsent(tenant.id(), tenant) == null;
    }

    @Override
    public Optional<Tenant> find(String id) {
        return Optional.ofNullable(tenants.get(id));
    }

    @Override
    public List<Tenant> list() {
        return List.copyOf(tenants.values());
    }

    @Override
    public boolean setStatus(String id, Tenant.Status status) {
        return tenants.computeIfPresent(id, (k, t) -> new Tenant(t.id(), t.displayName(), t.allowedOrigins(), status,
                t.createdAt())) != null;
    }

    @Override
    public void insertKey(ApiKeyRecord key) {
        throw noKeys();
    }

    @Override
    public Optional<ApiKeyRecord> findKey(String keyId) {
        throw noKeys();
    }

    @Override
    public List<ApiKeyRecord> keysOf(String tenantId) {
        throw noKeys();
    }

    @Override
    public boolean replaceKeyHash(String keyId, String expected, String replacement) {
        throw noKeys();
    }

    @Override
    public boolean revokeKey(String keyId, Optional<String> tenantId, Instant at) {
        throw noKeys();
    }

    @Override
    public boolean anyActiveAdminKey() {
        throw noKeys();
    }

    @Override
    public void insertClientCertificate(String fingerprint, String tenantId, String subject, Instant at) {
        throw noKeys();
    }

    @Override
    public Optional<String> tenantForCertificate(String fingerprint) {
        throw noKeys();
    }

    private static UnsupportedOperationException noKeys() {
        return new UnsupportedOperationException("credentials are the HTTP edge's, not kept by this twin");
    }
}
