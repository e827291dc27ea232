package org.countersign.core.audit;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;

/**
 * Signs audit {@link Checkpoint}s with Ed25519 (JDK provider). The private key is held as PKCS#8
 * {@link SecretBytes} so it can be stored with {@code SealedFiles}; the X.509 public key is published for
 * verifiers.
 */
public final class CheckpointSigner {
    private static final String ALG = "Ed25519";
    private final SecretBytes privateKeyPkcs8;
    private final ByteArray publicKeyX509;

    private CheckpointSigner(SecretBytes privateKeyPkcs8, ByteArray publicKeyX509) {
        this.privateKeyPkcs8 = privateKeyPkcs8;
        this.publicKeyX509 = publicKeyX509;
    }

    public static CheckpointSigner generate() {
        try {
            KeyPair kp = KeyPairGenerator.getInstance(ALG).generateKeyPair();
            byte[] der = kp.getPrivate().getEncoded();
            try {
                return new CheckpointSigner(SecretBytes.copyOf(der), ByteArray.copyOf(kp.getPublic().getEncoded()));
            } finally {
                Arrays.fill(der, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 unavailable", e);
        }
    }

    /** Restores a signer from stored keys; checks that they belong together. */
    public static CheckpointSigner of(SecretBytes privateKeyPkcs8, ByteArray publicKeyX509) {
        CheckpointSigner s = new CheckpointSigner(Objects.requireNonNull(privateKeyPkcs8),
                Objects.requireNonNull(publicKeyX509));
        Checkpoint probe = s.sign(0, ByteArray.copyOf(new byte[32]), Instant.EPOCH);
        if (!verify(probe, publicKeyX509)) {
            throw new IllegalArgumentException("private and public checkpoint keys do not match");
        }
        return s;
    }

    public SecretBytes privateKeyPkcs8() {
        return privateKeyPkcs8;
    }

    public ByteArray publicKey() {
        return publicKeyX509;
    }

    public Checkpoint sign(long seq, ByteArray hash, Instant time) {
        byte[] der = privateKeyPkcs8.revealForCrypto();
        try {
            PrivateKey key = KeyFactory.getInstance(ALG).generatePrivate(new PKCS8EncodedKeySpec(der));
            Signature sig = Signature.getInstance(ALG);
            sig.initSign(key);
            sig.update(Checkpoint.signedBytes(seq, hash, time).toByteArray());
            return new Checkpoint(seq, hash, time, ByteArray.copyOf(sig.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign checkpoint", e);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /**
     * What operators pin: SHA-256 of the X.509 public key as lowercase hex, in colon-separated pairs (the form
     * {@code openssl dgst} and certificate tools print, so it can be compared by eye). Case and colons are ignored
     * when comparing ({@link #sameFingerprint}).
     */
    public static String fingerprint(ByteArray publicKeyX509) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(publicKeyX509.toByteArray());
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < d.length; i++) {
                b.append(i == 0 ? "" : ":").append(String.format("%02x", d[i] & 0xff));
            }
            return b.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when {@code pinned} names the same key fingerprint as {@code actual}, ignoring case, colons and spaces. */
    public static boolean sameFingerprint(String pinned, String actual) {
        String a = pinned.replaceAll("[:\\s]", "").toLowerCase(java.util.Locale.ROOT);
        String b = actual.replaceAll("[:\\s]", "").toLowerCase(java.util.Locale.ROOT);
        return a.length() == 64 && java.security.MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                b.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** False for a wrong signature, a wrong key or any malformed input; never throws for bad data. */
    public static boolean verify(Checkpoint checkpoint, ByteArray publicKeyX509) {
        if (checkpoint == null || publicKeyX509 == null) {
            return false;
        }
        try {
            PublicKey key = KeyFactory.getInstance(ALG).generatePublic(new X509EncodedKeySpec(publicKeyX509.toByteArray()));
            Signature sig = Signature.getInstance(ALG);
            sig.initVerify(key);
            sig.update(Checkpoint.signedBytes(checkpoint.seq(), checkpoint.hash(), checkpoint.time()).toByteArray());
            return sig.verify(checkpoint.signature().toByteArray());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
