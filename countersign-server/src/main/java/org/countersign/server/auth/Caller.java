package org.countersign.server.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling a service, as the HTTP edge authenticated it: the relying party (empty for admins and for
 * unauthenticated authenticator calls), the actor audit records name, the request id that correlates log lines and
 * audit events, and the client's address.
 */
public record Caller(Optional<String> tenantId, String actor, String requestId, String ip) {
    public Caller {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(ip, "ip");
    }

    /** The relying party of a tenant-scoped operation; the routes of such operations admit tenant keys only. */
    public String tenant() {
        return tenantId.orElseThrow(() -> new IllegalStateException("a tenant-scoped operation without a tenant"));
    }

    /** The same caller acting for one relying party. */
    public Caller inTenant(String tenant) {
        return new Caller(Optional.of(tenant), actor, requestId, ip);
    }
}
