package org.countersign.core.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.countersign.core.bytes.SecretBytes;

/**
 * Master keys kept as files in {@code <dir>/master-keys/}: one {@code <id>.key} file per key (base64 of the 32
 * key bytes) and a {@code CURRENT} file naming the key that wraps new material. Files are created 0600 inside a
 * 0700 folder; on open, any key file or the folder being accessible to group or others stops start-up with an
 * {@link InsecurePermissionsException} (A-G5). Needs a POSIX file system.
 *
 * <p>Thread-safe. Rotation and retirement on one node are not seen by other nodes sharing the folder until they
 * re-open it; the intended deployment is one folder per node or an {@link EnvMasterKeyProvider}.
 */
public final class FileMasterKeyProvider implements MasterKeyProvider {
    static final String FOLDER = "master-keys";
    static final String CURRENT = "CURRENT";
    static final String SUFFIX = ".key";
    private static final Set<PosixFilePermission> FILE_PERMS = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_PERMS = PosixFilePermissions.fromString("rwx------");

    private final Path folder;
    private final SecureRandom random;
    private final Map<String, MasterKey> keys = new LinkedHashMap<>();
    private MasterKey current;

    private FileMasterKeyProvider(Path folder, SecureRandom random) {
        this.folder = folder;
        this.random = random;
    }

    public static FileMasterKeyProvider openOrCreate(Path dir) {
        return openOrCreate(dir, new SecureRandom());
    }

    /**
     * Opens the key folder under {@code dir}, creating it and a first master key when absent.
     *
     * @throws InsecurePermissionsException when the folder or a key file is accessible to group or others
     * @throws MasterKeyStoreException      when files are unreadable or malformed
     */
    public static FileMasterKeyProvider openOrCreate(Path dir, SecureRandom random) {
        Path folder = dir.resolve(FOLDER);
        FileMasterKeyProvider provider = new FileMasterKeyProvider(folder, random);
        synchronized (provider) {
            try {
                if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dir);
                    Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(DIR_PERMS));
                    // The umask may have removed bits we asked for but never adds any; set exactly.
                    Files.setPosixFilePermissions(folder, DIR_PERMS);
                }
                provider.load();
                if (provider.current == null) {
                    provider.rotate();
                }
            } catch (UnsupportedOperationException e) {
                throw new MasterKeyStoreException("file master keys need a POSIX file system: " + folder, e);
            } catch (IOException e) {
                throw new MasterKeyStoreException("cannot open master key folder " + folder, e);
            }
        }
        return provider;
    }

    private void load() throws IOException {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            throw new MasterKeyStoreException(folder + " is not a directory");
        }
        checkPrivate(folder, true);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(SUFFIX)) {
                    checkPrivate(file, false);
                    String id = name.substring(0, name.length() - SUFFIX.length());
                    keys.put(id, readKey(file, id));
                } else if (name.equals(CURRENT)) {
                    checkPrivate(file, false);
                }
            }
        }
        Path currentFile = folder.resolve(CURRENT);
        if (Files.exists(currentFile, LinkOption.NOFOLLOW_LINKS)) {
            String id = Files.readString(currentFile, StandardCharsets.US_ASCII).strip();
            current = keys.get(id);
            if (current == null) {
                throw new MasterKeyStoreException(currentFile + " names missing key " + id);
            }
        } else if (!keys.isEmpty()) {
            throw new MasterKeyStoreException(currentFile + " is missing but key files exist");
        }
    }

    private static MasterKey readKey(Path file, String id) throws IOException {
        if (!MasterKey.isValidId(id)) {
            throw new MasterKeyStoreException("bad master key file name " + file);
        }
        byte[] text = Files.readAllBytes(file);
        byte[] raw = null;
        try {
            raw = java.util.Base64.getDecoder().decode(new String(text, StandardCharsets.US_ASCII).strip());
            return new MasterKey(id, SecretBytes.copyOf(raw));
        } catch (IllegalArgumentException e) {
            throw new MasterKeyStoreException("malformed master key file " + file, e);
        } finally {
            Arrays.fill(text, (byte) 0);
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
        }
    }

    private static void checkPrivate(Path path, boolean directory) throws IOException {
        if (Files.isSymbolicLink(path)) {
            throw new InsecurePermissionsException(path, "is a symbolic link");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        for (PosixFilePermission p : perms) {
            String n = p.name();
            if (n.startsWith("GROUP_") || n.startsWith("OTHERS_")) {
                throw new InsecurePermissionsException(path, "permissions " + PosixFilePermissions.toString(perms)
                        + " allow group/others access; expected " + (directory ? "rwx------" : "rw-------"));
            }
        }
    }

    @Override
    public synchronized MasterKey current() {
        return current;
    }

    @Override
    public synchronized Optional<MasterKey> byId(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    /** Ids of all keys still on disk, oldest first within this session's view. */
    public synchronized Set<String> ids() {
        return Set.copyOf(keys.keySet());
    }

    /**
     * Creates a new master key and makes it current. Older keys stay available for unwrapping until
     * {@link #retire(String)}; call {@link KeyService#rewrapAll()} before retiring them.
     */
    public synchronized MasterKey rotate() {
        String id;
        do {
            byte[] b = new byte[4];
            random.nextBytes(b);
            id = "mk-" + HexFormat.of().formatHex(b);
        } while (keys.containsKey(id));
        MasterKey key = new MasterKey(id, SecretBytes.random(MasterKey.KEY_LENGTH, random));
        byte[] raw = key.key().revealForCrypto();
        byte[] text = (java.util.Base64.getEncoder().encodeToString(raw) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            writePrivate(folder.resolve(id + SUFFIX), text);
            writePrivate(folder.resolve(CURRENT), (id + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new MasterKeyStoreException("cannot write master key to " + folder, e);
        } finally {
            Arrays.fill(raw, (byte) 0);
            Arrays.fill(text, (byte) 0);
        }
        keys.put(id, key);
        current = key;
        return key;
    }

    /**
     * Deletes a non-current master key. Anything still wrapped under it becomes unreadable, so run
     * {@link KeyService#rewrapAll()} (and re-write sealed files) first.
     */
    public synchronized void retire(String id) {
        if (current != null && current.id().equals(id)) {
            throw new IllegalStateException("cannot retire the current master key " + id + "; rotate first");
        }
        MasterKey key = keys.remove(id);
        if (key == null) {
            throw new IllegalArgumentException("unknown master key " + id);
        }
        try {
            Files.deleteIfExists(folder.resolve(id + SUFFIX));
        } catch (IOException e) {
            keys.put(id, key);
            throw new MasterKeyStoreException("cannot delete master key " + id, e);
        }
        key.key().destroy();
    }

    /** Writes through a 0600 temporary file and an atomic rename, so readers never see a partial key. */
    static void writePrivate(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".tmp-", ".part", PosixFilePermissions.asFileAttribute(FILE_PERMS));
        try {
            Files.write(tmp, content);
            Files.setPosixFilePermissions(tmp, FILE_PERMS);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public String toString() {
        return "FileMasterKeyProvider(" + folder + ")";
    }

}
