package org.countersign.core.keys;

import java.util.List;

/**
 * Persistence for wrapped data keys, owned by the application (the server uses a database table). Implementations
 * must be thread-safe; {@link #replace} updates the row with the same {@link WrappedDataKey#keyId()}.
 */
public interface DataKeyStore {
    List<WrappedDataKey> all();

    /** Adds a new key; fails if the id exists. */
    void insert(WrappedDataKey k);

    /** Overwrites the key with the same id (re-wrap, primary flag); fails if it does not exist. */
    void replace(WrappedDataKey k);
}
