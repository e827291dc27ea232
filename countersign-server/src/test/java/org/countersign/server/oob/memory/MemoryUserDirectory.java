package org.countersign.server.oob.memory;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.countersign.server.oob.UserDirectory;

/** {@link UserDirectory} in memory: a set of (tenant, user) pairs. */
public final class MemoryUserDirectory implements UserDirectory {
    private record Key(String tenantId, String userId) {}

    private final Set<Key> users = ConcurrentHashMap.newKeySet();

    @Override
    public void ensure(String tenantId, String userId, Instant now) {
        users.add(new Key(tenantId, userId));
    }

    @Override
    public boolean exists(String tenantId, String userId) {
        return users.contains(new Key(tenantId, userId));
    }
}
