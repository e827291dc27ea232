package org.countersign.core.keys;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.CanonicalWriter;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.keys.KeyServiceException.Reason;

/**
 * Envelope encryption for stored secrets (A-G5 keys, A-G6 biometric references): values are sealed with
 * AES-256-GCM under a per-purpose data key, and data keys are stored wrapped under a master key.
 *
 * <p>Each sealed value's GCM associated data is the data key id, the data key's purpose and the caller's
 * {@link AssociatedData}, so a blob opens only for the same tenant, subject and purpose and under the key it
 * names. Nonces are 12 random bytes; stay well below 2^32 seals per data key ({@link #rotateDataKey} long before).
 *
 * <p>Rotation without downtime: {@link #rotateDataKey} adds a new primary data key while older ones keep opening
 * existing blobs; after a master key rotation {@link #rewrapAll} re-wraps the data keys (not the data) under the
 * new master key, after which the old master key can be retired.
 *
 * <p>Thread-safe. Unwrapped data keys are cached in memory; {@link #reload} re-reads the store so keys created or
 * rotated by another node become visible (an unknown key id in {@link #open} also triggers one reload).
 */
public final class KeyService {
    private static final ByteArray DATA_DOMAIN = ByteArray.ofUtf8("countersign/sealed-data/v1");
    private static final ByteArray WRAP_DOMAIN = ByteArray.ofUtf8("countersign/wrapped-data-key/v1");
    private static final int DATA_KEY_LENGTH = 32;

    private final MasterKeyProvider masterKeys;
    private final DataKeyStore store;
    private final SecureRandom random;
    private final Clock clock;
    private final Map<String, SecretBytes> unwrapped = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

    /** Immutable view of the store: keys by id and the primary key id per purpose. */
    private record Snapshot(Map<String, WrappedDataKey> byId, Map<String, String> primaryByPurpose) {
    }

    public KeyService(MasterKeyProvider masterKeys, DataKeyStore store, SecureRandom random, Clock clock) {
        this.masterKeys = Objects.requireNonNull(masterKeys, "masterKeys");
        this.store = Objects.requireNonNull(store, "store");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        reload();
    }

    /** Seals {@code plaintext} under the primary data key of {@code purpose}, creating that key on first use. */
    public SealedBlob seal(String purpose, AssociatedData ad, SecretBytes plaintext) {
        requirePurpose(purpose);
        Objects.requireNonNull(ad, "ad");
        Objects.requireNonNull(plaintext, "plaintext");
        WrappedDataKey key = primaryFor(purpose);
        return Aead.seal(key.keyId(), plainKey(key), dataAad(key, ad), plaintext, random);
    }

    /**
     * Opens a blob made by {@link #seal} with the same associated data.
     *
     * @throws KeyServiceException {@link Reason#UNKNOWN_KEY} if the data key or its master key is unknown,
     *                             {@link Reason#AUTHENTICATION_FAILED} if the blob was altered or {@code ad} differs
     */
    public SecretBytes open(SealedBlob blob, AssociatedData ad) {
        Objects.requireNonNull(blob, "blob");
        Objects.requireNonNull(ad, "ad");
        WrappedDataKey key = snapshot.byId().get(blob.keyId());
        if (key == null) {
            reload(); // another node may have created or rotated this purpose's key
            key = snapshot.byId().get(blob.keyId());
            if (key == null) {
                throw new KeyServiceException(Reason.UNKNOWN_KEY, "no data key " + blob.keyId());
            }
        }
        return Aead.open(plainKey(key), dataAad(key, ad), blob);
    }

    /** Makes a new primary data key for {@code purpose} and returns its id; older keys keep opening. */
    public synchronized String rotateDataKey(String purpose) {
        requirePurpose(purpose);
        reload();
        WrappedDataKey fresh = createKey(purpose);
        // Insert before demoting so a concurrent reader always finds some primary key.
        for (WrappedDataKey k : store.all()) {
            if (k.primary() && k.purpose().equals(purpose) && !k.keyId().equals(fresh.keyId())) {
                store.replace(k.withPrimary(false));
            }
        }
        reload();
        return fresh.keyId();
    }

