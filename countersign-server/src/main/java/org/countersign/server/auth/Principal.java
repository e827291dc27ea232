package org.countersign.server.auth;

import java.util.Optional;

/**
 * Who is calling (A-G2): an operator with an admin key, or a relying party's server identified by its API key or
 * its client certificate.
 */
public record Principal(Role role, Optional<String> tenantId, String credentialId, Method method) {
    public enum Role { ADMIN, TENANT }

    public enum Method { API_KEY, CLIENT_CERTIFICATE }

    public String actor() {
        return role == Role.ADMIN ? "admin:" + credentialId : "tenant:" + tenantId.orElse("?") + ":" + credentialId;
    }

    public String requireTenant() {
        return tenantId.orElseThrow(() -> new IllegalStateException("not a tenant principal"));
    }
}
