package org.countersign.server.http;

import java.util.regex.Pattern;

/** Field checks shared by request records; failures read well in a problem body. */
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
}
