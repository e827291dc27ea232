package org.countersign.agent.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;

/**
 * Keeps device credentials in the agent's home folder, one file per server, tenant and user, readable by the owner
 * only (A-C5 credential management). The secret is stored as the device's SRP password; anyone who can read the file
 * can act as the device, which is why the folder and file are private.
 */
public final class DeviceStore {
    private final Path home;

    public DeviceStore(Path home) {
        this.home = home;
    }

    /** The default home: {@code ~/.countersign/remote}. */
    public static DeviceStore inUserHome() {
        return new DeviceStore(Path.of(System.getProperty("user.home"), ".countersign", "remote"));
    }

    Path file(URI server, String tenant, String user) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((server.toString() + "\n" + tenant + "\n" + user)
                    .getBytes(StandardCharsets.UTF_8));
            return home.resolve("device-" + HexFormat.of().formatHex(h, 0, 12) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<DeviceCredential> load(URI server, String tenant, String user) throws RemoteException {
        Path f = file(server, tenant, user);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            JsonNode n = RemoteClient.JSON.readTree(Files.readAllBytes(f));
            return Optional.of(new DeviceCredential(n.path("tenant").asText(), n.path("deviceId").asText(),
                    n.path("userId").asText(), n.path("deviceType").asText(),
                    SecretBytes.copyOf(ByteArray.fromBase64Url(n.path("secret").asText()).toByteArray())));
        } catch (IOException | RuntimeException e) {
            throw RemoteException.local("device file " + f + " unreadable: " + e.getMessage());
        }
    }

    public void save(URI server, DeviceCredential d) throws RemoteException {
        Path f = file(server, d.tenant(), d.userId());
        ObjectNode n = RemoteClient.JSON.createObjectNode().put("server", server.toString()).put("tenant", d.tenant())
                .put("deviceId", d.deviceId()).put("userId", d.userId()).put("deviceType", d.deviceType())
                .put("secret", ByteArray.copyOf(d.secret().revealForCrypto()).toBase64Url());
        try {
            Files.createDirectories(home);
            trySetPermissions(home, "rwx------");
            Path tmp = Files.createTempFile(home, "device", ".tmp");
            trySetPermissions(tmp, "rw-------");
            Files.write(tmp, n.toString().getBytes(StandardCharsets.UTF_8));
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw RemoteException.local("cannot write " + f + ": " + e.getMessage());
        }
    }

    public boolean forget(URI server, String tenant, String user) throws RemoteException {
        try {
            return Files.deleteIfExists(file(server, tenant, user));
        } catch (IOException e) {
            throw RemoteException.local(e.getMessage());
        }
    }

    private static void trySetPermissions(Path p, String perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException ignored) {
            // non-POSIX file system
        }
    }
}
