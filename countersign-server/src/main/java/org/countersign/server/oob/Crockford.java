package org.countersign.server.oob;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/**
 * Crockford base32 for codes people type: no I, L, O or U, so a code read aloud or off paper is hard to get wrong;
 * decoding accepts either case, dashes and spaces, and reads I/L as 1 and O as 0.
 */
final class Crockford {
    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private Crockford() {}

    /** {@code chars} random symbols, 5 bits each. */
    static String random(int chars, SecureRandom random) {
        StringBuilder sb = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(32)));
        }
        return sb.toString();
    }

    /** Canonical form of typed input, or empty when it is not {@code length} Crockford symbols. */
    static Optional<String> normalise(String typed, int length) {
        if (typed == null || typed.length() > 4 * length) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder(length);
        for (char ch : typed.toUpperCase(Locale.ROOT).toCharArray()) {
            if (ch == '-' || ch == ' ') {
                continue;
            }
            char c = switch (ch) {
                case 'I', 'L' -> '1';
                case 'O' -> '0';
                default -> ch;
            };
            if (ALPHABET.indexOf(c) < 0) {
                return Optional.empty();
            }
            sb.append(c);
        }
        return sb.length() == length ? Optional.of(sb.toString()) : Optional.empty();
    }

    /** Groups of {@code group} symbols joined by dashes, for display. */
    static String grouped(String code, int group) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < code.length(); i += group) {
            if (i > 0) {
                sb.append('-');
            }
            sb.append(code, i, Math.min(code.length(), i + group));
        }
        return sb.toString();
    }
}
