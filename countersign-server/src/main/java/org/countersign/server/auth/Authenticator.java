package org.countersign.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.countersign.core.password.Argon2idHasher;
import org.countersign.server.tenant.ApiKeyRecord;
import org.countersign.server.tenant.Tenant;
import org.countersign.server.tenant.TenantRepository;

/**
 * Turns presented credentials into a {@link Principal} (A-G1, A-G2).
 *
 * <p>Argon2id costs tens of milliseconds by design, so a successful verification is remembered for a short time
 * under the SHA-256 of the presented token (never the token itself). Revocation on this node drops the entry at
 * once; other nodes forget it within {@link #CACHE_TTL}.
 */
public final class Authenticator {
    static final Duration CACHE_TTL = Duration.ofSeconds(30);
    private static final int CACHE_LIMIT = 10_000;

    private final TenantRepository tenants;
    private final Argon2idHasher hasher;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> verified = new ConcurrentHashMap<>();

    private record Cached(Principal principal, Instant until) {}

    /** Why authentication failed; all map to 401/403 without telling an attacker which part was wrong. */
    public enum Failure { MISSING, MALFORMED, UNKNOWN_KEY, WRONG_SECRET, REVOKED, TENANT_DISABLED, UNKNOWN_CERTIFICATE }

    public sealed interface Result permits Authenticated, Refused {}

    public record Authenticated(Principal principal) implements Result {}

    public record Refused(Failure failure) implements Result {}

    public Authenticator(TenantRepository tenants, Argon2idHasher hasher, Clock clock) {
        this.tenants = tenants;
        this.hasher = hasher;
        this.clock = clock;
    }

    public Result authenticateBearer(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            return new Refused(Failure.MISSING);
        }
        if (!authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Refused(Failure.MALFORMED);
        }
        String presented = authorizationHeader.substring(7).trim();
        String cacheKey = sha256(presented);
        Cached cached = verified.get(cacheKey);
        Instant now = clock.instant();
        if (cached != null && cached.until().isAfter(now)) {
            return new Authenticated(cached.principal());
        }
        Optional<ApiKeyToken> token = ApiKeyToken.parse(presented);
        if (token.isEmpty()) {
            return new Refused(Failure.MALFORMED);
        }
        Optional<ApiKeyRecord> stored = tenants.findKey(token.get().keyId());
        if (stored.isEmpty()) {
            // Spend the same work as a real check so timing does not reveal which key ids exist.
            hasher.verify(token.get().secret(), DUMMY_HASH);
            return new Refused(Failure.UNKNOWN_KEY);
        }
        ApiKeyRecord key = stored.get();
        if (!hasher.verify(token.get().secret(), key.secretHash())) {
            return new Refused(Failure.WRONG_SECRET);
        }
        if (key.revoked()) {
            return new Refused(Failure.REVOKED);
        }
        Principal principal;
        if (key.role() == ApiKeyRecord.Role.ADMIN) {
            principal = new Principal(Principal.Role.ADMIN, Optional.empty(), key.id(), Principal.Method.API_KEY);
        } else {
            String tenantId = key.tenantId().orElseThrow();
            if (!tenants.find(tenantId).map(Tenant::active).orElse(false)) {
                return new Refused(Failure.TENANT_DISABLED);
            }
            principal = new Principal(Principal.Role.TENANT, Optional.of(tenantId), key.id(), Principal.Method.API_KEY);
        }
        if (verified.size() >= CACHE_LIMIT) {
            verified.clear();
        }
        verified.put(cacheKey, new Cached(principal, now.plus(CACHE_TTL)));
        return new Authenticated(principal);
    }

    /** Mutual TLS: the client certificate's fingerprint must be registered to an active tenant. */
    public Result authenticateCertificate(String sha256Fingerprint) {
        Optional<String> tenantId = tenants.tenantForCertificate(sha256Fingerprint);
        if (tenantId.isEmpty()) {
            return new Refused(Failure.UNKNOWN_CERTIFICATE);
        }
        if (!tenants.find(tenantId.get()).map(Tenant::active).orElse(false)) {
            return new Refused(Failure.TENANT_DISABLED);
        }
        return new Authenticated(new Principal(Principal.Role.TENANT, tenantId, "cert:" + sha256Fingerprint.substring(0, 16),
                Principal.Method.CLIENT_CERTIFICATE));
    }

    /** Forget cached verifications of a key or a tenant (revocation, disabling). */
    public void invalidate(String keyIdOrTenant) {
        verified.values().removeIf(c -> c.principal().credentialId().equals(keyIdOrTenant)
                || c.principal().tenantId().map(keyIdOrTenant::equals).orElse(false));
    }

    private static final String DUMMY_HASH;

    static {
        DUMMY_HASH = new Argon2idHasher().hash(org.countersign.core.bytes.SecretBytes.copyOf(new byte[32]));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
