package org.countersign.server.tenant;

import java.time.Instant;
import java.util.List;

/** A relying party (bank, shop, identity provider) using Countersign; all its data is scoped by {@code id}. */
public record Tenant(String id, String displayName, List<String> allowedOrigins, Status status, Instant createdAt) {
    public enum Status { ACTIVE, DISABLED }

    public Tenant {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }
}
