package org.countersign.core.keys;

import java.util.Optional;

/**
 * Source of master keys (key-encryption keys). {@link #current()} wraps new material; {@link #byId(String)} finds
 * older keys so material wrapped before a rotation still opens.
 *
 * <p>Implementations: {@link FileMasterKeyProvider} (key files with owner-only permissions) and
 * {@link EnvMasterKeyProvider} (a key injected by the deployment). A KMS or HSM provider plugs in here too: it
 * either hands out a data-key-encryption key fetched at start-up, or, when the key must never leave the KMS, the
 * {@link KeyService} wrap/unwrap step is the place to delegate to the KMS' encrypt/decrypt calls instead.
 */
public interface MasterKeyProvider {
    /** The key that wraps new material. */
    MasterKey current();

    /** Any key that may still be needed to unwrap, including {@link #current()}; empty when retired or unknown. */
    Optional<MasterKey> byId(String id);
}
