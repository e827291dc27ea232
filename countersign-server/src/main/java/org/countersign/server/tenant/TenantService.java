package org.countersign.server.tenant;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;
import org.countersign.server.auth.ApiKeyHashes;
import org.countersign.server.auth.ApiKeyToken;

/** Relying-party administration (A-G1): create, list, disable tenants; issue and revoke their credentials. */
public final class TenantService {
    private final TenantRepository repo;
    private final AuditLog audit;
    private final SecureRandom random;
    private final Clock clock;

    /** A key as shown once at creation; the secret is never stored or shown again. */
    public record IssuedKey(String keyId, String token) {}

    public TenantService(TenantRepository repo, AuditLog audit, SecureRandom random, Clock clock) {
        this.repo = repo;
        this.audit = audit;
        this.random = random;
        this.clock = clock;
    }

    public record Created(Tenant tenant, IssuedKey apiKey) {}

    public Created create(String id, String displayName, List<String> allowedOrigins, String actor, String requestId) {
        for (String origin : allowedOrigins) {
            checkOrigin(origin);
        }
        Tenant t = new Tenant(id, displayName, allowedOrigins, Tenant.Status.ACTIVE, clock.instant());
        if (!repo.insert(t)) {
            throw AdminFailure.conflict("relying party '" + id + "' already exists");
        }
        IssuedKey key = issueKey(Optional.of(id), ApiKeyRecord.Role.TENANT, "initial");
        audit.event(AuditAction.TENANT_CREATE).tenant(id).by(AuditActor.principal(actor), requestId)
                .about(AuditSubject.tenant(id)).details(Map.of("keyId", key.keyId())).record(AuditOutcome.SUCCESS);
        return new Created(t, key);
    }

    public List<Tenant> list() {
        return repo.list();
    }

    public Tenant get(String id) {
        return repo.find(id).orElseThrow(() -> AdminFailure.notFound("relying party"));
    }

    public Tenant setStatus(String id, Tenant.Status status, String actor, String requestId) {
        if (!repo.setStatus(id, status)) {
            throw AdminFailure.notFound("relying party");
        }
        audit.event(status == Tenant.Status.DISABLED ? AuditAction.TENANT_DISABLE : AuditAction.TENANT_ENABLE)
                .tenant(id)
                .by(AuditActor.principal(actor), requestId).about(AuditSubject.tenant(id)).record(AuditOutcome.SUCCESS);
        return get(id);
    }

    public IssuedKey addKey(String tenantId, String label, String actor, String requestId) {
        get(tenantId);
        IssuedKey key = issueKey(Optional.of(tenantId), ApiKeyRecord.Role.TENANT, label);
        audit.event(AuditAction.APIKEY_CREATE).tenant(tenantId).by(AuditActor.principal(actor), requestId)
                .about(AuditSubject.apiKey(key.keyId())).record(AuditOutcome.SUCCESS);
        return key;
    }

    public List<ApiKeyRecord> keys(String tenantId) {
        get(tenantId);
        return repo.keysOf(tenantId);
    }

    public void revokeKey(String tenantId, String keyId, String actor, String requestId) {
        if (!repo.revokeKey(keyId, Optional.of(tenantId), clock.instant())) {
            throw AdminFailure.notFound("active API key");
        }
        audit.event(AuditAction.APIKEY_REVOKE).tenant(tenantId).by(AuditActor.principal(actor), requestId)
                .about(AuditSubject.apiKey(keyId)).record(AuditOutcome.SUCCESS);
    }

    /** Creates the first admin key when none exists; empty when one already does. */
    public Optional<IssuedKey> bootstrapAdminKey() {
        if (repo.anyActiveAdminKey()) {
            return Optional.empty();
        }
        IssuedKey key = issueKey(Optional.empty(), ApiKeyRecord.Role.ADMIN, "bootstrap");
        audit.event(AuditAction.ADMINKEY_BOOTSTRAP).by(AuditActor.SYSTEM, "startup")
                .about(AuditSubject.apiKey(key.keyId())).record(AuditOutcome.SUCCESS);
        return Optional.of(key);
    }

    /** A fresh admin key (CLI: {@code countersign admin-key}); the old ones stay valid until revoked. */
    public IssuedKey newAdminKey(String actor) {
        IssuedKey key = issueKey(Optional.empty(), ApiKeyRecord.Role.ADMIN, "cli");
        audit.event(AuditAction.ADMINKEY_CREATE).by(AuditActor.principal(actor), "cli")
                .about(AuditSubject.apiKey(key.keyId())).record(AuditOutcome.SUCCESS);
        return key;
    }

    private IssuedKey issueKey(Optional<String> tenantId, ApiKeyRecord.Role role, String label) {
        ApiKeyToken token = ApiKeyToken.generate(random);
        String hash = ApiKeyHashes.hash(token);
        repo.insertKey(new ApiKeyRecord(token.keyId(), tenantId, role, hash, label, clock.instant(), Optional.empty()));
        return new IssuedKey(token.keyId(), token.reveal());
    }

    /** Web origins as browsers send them: scheme, host, optional port, nothing else. */
    static void checkOrigin(String origin) {
        try {
            URI u = new URI(origin);
            boolean ok = ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null
                    && (u.getPath() == null || u.getPath().isEmpty()) && u.getQuery() == null && u.getFragment() == null
                    && u.getUserInfo() == null;
            if (ok) {
                return;
            }
        } catch (Exception ignored) {
            // reported below
        }
        throw AdminFailure.invalid("allowedOrigins: '" + origin + "' is not an origin like https://bank.example:443");
    }
}
