package org.countersign.server.tenant;

import java.time.Instant;
import java.util.Optional;

/** A stored API key: only a hash of its secret is kept (see ApiKeyHashes). {@code tenantId} is empty for admin keys. */
public record ApiKeyRecord(String id, Optional<String> tenantId, Role role, String secretHash, String label,
        Instant createdAt, Optional<Instant> revokedAt) {
    public enum Role { ADMIN, TENANT }

    public boolean revoked() {
        return revokedAt.isPresent();
    }
}
