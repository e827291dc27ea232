package org.countersign.core.sig;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/**
 * Signs with an ECDSA P-256 private key, for the Java authenticator (X.1280 §8.5 signature over the approval
 * statement). The private key stays a JCA key so that a hardware-backed key store can supply it.
 */
public final class EcP256Signer {
    private final ECPrivateKey privateKey;
    private final EcP256PublicKey publicKey;

    private EcP256Signer(ECPrivateKey privateKey, EcP256PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** A fresh key pair. */
    public static EcP256Signer generate(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(P256.SPEC, random);
            var pair = g.generateKeyPair();
            return new EcP256Signer((ECPrivateKey) pair.getPrivate(), EcP256PublicKey.of(((ECPublicKey) pair.getPublic()).getW()));
        } catch (GeneralSecurityException | SignatureFormatException e) {
            throw new IllegalStateException("JDK cannot make P-256 keys", e);
        }
    }

    /** Wraps an existing key pair (for example from a platform key store). */
    public static EcP256Signer of(ECPrivateKey privateKey, EcP256PublicKey publicKey) throws SignatureFormatException {
        Objects.requireNonNull(privateKey, "privateKey");
        if (!P256.isP256(privateKey.getParams())) {
            throw new SignatureFormatException(SignatureFormatException.Reason.KEY_NOT_P256, "private key is not on P-256");
        }
        return new EcP256Signer(privateKey, Objects.requireNonNull(publicKey, "publicKey"));
    }

    public ByteArray sign(ByteArray message, SignatureEncoding encoding) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(privateKey);
            s.update(message.toByteArray());
            byte[] p1363 = lowS(s.sign());
            return ByteArray.copyOf(encoding == SignatureEncoding.P1363 ? p1363 : P256.p1363ToDer(p1363));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA signing failed", e);
        }
    }

    /**
     * ECDSA lets anyone turn (r, s) into the equally valid (r, n−s); we always emit the low half so that our
     * signatures have one form (verifiers must still not rely on that: they key replay checks on the signed data).
     */
    static byte[] lowS(byte[] p1363) {
        java.math.BigInteger s = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(p1363, 32, 64));
        if (s.compareTo(P256.N.shiftRight(1)) <= 0) {
            return p1363;
        }
        byte[] out = java.util.Arrays.copyOf(p1363, 64);
        System.arraycopy(P256.fixed(P256.N.subtract(s)), 0, out, 32, 32);
        return out;
    }

    public EcP256PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public String toString() {
        return "EcP256Signer(" + publicKey + ")";
    }
}
