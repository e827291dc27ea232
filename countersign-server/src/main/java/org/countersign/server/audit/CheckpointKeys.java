package org.countersign.server.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.countersign.core.audit.CheckpointSigner;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.keys.MasterKeyProvider;
import org.countersign.core.keys.SealedFiles;
import org.countersign.server.keys.DataFolderSecrets;

/**
 * The Ed25519 key that signs audit checkpoints, kept in {@code <data>/audit/}: the private key sealed under the
 * master key, the public key in the clear so {@code countersign audit verify} can check signatures. Nodes that
 * share one database must share this folder's keys. Whoever can write the data folder can replace the public key
 * file, so operators pin its fingerprint ({@code --checkpoint-key-fingerprint}) instead of trusting the file.
 */
public final class CheckpointKeys {
    private static final String PURPOSE = DataFolderSecrets.AUDIT_CHECKPOINT_KEY.purpose();

    private CheckpointKeys() {}

    public static CheckpointSigner loadOrCreate(Path dataDir, MasterKeyProvider masterKeys) throws IOException {
        Path dir = dataDir.resolve("audit");
        Files.createDirectories(dir);
        Path privateFile = dataDir.resolve(DataFolderSecrets.AUDIT_CHECKPOINT_KEY.relativePath());
        Path publicFile = dir.resolve("checkpoint-public.der");
        if (Files.exists(privateFile) && Files.exists(publicFile)) {
            return CheckpointSigner.of(SealedFiles.read(privateFile, masterKeys, PURPOSE),
                    ByteArray.copyOf(Files.readAllBytes(publicFile)));
        }
        CheckpointSigner signer = CheckpointSigner.generate();
        SealedFiles.write(privateFile, signer.privateKeyPkcs8(), masterKeys, PURPOSE);
        Files.write(publicFile, signer.publicKey().toByteArray());
        return signer;
    }

    /** Path of the public key file verifiers read. */
    public static Path publicKeyFile(Path dataDir) {
        return dataDir.resolve("audit").resolve("checkpoint-public.der");
    }

    /** The public key alone, for verification without the master key. */
    public static ByteArray publicKey(Path dataDir) throws IOException {
        return ByteArray.copyOf(Files.readAllBytes(dataDir.resolve("audit").resolve("checkpoint-public.der")));
    }
}
