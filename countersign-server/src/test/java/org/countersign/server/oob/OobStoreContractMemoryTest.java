package org.countersign.server.oob;

import java.time.Instant;
import java.util.UUID;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.oob.memory.MemoryOobStore;

/** The {@link OobStore} contract on the in-memory twin (no database; runs with the unit tests). */
class OobStoreContractMemoryTest extends OobStoreContract {
    private final MemoryOobStore store = new MemoryOobStore();

    @Override
    OobStore store() {
        return store;
    }

    @Override
    String newUser() {
        return "user-" + UUID.randomUUID();
    }

    @Override
    void addEnrolmentCode(String enrolmentId, String tenantId, String userId, ByteArray hash, Instant expiresAt) {
        store.addEnrolmentCode(enrolmentId, tenantId, userId, hash, expiresAt);
    }
}
