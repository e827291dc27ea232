package org.countersign.core.keys;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link DataKeyStore} in memory, for tests and single-process tools. Thread-safe. */
public final class InMemoryDataKeyStore implements DataKeyStore {
    private final Map<String, WrappedDataKey> keys = new LinkedHashMap<>();

    @Override
    public synchronized List<WrappedDataKey> all() {
        return List.copyOf(new ArrayList<>(keys.values()));
    }

    @Override
    public synchronized void insert(WrappedDataKey k) {
        if (keys.putIfAbsent(k.keyId(), k) != null) {
            throw new IllegalStateException("data key exists: " + k.keyId());
        }
    }

    @Override
    public synchronized void replace(WrappedDataKey k) {
        if (keys.replace(k.keyId(), k) == null) {
            throw new IllegalStateException("no data key " + k.keyId());
        }
    }
}
