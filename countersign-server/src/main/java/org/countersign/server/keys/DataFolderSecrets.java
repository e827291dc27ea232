package org.countersign.server.keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.countersign.core.keys.MasterKeyProvider;
import org.countersign.core.keys.SealedFiles;

/**
 * The private keys kept in the data folder, each sealed under the master key with its own purpose (A-G5). Listed
 * in one place so that master-key rotation can re-seal all of them before the old master key is retired.
 */
public final class DataFolderSecrets {
    private DataFolderSecrets() {}

    public record SealedFile(String relativePath, String purpose) {}

    public static final SealedFile TLS_CA_KEY = new SealedFile("tls/ca-key.sealed", "tls-ca-key");
    public static final SealedFile TLS_SERVER_KEY = new SealedFile("tls/server-key.sealed", "tls-server-key");
    public static final SealedFile AUDIT_CHECKPOINT_KEY = new SealedFile("audit/checkpoint-key.sealed", "audit-checkpoint-key");

    public static final SealedFile EMBEDDED_DB_PASSWORD = new SealedFile("db/embedded-password.sealed", "embedded-db-password");

    public static final List<SealedFile> ALL = List.of(TLS_CA_KEY, TLS_SERVER_KEY, AUDIT_CHECKPOINT_KEY,
            EMBEDDED_DB_PASSWORD);

    /** Re-seals every existing file under the provider's current master key; returns how many were re-sealed. */
    public static int resealAll(Path dataDir, MasterKeyProvider masterKeys) {
        int n = 0;
        for (SealedFile f : ALL) {
            Path file = dataDir.resolve(f.relativePath());
            if (Files.exists(file)) {
                var content = SealedFiles.read(file, masterKeys, f.purpose());
                try {
                    SealedFiles.write(file, content, masterKeys, f.purpose());
                } finally {
                    content.destroy();
                }
                n++;
            }
        }
        return n;
    }
}
