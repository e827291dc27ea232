package org.countersign.core.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.CanonicalWriter;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.keys.KeyServiceException.Reason;

/**
 * Small secret files (PEM private keys, the audit checkpoint key) encrypted directly under the current master key
 * (A-G5: private keys on disk are stored encrypted). File content is one text line:
 * {@code countersign-sealed-file v1 <base64url SealedBlob>}. The purpose is bound as associated data, so a sealed
 * TLS key cannot be swapped in where the CA key is expected. Files are written 0600 through an atomic rename.
 *
 * <p>After a master key rotation, read and write each file again before retiring the old master key.
 */
public final class SealedFiles {
    static final String HEADER = "countersign-sealed-file v1 ";
    private static final ByteArray DOMAIN = ByteArray.ofUtf8("countersign/sealed-file/v1");
    /** Thread-safe and stateless for callers; only used for nonces. */
    private static final SecureRandom RANDOM = new SecureRandom();

    private SealedFiles() {
    }

    public static void write(Path file, SecretBytes content, MasterKeyProvider mk, String purpose) {
        write(file, content, mk, purpose, RANDOM);
    }

    /** As {@link #write(Path, SecretBytes, MasterKeyProvider, String)} with the nonce drawn from {@code random}. */
    public static void write(Path file, SecretBytes content, MasterKeyProvider mk, String purpose,
                             SecureRandom random) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(purpose, "purpose");
        MasterKey key = mk.current();
        SealedBlob blob = Aead.seal(key.id(), key.key(), aad(purpose, key.id()), content, random);
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            FileMasterKeyProvider.writePrivate(file, (HEADER + blob.toText() + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write sealed file " + file, e);
        }
    }

    /**
     * @throws KeyServiceException    MALFORMED if the file is not a sealed file, UNKNOWN_KEY if its master key is
     *                                gone, AUTHENTICATION_FAILED if altered or sealed for another purpose
     * @throws UncheckedIOException   if the file cannot be read
     */
    public static SecretBytes read(Path file, MasterKeyProvider mk, String purpose) {
        Objects.requireNonNull(purpose, "purpose");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sealed file " + file, e);
        }
        text = text.strip();
        if (!text.startsWith(HEADER)) {
            throw new KeyServiceException(Reason.MALFORMED, file.getFileName() + " is not a sealed file");
        }
        SealedBlob blob = SealedBlob.fromText(text.substring(HEADER.length()));
        MasterKey key = mk.byId(blob.keyId()).orElseThrow(() -> new KeyServiceException(Reason.UNKNOWN_KEY,
                "master key " + blob.keyId() + " of " + file.getFileName() + " unavailable"));
        return Aead.open(key.key(), aad(purpose, key.id()), blob);
    }

    /** Whether {@code file} looks like a sealed file (to migrate plaintext keys left by older versions). */
    public static boolean isSealed(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            byte[] head = new byte[HEADER.length()];
            try (var in = Files.newInputStream(file)) {
                return in.readNBytes(head, 0, head.length) == head.length
                        && new String(head, StandardCharsets.US_ASCII).equals(HEADER);
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static ByteArray aad(String purpose, String masterKeyId) {
        return new CanonicalWriter().bytes(DOMAIN).string(purpose).string(masterKeyId).toByteArray();
    }
}
