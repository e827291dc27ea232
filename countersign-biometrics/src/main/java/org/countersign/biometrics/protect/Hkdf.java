package org.countersign.biometrics.protect;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with HMAC-SHA-256 (RFC 5869): extract, then expand. */
final class Hkdf {
    private static final String HMAC = "HmacSHA256";
    private static final int HASH_LEN = 32;

    private Hkdf() {}

    static byte[] deriveSha256(byte[] ikm, byte[] salt, byte[] info, int length) {
        if (length <= 0 || length > 255 * HASH_LEN) {
            throw new IllegalArgumentException("bad HKDF output length " + length);
        }
        try {
            Mac mac = Mac.getInstance(HMAC);
            // RFC 5869 §2.2: an absent salt is HashLen zero bytes.
            byte[] s = salt == null || salt.length == 0 ? new byte[HASH_LEN] : salt;
            mac.init(new SecretKeySpec(s, HMAC));
            byte[] prk = mac.doFinal(ikm);
            // RFC 5869 §2.3: T(i) = HMAC(PRK, T(i-1) | info | i).
            mac.init(new SecretKeySpec(prk, HMAC));
            byte[] out = new byte[length];
            byte[] previous = new byte[0];
            int filled = 0;
            for (int i = 1; filled < length; i++) {
                mac.update(previous);
                mac.update(info);
                mac.update((byte) i);
                previous = mac.doFinal();
                int n = Math.min(previous.length, length - filled);
                System.arraycopy(previous, 0, out, filled, n);
                filled += n;
            }
            Arrays.fill(prk, (byte) 0);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
