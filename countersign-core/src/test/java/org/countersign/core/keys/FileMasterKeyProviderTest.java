package org.countersign.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMasterKeyProviderTest {
    @TempDir
    Path dir;

    @Test
    void A_G5_createsOwnerOnlyFolderAndKeyFiles() throws Exception {
        FileMasterKeyProvider p = FileMasterKeyProvider.openOrCreate(dir);
        MasterKey k = p.current();
        assertThat(k.id()).matches("mk-[0-9a-f]{8}");
        Path folder = dir.resolve("master-keys");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve(k.id() + ".key"))))
                .isEqualTo("rw-------");
    }

    @Test
    void reopeningFindsTheSameCurrentKeyAndRotatedKeysSurvive() {
        FileMasterKeyProvider p = FileMasterKeyProvider.openOrCreate(dir);
        MasterKey first = p.current();
        MasterKey second = p.rotate();
        FileMasterKeyProvider again = FileMasterKeyProvider.openOrCreate(dir);
        assertThat(again.current()).isEqualTo(second);
        assertThat(again.byId(first.id())).contains(first);
        again.retire(first.id());
        assertThat(FileMasterKeyProvider.openOrCreate(dir).byId(first.id())).isEmpty();
        assertThatThrownBy(() -> again.retire(second.id())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void A_G5_refusesToStartWhenAKeyFileIsReadableByOthers() throws Exception {
        MasterKey k = FileMasterKeyProvider.openOrCreate(dir).current();
        Path file = dir.resolve("master-keys").resolve(k.id() + ".key");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> FileMasterKeyProvider.openOrCreate(dir))
                .isInstanceOfSatisfying(InsecurePermissionsException.class,
                        e -> assertThat(e.path()).isEqualTo(file));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        assertThatThrownBy(() -> FileMasterKeyProvider.openOrCreate(dir))
                .isInstanceOf(InsecurePermissionsException.class);
    }

    @Test
    void refusesToStartWhenTheFolderIsOpenToGroup() throws Exception {
        FileMasterKeyProvider.openOrCreate(dir);
        Files.setPosixFilePermissions(dir.resolve("master-keys"), PosixFilePermissions.fromString("rwxr-x---"));
        assertThatThrownBy(() -> FileMasterKeyProvider.openOrCreate(dir))
                .isInstanceOf(InsecurePermissionsException.class);
    }

    @Test
    void malformedKeyFileIsATypedError() throws Exception {
        MasterKey k = FileMasterKeyProvider.openOrCreate(dir).current();
        Files.writeString(dir.resolve("master-keys").resolve(k.id() + ".key"), "not base64!");
        assertThatThrownBy(() -> FileMasterKeyProvider.openOrCreate(dir))
                .isInstanceOf(MasterKeyStoreException.class);
    }

    @Test
    void envProviderReadsKeyIdAndPreviousKeys() {
        String k1 = org.countersign.core.bytes.ByteArray.copyOf(new byte[32]).toBase64();
        byte[] two = new byte[32];
        two[0] = 1;
        String k2 = org.countersign.core.bytes.ByteArray.copyOf(two).toBase64Url();
        EnvMasterKeyProvider derived = EnvMasterKeyProvider.fromEnvironment(Map.of("COUNTERSIGN_MASTER_KEY", k1));
        assertThat(derived.current().id()).matches("mk-[0-9a-f]{8}");
        assertThat(EnvMasterKeyProvider.fromEnvironment(Map.of("COUNTERSIGN_MASTER_KEY", k1)).current().id())
                .isEqualTo(derived.current().id());
        EnvMasterKeyProvider p = EnvMasterKeyProvider.fromEnvironment(Map.of("COUNTERSIGN_MASTER_KEY", k2,
                "COUNTERSIGN_MASTER_KEY_ID", "mk-00000002", "COUNTERSIGN_MASTER_KEY_PREVIOUS", "mk-00000001:" + k1));
        assertThat(p.current().id()).isEqualTo("mk-00000002");
        assertThat(p.byId("mk-00000001")).isPresent();
        assertThatThrownBy(() -> EnvMasterKeyProvider.fromEnvironment(Map.of()))
                .isInstanceOf(MasterKeyStoreException.class);
        assertThatThrownBy(() -> EnvMasterKeyProvider.fromEnvironment(Map.of("COUNTERSIGN_MASTER_KEY", "AAAA")))
                .isInstanceOf(MasterKeyStoreException.class);
        assertThat(p.toString()).doesNotContain(k2);
    }
}
