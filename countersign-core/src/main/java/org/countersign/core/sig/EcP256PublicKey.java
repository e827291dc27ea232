package org.countersign.core.sig;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/**
 * An ECDSA P-256 public key that has been checked: right curve, point on the curve. Built from the two forms
 * WebCrypto {@code exportKey} gives (SPKI DER and JWK) or from an uncompressed SEC1 point; verifies SHA-256
 * signatures in P1363 or DER form.
 */
public final class EcP256PublicKey {
    private final ECPublicKey key;

    private EcP256PublicKey(ECPublicKey key) {
        this.key = key;
    }

    /** Parses a SubjectPublicKeyInfo (WebCrypto {@code exportKey("spki")}, Java {@code getEncoded()}). */
    public static EcP256PublicKey fromSpki(ByteArray der) throws SignatureFormatException {
        Objects.requireNonNull(der, "der");
        if (der.length() > 512) {
            throw new SignatureFormatException(SignatureFormatException.Reason.KEY_ENCODING, "SPKI too long");
        }
        PublicKey pk;
        try {
            pk = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der.toByteArray()));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new SignatureFormatException(SignatureFormatException.Reason.KEY_ENCODING, "not an EC SPKI");
        }
        if (!(pk instanceof ECPublicKey ec)) {
            throw new SignatureFormatException(SignatureFormatException.Reason.KEY_ENCODING, "not an EC key");
        }
        if (!P256.isP256(ec.getParams())) {
            throw new SignatureFormatException(SignatureFormatException.Reason.KEY_NOT_P256, "key is not on P-256");
        }
        EcP256PublicKey parsed = of(ec.getW());
        // Re-encoding must give the same bytes, so one key has one SPKI (no explicit parameters, no slack).
        if (!Arrays.equals(parsed.key.getEncoded(), der.toByteArray())) {
            throw new SignatureFormatException(SignatureFormatException.Reason.KEY_ENCODING, "SPKI not in named-curve form");
        }
        return parsed;
    }

    /**
     * Builds a key from JWK members (RFC 7518 §6.2.1): {@code kty} "EC", {@code crv} "P-256", {@code x} and
     * {@code y} base64url without padding, 32 bytes each.
     */
    public static EcP256PublicKey fromJwk(String kty, String crv, String x, String y) throws SignatureFormatException {
        if (!"EC".equals(kty) || !"P-256".equals(crv)) {
            throw new SignatureFormatException(SignatureFormatException.Reason.KEY_NOT_P256, "JWK is not kty EC, crv P-256");
        }
        byte[] xb = coordinate(x);
        byte[] yb = coordinate(y);
        return of(new ECPoint(new BigInteger(1, xb), new BigInteger(1, yb)));
    }

    /** SEC1 uncompressed point: 0x04 || X || Y (65 bytes). */
    public static EcP256PublicKey fromUncompressedPoint(ByteArray point) throws SignatureFormatException {
        byte[] p = point.toByteArray();
        if (p.length != 65 || p[0] != 0x04) {
            throw new SignatureFormatException(SignatureFormatException.Reason.KEY_ENCODING, "not a 65-byte uncompressed point");
        }
        return of(new ECPoint(new BigInteger(1, Arrays.copyOfRange(p, 1, 33)), new BigInteger(1, Arrays.copyOfRange(p, 33, 65))));
    }

    static EcP256PublicKey of(ECPoint w) throws SignatureFormatException {
        if (!P256.onCurve(w)) {
            throw new SignatureFormatException(SignatureFormatException.Reason.POINT_NOT_ON_CURVE, "point is not on P-256");
        }
        try {
            ECPublicKey k = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, P256.SPEC));
            return new EcP256PublicKey(k);
        } catch (GeneralSecurityException e) {
            throw new SignatureFormatException(SignatureFormatException.Reason.KEY_ENCODING, "JDK refused the point");
        }
    }

    private static byte[] coordinate(String b64) throws SignatureFormatException {
        if (b64 == null || b64.length() != 43 || b64.contains("=")) {
            throw new SignatureFormatException(SignatureFormatException.Reason.JWK_FIELDS, "JWK coordinate must be 43 base64url characters");
        }
        try {
            byte[] out = Base64.getUrlDecoder().decode(b64);
            // Reject non-canonical trailing bits: re-encoding must give the same text.
            if (!Base64.getUrlEncoder().withoutPadding().encodeToString(out).equals(b64)) {
                throw new SignatureFormatException(SignatureFormatException.Reason.JWK_FIELDS, "JWK coordinate not canonical base64url");
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw new SignatureFormatException(SignatureFormatException.Reason.JWK_FIELDS, "JWK coordinate not base64url");
        }
    }

    /**
     * Verifies an ECDSA-SHA-256 signature over {@code message}. Returns false for a well-formed signature that does
     * not verify (another key, changed message); throws for a signature that is malformed for {@code encoding}.
     */
    public boolean verify(ByteArray message, ByteArray signature, SignatureEncoding encoding) throws SignatureFormatException {
        byte[] sig = signature.toByteArray();
        byte[] p1363 = switch (encoding) {
            case P1363 -> {
                if (sig.length != 64) {
                    throw new SignatureFormatException(SignatureFormatException.Reason.SIGNATURE_LENGTH,
                            "P1363 signature must be 64 bytes, got " + sig.length);
                }
                yield sig;
            }
            case DER -> P256.derToP1363(sig);
        };
        try {
            Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
            v.initVerify(key);
            v.update(message.toByteArray());
            return v.verify(p1363);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        } catch (java.security.SignatureException e) {
            return false; // e.g. r or s out of range in P1363 form
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks ECDSA", e);
        }
    }

    /** SubjectPublicKeyInfo DER. */
    public ByteArray spki() {
        return ByteArray.copyOf(key.getEncoded());
    }

    public ByteArray uncompressedPoint() {
        byte[] out = new byte[65];
        out[0] = 0x04;
        System.arraycopy(P256.fixed(key.getW().getAffineX()), 0, out, 1, 32);
        System.arraycopy(P256.fixed(key.getW().getAffineY()), 0, out, 33, 32);
        return ByteArray.copyOf(out);
    }

    /** JWK x member (base64url, no padding). */
    public String jwkX() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(P256.fixed(key.getW().getAffineX()));
    }

    /** JWK y member (base64url, no padding). */
    public String jwkY() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(P256.fixed(key.getW().getAffineY()));
    }

    /** The JDK key, for APIs that need one (TLS, X.509). */
    public ECPublicKey jcaKey() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EcP256PublicKey other && other.key.getW().equals(key.getW());
    }

    @Override
    public int hashCode() {
        return key.getW().hashCode();
    }

    @Override
    public String toString() {
        return "EcP256PublicKey(x=" + jwkX() + ")";
    }
}
