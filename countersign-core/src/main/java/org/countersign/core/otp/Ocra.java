package org.countersign.core.otp;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;

/** OCRA, RFC 6287: challenge-response codes from a shared key and a question. */
public final class Ocra {
    /** RFC 6287 §5.1: Q always occupies 128 bytes of the HMAC input. */
    private static final int QUESTION_BYTES = 128;

    private Ocra() {}

    /** Computes the OCRA value; throws {@link OtpFormatException} when the input does not match the suite. */
    public static String generate(OcraSuite suite, SecretBytes key, OcraInput input) {
        byte[] mac = suite.algorithm().mac(key, dataInput(suite, input));
        if (suite.digits() == 0) {
            // RFC 6287 §5.2: 0 means no truncation; the full HMAC is the response.
            return HexFormat.of().formatHex(mac);
        }
        return Hotp.truncate(mac, suite.digits());
    }

    /** Constant-time check of a response. */
    public static boolean verify(OcraSuite suite, SecretBytes key, OcraInput input, String candidate) {
        return Hotp.constantTimeEquals(generate(suite, key, input), candidate);
    }

    /** Hashes a PIN for P with the suite's PIN hash (RFC 6287 §5.1). */
    public static ByteArray hashPin(OcraSuite suite, SecretBytes pin) {
        OtpAlgorithm h = suite.pinHash().orElseThrow(() -> new OtpFormatException("suite has no P: " + suite));
        byte[] raw = pin.revealForCrypto();
        try {
            return ByteArray.copyOf(h.digest(raw));
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
        }
    }

    /** RFC 6287 §5.1: suite || 0x00 || C || Q || P || S || T, each present only when the suite names it. */
    static byte[] dataInput(OcraSuite suite, OcraInput in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(suite.text().getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        if (suite.counter() != in.counter().isPresent()) {
            throw new OtpFormatException("suite " + suite + (suite.counter() ? " needs" : " forbids") + " C");
        }
        if (suite.counter()) {
            out.writeBytes(ByteBuffer.allocate(8).putLong(in.counter().getAsLong()).array());
        }
        out.writeBytes(question(suite, in));
        if (suite.pinHash().isPresent() != in.pinHash().isPresent()) {
            throw new OtpFormatException("suite " + suite + (suite.pinHash().isPresent() ? " needs" : " forbids") + " P");
        }
        if (suite.pinHash().isPresent()) {
            ByteArray p = in.pinHash().get();
            if (p.length() != suite.pinHash().get().outputLength()) {
                throw new OtpFormatException("P must be a " + suite.pinHash().get() + " hash");
            }
            out.writeBytes(p.toByteArray());
        }
        if ((suite.sessionLength() > 0) != in.session().isPresent()) {
            throw new OtpFormatException("suite " + suite + (suite.sessionLength() > 0 ? " needs" : " forbids") + " S");
        }
        if (suite.sessionLength() > 0) {
            byte[] s = in.session().get().toByteArray();
            if (s.length > suite.sessionLength()) {
                throw new OtpFormatException("S longer than " + suite.sessionLength() + " bytes");
            }
            out.writeBytes(new byte[suite.sessionLength() - s.length]);
            out.writeBytes(s);
        }
        if (suite.timeStep().isPresent() != in.timeSteps().isPresent()) {
            throw new OtpFormatException("suite " + suite + (suite.timeStep().isPresent() ? " needs" : " forbids") + " T");
        }
        if (suite.timeStep().isPresent()) {
            out.writeBytes(ByteBuffer.allocate(8).putLong(in.timeSteps().getAsLong()).array());
        }
        return out.toByteArray();
    }

    /** RFC 6287 §5.1 Q: 128 bytes, the encoded question left-aligned and zero-filled. */
    private static byte[] question(OcraSuite suite, OcraInput in) {
        for (String c : in.challenges()) {
            checkChallenge(suite, c);
        }
        String q = in.question();
        byte[] out = new byte[QUESTION_BYTES];
        byte[] encoded = switch (suite.questionFormat()) {
            case ALPHANUMERIC -> q.getBytes(StandardCharsets.US_ASCII);
            // Numeric questions are the decimal number written in hex, left-aligned nibble by nibble (§5.1).
            case NUMERIC -> hexLeftAligned(new BigInteger(q, 10).toString(16));
            case HEX -> hexLeftAligned(q);
        };
        if (encoded.length > QUESTION_BYTES) {
            throw new OtpFormatException("question does not fit in 128 bytes");
        }
        System.arraycopy(encoded, 0, out, 0, encoded.length);
        return out;
    }

    private static byte[] hexLeftAligned(String hex) {
        String even = hex.length() % 2 == 0 ? hex : hex + "0";
        return HexFormat.of().parseHex(even);
    }

    private static void checkChallenge(OcraSuite suite, String c) {
        if (c == null || c.isEmpty() || c.length() > suite.questionLength()) {
            throw new OtpFormatException("each challenge must have 1.." + suite.questionLength() + " characters");
        }
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            boolean ok = switch (suite.questionFormat()) {
                case NUMERIC -> ch >= '0' && ch <= '9';
                case HEX -> Character.digit(ch, 16) >= 0 && ch < 128;
                case ALPHANUMERIC -> ch > 0x20 && ch < 0x7f;
            };
            if (!ok) {
                throw new OtpFormatException("challenge has a character outside Q" + suite.questionFormat());
            }
        }
    }
}
