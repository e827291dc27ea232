package org.countersign.server.oob.memory;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.oob.UsedSignatureStore;

/** {@link UsedSignatureStore} in memory: one entry per authenticator and statement hash, added at most once. */
public final class MemoryUsedSignatureStore implements UsedSignatureStore {
    private record Key(String authenticatorId, ByteArray statementHash) {}

    private final Map<Key, Instant> used = new ConcurrentHashMap<>();

    @Override
    public boolean firstUse(String authenticatorId, ByteArray statementHash, Instant keepUntil) {
        return used.putIfAbsent(new Key(authenticatorId, statementHash), keepUntil) == null;
    }

    @Override
    public void purge(Instant now) {
        used.values().removeIf(keepUntil -> keepUntil.isBefore(now));
    }

    /** How many statements are remembered now (tests of the purge). */
    public int size() {
        return used.size();
    }
}
