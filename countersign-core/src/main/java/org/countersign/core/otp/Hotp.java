package org.countersign.core.otp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.OptionalLong;
import org.countersign.core.bytes.SecretBytes;

/** HOTP, RFC 4226, generalised to the HMAC functions and code lengths that RFC 6287 also allows. */
public final class Hotp {
    private static final long[] POWERS = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L, 1_000_000_000L, 10_000_000_000L};

    private Hotp() {}

    /** RFC 4226 §5.3 with HMAC-SHA-1. */
    public static String generate(SecretBytes key, long counter, int digits) {
        return generate(OtpAlgorithm.SHA1, key, counter, digits);
    }

    public static String generate(OtpAlgorithm algorithm, SecretBytes key, long counter, int digits) {
        checkDigits(digits);
        byte[] message = ByteBuffer.allocate(8).putLong(counter).array();
        return truncate(algorithm.mac(key, message), digits);
    }

    /**
     * Checks {@code candidate} against counters {@code counter .. counter + lookAhead} (RFC 4226 §7.2
     * resynchronisation). Returns the matching counter; the caller must store it + 1 so the code cannot be reused
     * (RFC 4226 §7.2).
     */
    public static OptionalLong verify(OtpAlgorithm algorithm, SecretBytes key, long counter, int lookAhead,
            int digits, String candidate) {
        if (lookAhead < 0 || lookAhead > 100) {
            throw new OtpFormatException("look-ahead must be 0..100");
        }
        long found = -1;
        for (long c = counter; c <= counter + lookAhead; c++) {
            // Compare every candidate, never stop early, so timing does not reveal which counter matched.
            if (constantTimeEquals(generate(algorithm, key, c, digits), candidate) && found < 0) {
                found = c;
            }
        }
        return found < 0 ? OptionalLong.empty() : OptionalLong.of(found);
    }

    static void checkDigits(int digits) {
        // RFC 4226 §5.3 requires at least 6; longer codes up to 10 are what a 31-bit value can carry (RFC 6287 §5.1).
        if (digits < 6 || digits > 10) {
            throw new OtpFormatException("HOTP/TOTP digits must be 6..10, got " + digits);
        }
    }

    /** RFC 4226 §5.3 dynamic truncation; digits 4..10. */
    static String truncate(byte[] mac, int digits) {
        int offset = mac[mac.length - 1] & 0x0f;
        long binary = ((mac[offset] & 0x7fL) << 24) | ((mac[offset + 1] & 0xffL) << 16)
                | ((mac[offset + 2] & 0xffL) << 8) | (mac[offset + 3] & 0xffL);
        long code = binary % POWERS[digits];
        String text = Long.toString(code);
        return "0".repeat(digits - text.length()) + text;
    }

    static boolean constantTimeEquals(String expected, String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                candidate.getBytes(StandardCharsets.US_ASCII));
    }
}
