package org.countersign.server.oob.memory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.countersign.core.keys.DataKeyStore;
import org.countersign.core.keys.WrappedDataKey;

/** The key service's wrapped data keys in a list, for tests that seal verification keys without a database. */
public final class MemoryDataKeyStore implements DataKeyStore {
    private final List<WrappedDataKey> keys = new CopyOnWriteArrayList<>();

    @Override
    public List<WrappedDataKey> all() {
        return List.copyOf(keys);
    }

    @Override
    public void insert(WrappedDataKey k) {
        if (keys.stream().anyMatch(old -> old.keyId().equals(k.keyId()))) {
            throw new IllegalStateException("duplicate data key id " + k.keyId());
        }
        keys.add(k);
    }

    @Override
    public void replace(WrappedDataKey k) {
        if (keys.stream().noneMatch(old -> old.keyId().equals(k.keyId()))) {
            throw new IllegalStateException("no data key " + k.keyId());
        }
        keys.replaceAll(old -> old.keyId().equals(k.keyId()) ? k : old);
    }
}
