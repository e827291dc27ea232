package org.countersign.server.auth;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.countersign.core.password.Argon2idHasher;
import org.countersign.server.tenant.ApiKeyRecord;
import org.countersign.server.tenant.Tenant;
import org.countersign.server.tenant.TenantRepository;

/**
 * Turns presented credentials into a {@link Principal} (A-G1, A-G2).
 *
 * <p>Order of work for an API key, cheapest first: shape check; the failure throttle of the client address (no
 * database, no hashing once an address has failed too often); one indexed lookup; a SHA-256 comparison
 * ({@link ApiKeyHashes}). Only keys stored by older versions still need Argon2id: those checks additionally pass
 * the key id's failure throttle and a small bound on concurrent Argon2id runs, and succeed at most once before
 * the row is re-hashed.
 *
 * <p>Nothing is cached: every request reads the key and its tenant, so a revocation or a disabled tenant takes
 * effect on every node with the next request.
 */
public final class Authenticator {
    /** Failed attempts per key id before an Argon2id check of a legacy row: a burst of 5, then 10 a minute. */
    static final long KEY_BURST = 5;
    static final long KEY_PER_MINUTE = 10;

    private final TenantRepository tenants;
    private final Argon2idHasher hasher;
    private final FailureThrottle addressFailures;
    private final FailureThrottle keyFailures = new FailureThrottle(KEY_BURST, KEY_PER_MINUTE);
    /** Argon2id of legacy rows: at most one run per core at a time, the rest wait briefly or are turned away. */
    private final Semaphore slowChecks = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    private final AtomicLong slowChecksRun = new AtomicLong();

    /** Why authentication failed; all map to 401/403 without telling an attacker which part was wrong. */
    public enum Failure { MISSING, MALFORMED, UNKNOWN_KEY, WRONG_SECRET, REVOKED, TENANT_DISABLED, UNKNOWN_CERTIFICATE }

    public sealed interface Result permits Authenticated, Refused, Throttled {}

    public record Authenticated(Principal principal) implements Result {}

    public record Refused(Failure failure) implements Result {}

    /** Too many failures from this source: refused before any lookup or hashing; retry after the delay. */
    public record Throttled(long retryAfterSeconds) implements Result {}

    public Authenticator(TenantRepository tenants, Argon2idHasher hasher, Clock clock) {
        this(tenants, hasher, clock, 100);
    }

    /**
     * Failed attempts allowed per address scale with the per-address request rate: a burst of a fifth of one
     * second's requests, refilled at 1 % of the rate (the default 100/s gives 20 at once, then 60 a minute).
     */
    public Authenticator(TenantRepository tenants, Argon2idHasher hasher, Clock clock, int ipRatePerSecond) {
        this.tenants = tenants;
        this.hasher = hasher;
        this.addressFailures = new FailureThrottle(Math.max(1, ipRatePerSecond / 5), Math.max(1, ipRatePerSecond * 60L / 100));
    }

    /**
     * Whole seconds before a bearer attempt from {@code address} is looked at again; 0 when it may try now. Costs
     * no allowance, so the HTTP layer can refuse (and hold) a throttled source before routing the request.
     */
    public long addressBlockedSeconds(String address) {
        return addressFailures.secondsBlocked("ip:" + address);
    }

    /** As {@link #authenticateBearer(String, String)} from an unknown address. */
    public Result authenticateBearer(String authorizationHeader) {
        return authenticateBearer(authorizationHeader, "unknown");
    }

    public Result authenticateBearer(String authorizationHeader, String address) {
        String source = "ip:" + address;
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            return new Refused(Failure.MISSING);
        }
        long blocked = addressFailures.secondsBlocked(source);
        if (blocked > 0) {
            return new Throttled(blocked);
        }
        if (!authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            addressFailures.fail(source);
            return new Refused(Failure.MALFORMED);
        }
        Optional<ApiKeyToken> parsed = ApiKeyToken.parse(authorizationHeader.substring(7).trim());
        if (parsed.isEmpty()) {
            addressFailures.fail(source);
            return new Refused(Failure.MALFORMED);
        }
        ApiKeyToken token = parsed.get();
        Optional<ApiKeyRecord> stored = tenants.findKey(token.keyId());
        if (stored.isEmpty()) {
            addressFailures.fail(source);
            return new Refused(Failure.UNKNOWN_KEY);
        }
        ApiKeyRecord key = stored.get();
        Result secretCheck = checkSecret(token, key, source);
        if (secretCheck != null) {
            return secretCheck;
        }
        if (key.revoked()) {
            addressFailures.fail(source);
            return new Refused(Failure.REVOKED);
        }
        if (key.role() == ApiKeyRecord.Role.ADMIN) {
            return new Authenticated(new Principal(Principal.Role.ADMIN, Optional.empty(), key.id(), Principal.Method.API_KEY));
        }
        String tenantId = key.tenantId().orElseThrow();
        if (!tenants.find(tenantId).map(Tenant::active).orElse(false)) {
            return new Refused(Failure.TENANT_DISABLED);
        }
        return new Authenticated(new Principal(Principal.Role.TENANT, Optional.of(tenantId), key.id(), Principal.Method.API_KEY));
    }

    /** Null when the secret matches; otherwise the result to return. */
    private Result checkSecret(ApiKeyToken token, ApiKeyRecord key, String source) {
        if (ApiKeyHashes.isFast(key.secretHash())) {
            if (ApiKeyHashes.matches(token, key.secretHash())) {
                return null;
            }
            addressFailures.fail(source);
            return new Refused(Failure.WRONG_SECRET);
        }
        // A row from an older version: Argon2id, so guard it by key id as well and bound how many run at once.
        String keySource = "key:" + key.id();
        long blocked = keyFailures.secondsBlocked(keySource);
        if (blocked > 0) {
            return new Throttled(blocked);
        }
        boolean ok;
        try {
            if (!slowChecks.tryAcquire(1, TimeUnit.SECONDS)) {
                return new Throttled(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Throttled(1);
        }
        try {
            slowChecksRun.incrementAndGet();
            ok = hasher.verify(token.secret(), key.secretHash());
        } finally {
            slowChecks.release();
        }
        if (!ok) {
            addressFailures.fail(source);
            keyFailures.fail(keySource);
            return new Refused(Failure.WRONG_SECRET);
        }
        tenants.replaceKeyHash(key.id(), key.secretHash(), ApiKeyHashes.hash(token));
        return null;
    }

    /** How many Argon2id checks of legacy key rows ran on this node (for tests and operators). */
    public long slowChecksRun() {
        return slowChecksRun.get();
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
}
