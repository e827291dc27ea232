package org.countersign.agent.oob;

import java.util.Arrays;

/**
 * The user's PIN or passphrase that opens the authenticator's key store (X.1280 §9.2.3). Held as {@code char[]}
 * because that is what the PKCS#12 key store takes; never printed; {@link #destroy()} overwrites it.
 *
 * <p>At least 6 characters: the wipe-after-5 counter only stops guessing through this software, while someone who
 * copies the store file can guess offline, so a longer passphrase is the better choice (see docs/oob.md).
 */
public final class Pin {
    public static final int MIN_LENGTH = 6;
    public static final int MAX_LENGTH = 128;
    private final char[] chars;

    private Pin(char[] chars) {
        this.chars = chars;
    }

    /** Copies {@code chars}; the caller should wipe its array. */
    public static Pin of(char[] chars) throws OobException.BadInput {
        if (chars == null || chars.length < MIN_LENGTH || chars.length > MAX_LENGTH) {
            throw new OobException.BadInput("a PIN needs " + MIN_LENGTH + " to " + MAX_LENGTH + " characters");
        }
        for (char c : chars) {
            if (Character.isISOControl(c)) {
                throw new OobException.BadInput("a PIN cannot contain control characters");
            }
        }
        return new Pin(chars.clone());
    }

    /** A copy for the key-store API; keep call sites few. */
    char[] revealForKeyStore() {
        return chars.clone();
    }

    public void destroy() {
        Arrays.fill(chars, '\0');
    }

    @Override
    public String toString() {
        return "Pin(hidden)";
    }
}
