package org.countersign.server.tenant;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fair share of this node's work per relying party: at most {@code perTenant} writes of one tenant in flight at
 * once. Writes carry the expensive work (Argon2id of enrolment and recovery codes, signatures, biometric
 * matching), so a tenant flooding them occupies at most that many workers and cannot queue up the whole machine
 * in front of another tenant's calls; reads are cheap and not counted. Excess is refused at once (429), not
 * queued, so waiting requests never pile up threads.
 */
public final class TenantWorkLimiter {
    private final int perTenant;
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    public TenantWorkLimiter(int perTenant) {
        if (perTenant < 1) {
            throw new IllegalArgumentException("perTenant must be positive");
        }
        this.perTenant = perTenant;
    }

    /** Takes a slot for {@code tenantId}; false when the tenant already has its share in flight. */
    public boolean tryEnter(String tenantId) {
        AtomicInteger n = inFlight.computeIfAbsent(tenantId, k -> new AtomicInteger());
        if (n.incrementAndGet() > perTenant) {
            n.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back a slot taken by {@link #tryEnter}. */
    public void exit(String tenantId) {
        AtomicInteger n = inFlight.get(tenantId);
        if (n != null) {
            n.decrementAndGet();
        }
    }

    public int limit() {
        return perTenant;
    }

    /** Writes of {@code tenantId} in flight now. */
    public int inFlight(String tenantId) {
        AtomicInteger n = inFlight.get(tenantId);
        return n == null ? 0 : n.get();
    }
}