    /**
     * Re-wraps every data key not yet under the provider's current master key. Blobs sealed under the data keys
     * are untouched and stay valid throughout. Returns the number of keys re-wrapped.
     *
     * @throws KeyServiceException {@link Reason#UNKNOWN_KEY} if a data key's master key is no longer available
     */
    public synchronized int rewrapAll() {
        MasterKey target = masterKeys.current();
        int count = 0;
        for (WrappedDataKey k : store.all()) {
            if (k.masterKeyId().equals(target.id())) {
                continue;
            }
            SecretBytes plain = unwrap(k);
            try {
                store.replace(k.rewrapped(Aead.seal(target.id(), target.key(), wrapAad(k.keyId(), k.purpose(),
                        target.id()), plain, random)));
            } finally {
                plain.destroy();
            }
            count++;
        }
        reload();
        return count;
    }

    /** Re-reads the store. Cached plain keys stay: a data key's material never changes, only its wrapping. */
    public synchronized void reload() {
        Map<String, WrappedDataKey> byId = new HashMap<>();
        Map<String, WrappedDataKey> primary = new HashMap<>();
        Comparator<WrappedDataKey> newest = Comparator.comparing(WrappedDataKey::createdAt)
                .thenComparing(WrappedDataKey::keyId);
        for (WrappedDataKey k : store.all()) {
            byId.put(k.keyId(), k);
            if (k.primary()) {
                primary.merge(k.purpose(), k, (a, b) -> newest.compare(a, b) >= 0 ? a : b);
            }
        }
        Map<String, String> primaryIds = new HashMap<>();
        primary.forEach((purpose, k) -> primaryIds.put(purpose, k.keyId()));
        snapshot = new Snapshot(Map.copyOf(byId), Map.copyOf(primaryIds));
    }

    /** Ids of the stored data keys for {@code purpose} (for admin views and tests). */
    public List<String> dataKeyIds(String purpose) {
        return snapshot.byId().values().stream().filter(k -> k.purpose().equals(purpose))
                .sorted(Comparator.comparing(WrappedDataKey::createdAt).thenComparing(WrappedDataKey::keyId))
                .map(WrappedDataKey::keyId).toList();
    }

    private WrappedDataKey primaryFor(String purpose) {
        Snapshot s = snapshot;
        String id = s.primaryByPurpose().get(purpose);
        if (id != null) {
            return s.byId().get(id);
        }
        synchronized (this) {
            reload();
            s = snapshot;
            id = s.primaryByPurpose().get(purpose);
            if (id != null) {
                return s.byId().get(id);
            }
            WrappedDataKey created = createKey(purpose);
            reload();
            return created;
        }
    }

    /** Creates, wraps and stores a new primary data key; caller holds the monitor. */
    private WrappedDataKey createKey(String purpose) {
        MasterKey mk = masterKeys.current();
        String keyId;
        do {
            byte[] b = new byte[8];
            random.nextBytes(b);
            keyId = "dk-" + HexFormat.of().formatHex(b);
        } while (snapshot.byId().containsKey(keyId));
        SecretBytes plain = SecretBytes.random(DATA_KEY_LENGTH, random);
        SealedBlob wrapped = Aead.seal(mk.id(), mk.key(), wrapAad(keyId, purpose, mk.id()), plain, random);
        WrappedDataKey k = new WrappedDataKey(keyId, purpose, mk.id(), wrapped, clock.instant(), true);
        store.insert(k);
        unwrapped.put(keyId, plain);
        return k;
    }

    private SecretBytes plainKey(WrappedDataKey k) {
        return unwrapped.computeIfAbsent(k.keyId(), id -> unwrap(k));
    }

    private SecretBytes unwrap(WrappedDataKey k) {
        MasterKey mk = masterKeys.byId(k.masterKeyId()).orElseThrow(() -> new KeyServiceException(
                Reason.UNKNOWN_KEY, "master key " + k.masterKeyId() + " of data key " + k.keyId() + " unavailable"));
        return Aead.open(mk.key(), wrapAad(k.keyId(), k.purpose(), mk.id()), k.wrapped());
    }

    private static ByteArray dataAad(WrappedDataKey k, AssociatedData ad) {
        return new CanonicalWriter().bytes(DATA_DOMAIN).string(k.keyId()).string(k.purpose())
                .bytes(ad.canonicalBytes()).toByteArray();
    }

    private static ByteArray wrapAad(String keyId, String purpose, String masterKeyId) {
        return new CanonicalWriter().bytes(WRAP_DOMAIN).string(keyId).string(purpose).string(masterKeyId)
                .toByteArray();
    }

    private static void requirePurpose(String purpose) {
        if (purpose == null || purpose.isBlank()) {
            throw new IllegalArgumentException("purpose must not be blank");
        }
    }
}
