package org.countersign.core.oob;

import java.util.Objects;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.otp.Ocra;
import org.countersign.core.otp.OcraInput;
import org.countersign.core.otp.OcraSuite;

/**
 * The X.1280 server authentication code (§7.2, §8.3): what the relying party shows on the terminal and the
 * authenticator shows on the phone, for the user to compare (§8.4).
 *
 * <p>How it is computed: OCRA (RFC 6287) with suite {@code OCRA-1:HOTP-SHA256-<digits>:QH64}, the verification key
 * from registration (X.1280 §8.1) as the OCRA key, and as the question the 32-byte SHA-256 of the offset's
 * canonical encoding ({@link Offset#encode()}) written as 64 hex characters. Why this suite:
 * <ul>
 *   <li>HMAC-SHA-256 rather than SHA-1: the key is 32 bytes and the same strength is kept end to end.</li>
 *   <li>The question binds every offset field at once: changing any one (another session, another terminal IP,
 *       a later request time) changes the hash and so the code. What that defeats (X.1280 §9.1.1): a fake site that
 *       does not relay in real time. It cannot show the code of the user's current login, because that code exists
 *       only once the real relying party has created the request; a made-up or earlier code differs from the one on
 *       the phone. What it does <em>not</em> defeat: a real-time relay. A phishing server that forwards the user id
 *       to the real relying party gets the real code for its own session and copies it to its page; the phone
 *       computes the same code over the same offset, so the codes match. The offset then carries the relay's
 *       terminal address and browser, which the phone shows with the network check; the relay-proof defence is
 *       the verifier's WebAuthn-bound mode (docs/oob.md, "Real-time relay").</li>
 *   <li>No counter C: both sides would have to keep it in step, and a lost push would desynchronise them; the
 *       offset is already unique per request.</li>
 *   <li>No T: the request time is already inside the offset, and validity is enforced by the verifier's window,
 *       so two clocks never have to agree on a step boundary.</li>
 * </ul>
 * Codes have 6 to 10 digits (X.1280 §8.3 asks for at least 6).
 *
 * @param value      the code, zero-padded decimal
 * @param offsetHash SHA-256 of the offset encoding the code was computed over
 */
public record ServerAuthCode(String value, ByteArray offsetHash) {

    public static final int MIN_DIGITS = 6;
    public static final int MAX_DIGITS = 10;
    public static final int DEFAULT_DIGITS = 6;

    public ServerAuthCode {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(offsetHash, "offsetHash");
        if (value.length() < MIN_DIGITS || value.length() > MAX_DIGITS || !value.chars().allMatch(Character::isDigit)) {
            throw new OffsetFormatException("code must be 6..10 decimal digits");
        }
        if (offsetHash.length() != 32) {
            throw new OffsetFormatException("offset hash must be 32 bytes");
        }
    }

    /** The OCRA suite for a code length; refuses lengths outside 6..10. */
    public static OcraSuite suite(int digits) {
        if (digits < MIN_DIGITS || digits > MAX_DIGITS) {
            throw new OffsetFormatException("server authentication codes have 6..10 digits, not " + digits);
        }
        return OcraSuite.parse("OCRA-1:HOTP-SHA256-" + digits + ":QH64");
    }

    /** Computes the code for an offset (verifier side §8.3 step 1, authenticator side §8.3 step 6). */
    public static ServerAuthCode compute(SecretBytes verificationKey, Offset offset, int digits) {
        OcraSuite suite = suite(digits);
        ByteArray hash = offset.hash();
        String code = Ocra.generate(suite, verificationKey, OcraInput.builder().question(hash.toHex()).build());
        return new ServerAuthCode(code, hash);
    }

    /** Constant-time comparison with a code typed or scanned by the user. */
    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return ByteArray.ofUtf8(value).constantTimeEquals(ByteArray.ofUtf8(candidate));
    }

    @Override
    public String toString() {
        return "ServerAuthCode(" + value.length() + " digits, offset " + offsetHash.toHex().substring(0, 12) + "…)";
    }
}
