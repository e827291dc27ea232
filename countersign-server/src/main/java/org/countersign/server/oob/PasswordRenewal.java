package org.countersign.server.oob;

import java.security.SecureRandom;

/**
 * C-S5, X.1280 Annex A step (2): after an out-of-band login the account password is replaced by a random value
 * made under a complex rule, so a password phished or leaked earlier stops working. 28 characters drawn from
 * upper case, lower case, digits and symbols (about 180 bits), with every class present.
 */
final class PasswordRenewal {
    static final int LENGTH = 28;
    private static final String UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private static final String LOWER = "abcdefghijkmnopqrstuvwxyz";
    private static final String DIGITS = "23456789";
    private static final String SYMBOLS = "!#$%&()*+,-./:;<=>?@[]^_{|}~";
    private static final String ALL = UPPER + LOWER + DIGITS + SYMBOLS;

    private final SecureRandom random;

    PasswordRenewal(SecureRandom random) {
        this.random = random;
    }

    String next() {
        while (true) {
            char[] out = new char[LENGTH];
            for (int i = 0; i < LENGTH; i++) {
                out[i] = ALL.charAt(random.nextInt(ALL.length()));
            }
            String candidate = new String(out);
            // Rejection sampling keeps the distribution uniform over passwords that meet the rule.
            if (hasAny(candidate, UPPER) && hasAny(candidate, LOWER) && hasAny(candidate, DIGITS) && hasAny(candidate, SYMBOLS)) {
                return candidate;
            }
        }
    }

    private static boolean hasAny(String s, String cls) {
        return s.chars().anyMatch(c -> cls.indexOf(c) >= 0);
    }
}
