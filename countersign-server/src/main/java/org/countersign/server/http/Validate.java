package org.countersign.server.http;

import java.util.regex.Pattern;

/**
 * Field checks shared by request records; failures read well in a problem body. They throw
 * {@link IllegalArgumentException} (so records can use them in compact constructors); the HTTP edge answers every
 * {@code IllegalArgumentException} from request handling with a 400 {@code validation-failed} problem.
 */
public final class Validate {
    private Validate() {}

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");

    /** Identifiers (tenant ids, user ids): 1–128 characters, letters, digits and {@code . _ @ -}. */
    public static String id(String field, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be 1-128 characters of letters, digits, '.', '_', '@' or '-'");
        }
        return value;
    }

    /** Free text shown to people: bounded, no control characters. */
    public static String text(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(field + " must be at most " + maxLength + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + " must not contain control characters");
        }
        return value;
    }

    public static String optionalText(String field, String value, int maxLength) {
        return value == null ? "" : text(field, value, maxLength);
    }

    /**
     * Whether a JSON string may enter the server: no C0 control other than tab, line feed and carriage return (PEM
     * and free text keep their line breaks), no DEL or C1 control, no unpaired surrogate. NUL in particular would
     * reach PostgreSQL, which refuses it in text and would look like an outage.
     */
    public static boolean isCleanText(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 ? c != '\t' && c != '\n' && c != '\r' : c >= 0x7f && c <= 0x9f) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a decoded path or query component is free of every control character (no exception for line breaks). */
    public static boolean isCleanComponent(String s) {
        return s.chars().noneMatch(Character::isISOControl) && isCleanText(s);
    }
}
