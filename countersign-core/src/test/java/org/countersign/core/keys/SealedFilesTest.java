package org.countersign.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.countersign.core.keys.KeyServiceTest.assertReason;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.keys.KeyServiceException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealedFilesTest {
    private static final String PEM = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEG\n-----END PRIVATE KEY-----\n";

    @TempDir
    Path dir;

    @Test
    void A_G5_privateKeyFileIsStoredEncryptedWithOwnerOnlyPermissions() throws Exception {
        FileMasterKeyProvider mk = FileMasterKeyProvider.openOrCreate(dir);
        Path file = dir.resolve("tls").resolve("server-key.sealed");
        SealedFiles.write(file, SecretBytes.copyOf(PEM.getBytes(StandardCharsets.UTF_8)), mk, "tls-key");

        String onDisk = Files.readString(file);
        assertThat(onDisk).doesNotContain("PRIVATE KEY").doesNotContain("MIGHAgEA");
        assertThat(SealedFiles.isSealed(file)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(SealedFiles.read(file, mk, "tls-key"))
                .isEqualTo(SecretBytes.copyOf(PEM.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void wrongPurposeTamperingAndRetiredMasterKeyAreRejected() throws Exception {
        FileMasterKeyProvider mk = FileMasterKeyProvider.openOrCreate(dir);
        Path file = dir.resolve("ca-key.sealed");
        SealedFiles.write(file, SecretBytes.copyOf(new byte[] {1, 2, 3}), mk, "ca-key");
        assertReason(() -> SealedFiles.read(file, mk, "tls-key"), Reason.AUTHENTICATION_FAILED);

        String text = Files.readString(file).strip();
        char last = text.charAt(text.length() - 2);
        Files.writeString(file, text.substring(0, text.length() - 2) + (last == 'A' ? 'B' : 'A')
                + text.charAt(text.length() - 1));
        assertReason(() -> SealedFiles.read(file, mk, "ca-key"), Reason.AUTHENTICATION_FAILED);

        Path plain = dir.resolve("plain.pem");
        Files.writeString(plain, PEM);
        assertThat(SealedFiles.isSealed(plain)).isFalse();
        assertReason(() -> SealedFiles.read(plain, mk, "ca-key"), Reason.MALFORMED);

        SealedFiles.write(file, SecretBytes.copyOf(new byte[] {1, 2, 3}), mk, "ca-key");
        String old = mk.current().id();
        mk.rotate();
        assertThat(SealedFiles.read(file, mk, "ca-key").length()).isEqualTo(3);
        mk.retire(old);
        assertReason(() -> SealedFiles.read(file, mk, "ca-key"), Reason.UNKNOWN_KEY);
    }
}
