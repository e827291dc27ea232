package org.countersign.core.oob;

import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A second, minimal OCRA path for the one suite X.1280 codes use, so the code is checked against more than itself. */
final class IndependentOcra {
    private IndependentOcra() {}

    static String qh64Sha256(byte[] key, byte[] hash32, int digits) {
        try {
            String suite = "OCRA-1:HOTP-SHA256-" + digits + ":QH64";
            byte[] s = suite.getBytes(StandardCharsets.US_ASCII);
            byte[] msg = new byte[s.length + 1 + 128];
            System.arraycopy(s, 0, msg, 0, s.length);
            System.arraycopy(hash32, 0, msg, s.length + 1, 32);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] h = mac.doFinal(msg);
            int o = h[h.length - 1] & 0xf;
            long bin = ((h[o] & 0x7fL) << 24) | ((h[o + 1] & 0xffL) << 16) | ((h[o + 2] & 0xffL) << 8) | (h[o + 3] & 0xffL);
            long mod = (long) Math.pow(10, digits);
            return String.format("%0" + digits + "d", bin % mod);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
