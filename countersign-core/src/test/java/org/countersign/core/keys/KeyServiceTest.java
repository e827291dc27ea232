package org.countersign.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.keys.KeyServiceException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyServiceTest {
    private static final AssociatedData AD = new AssociatedData("tenant-a", "user-1", "totp-secret");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private final InMemoryDataKeyStore store = new InMemoryDataKeyStore();

    private KeyService service(MasterKeyProvider mk) {
        return new KeyService(mk, store, new SecureRandom(), CLOCK);
    }

    private static SecretBytes secret(String s) {
        return SecretBytes.copyOf(s.getBytes(StandardCharsets.UTF_8));
    }

    private static EnvMasterKeyProvider envKey() {
        return new EnvMasterKeyProvider(ByteArray.copyOf(new byte[32]).toBase64(), "mk-test0001");
    }

    @Test
    void A_G5_sealThenOpenReturnsThePlaintext() {
        KeyService ks = service(envKey());
        SealedBlob blob = ks.seal("totp", AD, secret("JBSWY3DPEHPK3PXP"));
        assertThat(ks.open(blob, AD)).isEqualTo(secret("JBSWY3DPEHPK3PXP"));
        assertThat(blob.keyId()).startsWith("dk-");
        assertThat(store.all()).hasSize(1);
        // The store holds only the wrapped key.
        assertThat(store.all().get(0).masterKeyId()).isEqualTo("mk-test0001");
    }

    @Test
    void sealingTwiceGivesDifferentCiphertextsUnderOneDataKey() {
        KeyService ks = service(envKey());
        SealedBlob a = ks.seal("totp", AD, secret("x"));
        SealedBlob b = ks.seal("totp", AD, secret("x"));
        assertThat(a.nonce()).isNotEqualTo(b.nonce());
        assertThat(a.keyId()).isEqualTo(b.keyId());
        assertThat(ks.seal("face", AD, secret("x")).keyId()).isNotEqualTo(a.keyId());
    }

    @Test
    void A_G5_openWithAnotherTenantSubjectOrPurposeFails() {
        KeyService ks = service(envKey());
        SealedBlob blob = ks.seal("totp", AD, secret("s"));
        for (AssociatedData wrong : new AssociatedData[] {
                new AssociatedData("tenant-b", "user-1", "totp-secret"),
                new AssociatedData(null, "user-1", "totp-secret"),
                new AssociatedData("tenant-a", "user-2", "totp-secret"),
                new AssociatedData("tenant-a", "user-1", "pin"),
                // shifting a character between fields must not collide
                new AssociatedData("tenant-au", "ser-1", "totp-secret")}) {
            assertThatThrownBy(() -> ks.open(blob, wrong)).isInstanceOf(KeyServiceException.class)
                    .extracting(e -> ((KeyServiceException) e).reason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
        }
    }

    @Test
    void flippedCiphertextOrNonceFailsAuthentication() {
        KeyService ks = service(envKey());
        SealedBlob blob = ks.seal("totp", AD, secret("secret value"));
        for (int i = 0; i < blob.ciphertext().length(); i++) {
            SealedBlob bad = new SealedBlob(blob.keyId(), blob.nonce(), flip(blob.ciphertext(), i));
            assertReason(() -> ks.open(bad, AD), Reason.AUTHENTICATION_FAILED);
        }
        for (int i = 0; i < blob.nonce().length(); i++) {
            SealedBlob bad = new SealedBlob(blob.keyId(), flip(blob.nonce(), i), blob.ciphertext());
            assertReason(() -> ks.open(bad, AD), Reason.AUTHENTICATION_FAILED);
        }
    }

    @Test
    void keyIdSwappedToAnotherDataKeyOrUnknownKeyFails() {
        KeyService ks = service(envKey());
        SealedBlob blob = ks.seal("totp", AD, secret("s"));
        String otherKey = ks.seal("other", AD, secret("s")).keyId();
        assertReason(() -> ks.open(new SealedBlob(otherKey, blob.nonce(), blob.ciphertext()), AD),
                Reason.AUTHENTICATION_FAILED);
        assertReason(() -> ks.open(new SealedBlob("dk-0000000000000000", blob.nonce(), blob.ciphertext()), AD),
                Reason.UNKNOWN_KEY);
    }

    @Test
    void rotateDataKeyKeepsOldBlobsReadableAndSealsNewOnesWithTheNewKey() {
        KeyService ks = service(envKey());
        SealedBlob old = ks.seal("totp", AD, secret("old"));
        String newId = ks.rotateDataKey("totp");
        assertThat(newId).isNotEqualTo(old.keyId());
        SealedBlob fresh = ks.seal("totp", AD, secret("new"));
        assertThat(fresh.keyId()).isEqualTo(newId);
        assertThat(ks.open(old, AD)).isEqualTo(secret("old"));
        assertThat(ks.open(fresh, AD)).isEqualTo(secret("new"));
        assertThat(store.all()).filteredOn(WrappedDataKey::primary).extracting(WrappedDataKey::keyId)
                .containsExactly(newId);
    }

    @Test
    void rewrapAllAfterMasterRotationKeepsEverythingReadableAndOldMasterCanBeRetired() {
        FileMasterKeyProvider mk = FileMasterKeyProvider.openOrCreate(dir);
        String oldMaster = mk.current().id();
        KeyService ks = service(mk);
        SealedBlob a = ks.seal("totp", AD, secret("a"));
        ks.rotateDataKey("totp");
        SealedBlob b = ks.seal("face", AD, secret("b"));

        mk.rotate();
        assertThat(ks.rewrapAll()).isEqualTo(3);
        assertThat(store.all()).allSatisfy(k -> assertThat(k.masterKeyId()).isEqualTo(mk.current().id()));
        assertThat(ks.rewrapAll()).isZero();
        mk.retire(oldMaster);

        // A fresh node with an empty cache must unwrap everything with the new master key only.
        KeyService restarted = service(FileMasterKeyProvider.openOrCreate(dir));
        assertThat(restarted.open(a, AD)).isEqualTo(secret("a"));
        assertThat(restarted.open(b, AD)).isEqualTo(secret("b"));
    }

    @Test
    void withoutRewrapRetiringTheMasterKeyMakesDataKeysUnknown() {
        FileMasterKeyProvider mk = FileMasterKeyProvider.openOrCreate(dir);
        String oldMaster = mk.current().id();
        SealedBlob a = service(mk).seal("totp", AD, secret("a"));
        mk.rotate();
        mk.retire(oldMaster);
        assertReason(() -> service(mk).open(a, AD), Reason.UNKNOWN_KEY);
    }

    @Test
    void reloadMakesAnotherNodesRotationVisible() {
        EnvMasterKeyProvider mk = envKey();
        KeyService node1 = service(mk);
        KeyService node2 = service(mk);
        SealedBlob first = node1.seal("totp", AD, secret("1"));
        assertThat(node2.open(first, AD)).isEqualTo(secret("1")); // unknown id triggers a reload
        String rotated = node1.rotateDataKey("totp");
        assertThat(node2.seal("totp", AD, secret("2")).keyId()).isEqualTo(first.keyId());
        node2.reload();
        assertThat(node2.seal("totp", AD, secret("2")).keyId()).isEqualTo(rotated);
    }

    @Test
    void tamperedWrappedDataKeyIsRejected() {
        EnvMasterKeyProvider mk = envKey();
        SealedBlob blob = service(mk).seal("totp", AD, secret("s"));
        WrappedDataKey k = store.all().get(0);
        // Move the wrapped key to another purpose: the wrap binds key id and purpose.
        store.replace(new WrappedDataKey(k.keyId(), "pin", k.masterKeyId(), k.wrapped(), k.createdAt(), true));
        assertReason(() -> service(mk).open(blob, AD), Reason.AUTHENTICATION_FAILED);
    }

    @Test
    void concurrentFirstUseCreatesOneDataKeyPerPurpose() throws Exception {
        KeyService ks = service(envKey());
        int threads = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<SealedBlob>> results = new java.util.ArrayList<>();
        for (int i = 0; i < threads * 4; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return ks.seal("totp", AD, secret("v"));
            }));
        }
        start.countDown();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (java.util.concurrent.Future<SealedBlob> f : results) {
            SealedBlob b = f.get();
            ids.add(b.keyId());
            assertThat(ks.open(b, AD)).isEqualTo(secret("v"));
        }
        pool.shutdown();
        assertThat(ids).hasSize(1);
        assertThat(store.all()).hasSize(1);
    }

    static ByteArray flip(ByteArray in, int index) {
        byte[] b = in.toByteArray();
        b[index] ^= 0x01;
        return ByteArray.copyOf(b);
    }

    static void assertReason(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(KeyServiceException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
