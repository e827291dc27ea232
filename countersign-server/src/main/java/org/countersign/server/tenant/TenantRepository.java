package org.countersign.server.tenant;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Persistence of tenants, their API keys and client certificates. */
public interface TenantRepository {
    /** Inserts the tenant; returns false if the id is taken. */
    boolean insert(Tenant tenant);

    Optional<Tenant> find(String id);

    List<Tenant> list();

    boolean setStatus(String id, Tenant.Status status);

    void insertKey(ApiKeyRecord key);

    Optional<ApiKeyRecord> findKey(String keyId);

    List<ApiKeyRecord> keysOf(String tenantId);

    /** Replaces a key's stored hash if it still is {@code expected} (legacy Argon2id rows, on first success). */
    boolean replaceKeyHash(String keyId, String expected, String replacement);

    boolean revokeKey(String keyId, Optional<String> tenantId, Instant at);

    boolean anyActiveAdminKey();

    void insertClientCertificate(String fingerprint, String tenantId, String subject, Instant at);

    /** Tenant id bound to an unrevoked client certificate with this SHA-256 fingerprint. */
    Optional<String> tenantForCertificate(String fingerprint);
}
