package org.countersign.core.otp;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.countersign.core.bytes.SecretBytes;

/** The HMAC functions that HOTP (RFC 4226), TOTP (RFC 6238) and OCRA (RFC 6287 §5.2) may use. */
public enum OtpAlgorithm {
    SHA1("HmacSHA1", "SHA-1", 20),
    SHA256("HmacSHA256", "SHA-256", 32),
    SHA512("HmacSHA512", "SHA-512", 64);

    private final String macName;
    private final String digestName;
    private final int outputLength;

    OtpAlgorithm(String macName, String digestName, int outputLength) {
        this.macName = macName;
        this.digestName = digestName;
        this.outputLength = outputLength;
    }

    /** JCA name of the HMAC. */
    public String macName() {
        return macName;
    }

    /** JCA name of the plain hash (used for OCRA PIN hashes, RFC 6287 §6.2). */
    public String digestName() {
        return digestName;
    }

    /** Output length in bytes. */
    public int outputLength() {
        return outputLength;
    }

    /** Suite token as written in RFC 6287 suites: SHA1, SHA256, SHA512. */
    public String suiteToken() {
        return name();
    }

    static OtpAlgorithm fromSuiteToken(String token) {
        for (OtpAlgorithm a : values()) {
            if (a.name().equals(token)) {
                return a;
            }
        }
        throw new OtpFormatException("unknown hash function '" + token + "'");
    }

    byte[] mac(SecretBytes key, byte[] data) {
        byte[] raw = key.revealForCrypto();
        try {
            Mac mac = Mac.getInstance(macName);
            mac.init(new SecretKeySpec(raw, macName));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("JDK lacks " + macName, e);
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
        }
    }

    byte[] digest(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance(digestName).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + digestName, e);
        }
    }
}
