package org.countersign.agent.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The agent's storage: one folder per credential, every file sealed with AES-256-GCM under a device key, with the
 * credential id and file name as associated data so files cannot be swapped between credentials.
 *
 * <p>What a software vault can and cannot do: the sealing key is kept outside the vault folder, so a copy of the
 * folder alone (a backup, a sync client, another account that can read it) opens nothing and edits are detected.
 * It cannot stop code running as this user, which can read the key file as well, from opening every file and
 * signing without a face; nor a rollback of folder and key together. Only a platform key store that releases a key
 * after its own user verification (Android Keystore with user-authentication binding, iOS Secure Enclave) closes
 * that, which is the platform duty of SR-M-10 and SR-B-7; until then the agent reports its keys as software.
 */
final class DeviceVault {
    private static final int NONCE = 12;
    private final Path root;
    private final SecretKeySpec deviceKey;
    private final SecureRandom random;

    DeviceVault(Path root, Path keyFile, SecureRandom random) throws AgentException {
        this.root = root;
        this.random = random;
        try {
            Files.createDirectories(root);
            restrict(root, "rwx------");
            if (keyFile.getParent() != null) {
                Files.createDirectories(keyFile.getParent());
            }
            if (!Files.exists(keyFile)) {
                byte[] k = new byte[32];
                random.nextBytes(k);
                Files.write(keyFile, k, StandardOpenOption.CREATE_NEW);
                restrict(keyFile, "rw-------");
            }
            byte[] k = Files.readAllBytes(keyFile);
            if (k.length != 32) {
                throw new AgentException(AgentException.Reason.STORAGE, "device key has the wrong length");
            }
            deviceKey = new SecretKeySpec(k, "AES");
        } catch (IOException e) {
            throw new AgentException(AgentException.Reason.STORAGE, "cannot open the device vault", e);
        }
    }

    boolean exists(String credentialId) {
        return Files.isDirectory(root.resolve(credentialId));
    }

    List<String> credentialIds() throws AgentException {
        try (Stream<Path> s = Files.list(root)) {
            List<String> out = new ArrayList<>();
            s.filter(Files::isDirectory).forEach(p -> out.add(p.getFileName().toString()));
            return out;
        } catch (IOException e) {
            throw new AgentException(AgentException.Reason.STORAGE, "cannot list the vault", e);
        }
    }

    void put(String credentialId, String name, byte[] plaintext) throws AgentException {
        try {
            Path dir = root.resolve(credentialId);
            Files.createDirectories(dir);
            restrict(dir, "rwx------");
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, deviceKey, new GCMParameterSpec(128, nonce));
            c.updateAAD(aad(credentialId, name));
            byte[] ct = c.doFinal(plaintext);
            Path tmp = dir.resolve(name + ".tmp");
            Files.write(tmp, ByteBuffer.allocate(NONCE + ct.length).put(nonce).put(ct).array());
            restrict(tmp, "rw-------");
            Files.move(tmp, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | GeneralSecurityException e) {
            throw new AgentException(AgentException.Reason.STORAGE, "cannot write " + name, e);
        }
    }

    byte[] get(String credentialId, String name) throws AgentException {
        try {
            byte[] all = Files.readAllBytes(root.resolve(credentialId).resolve(name));
            if (all.length < NONCE + 16) {
                throw new AgentException(AgentException.Reason.STORAGE, name + " is truncated");
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, deviceKey, new GCMParameterSpec(128, all, 0, NONCE));
            c.updateAAD(aad(credentialId, name));
            return c.doFinal(all, NONCE, all.length - NONCE);
        } catch (IOException | GeneralSecurityException e) {
            throw new AgentException(AgentException.Reason.STORAGE, name + " is missing or fails its integrity check", e);
        }
    }

    /**
     * Overwrites each file of the credential with random bytes before unlinking it (SR-B-5). Best effort: flash
     * storage remaps blocks, so the guarantee really comes from sealing — without the device key the old blocks
     * are ciphertext.
     */
    void erase(String credentialId) throws AgentException {
        Path dir = root.resolve(credentialId);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                long size = Files.size(f);
                byte[] noise = new byte[(int) Math.min(size, 1 << 20)];
                random.nextBytes(noise);
                Files.write(f, noise, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
                Files.delete(f);
            }
            Files.delete(dir);
        } catch (IOException e) {
            throw new AgentException(AgentException.Reason.STORAGE, "cannot erase credential files", e);
        }
    }

    private static byte[] aad(String credentialId, String name) {
        return (credentialId + "/" + name).getBytes(StandardCharsets.UTF_8);
    }

    private static void restrict(Path p, String perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException ignored) {
            // non-POSIX file system: nothing to tighten
        }
    }
}
