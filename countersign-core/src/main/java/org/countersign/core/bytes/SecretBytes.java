package org.countersign.core.bytes;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Secret key material (keys, OCRA secrets, SRP session keys). It never prints its content, and reading the raw
 * bytes needs the deliberately greppable {@link #revealForCrypto()} so every place that touches a secret can be
 * found with one search.
 */
public final class SecretBytes {
    private final byte[] bytes;

    private SecretBytes(byte[] owned) {
        this.bytes = owned;
    }

    /** Takes a copy of {@code bytes}; the caller should wipe its own array. */
    public static SecretBytes copyOf(byte[] bytes) {
        return new SecretBytes(bytes.clone());
    }

    public static SecretBytes random(int length, SecureRandom random) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return new SecretBytes(b);
    }

    public int length() {
        return bytes.length;
    }

    /** A copy of the secret for a crypto API. Name chosen to stand out in reviews: keep call sites few. */
    public byte[] revealForCrypto() {
        return bytes.clone();
    }

    public boolean constantTimeEquals(SecretBytes other) {
        return other != null && MessageDigest.isEqual(bytes, other.bytes);
    }

    /** Overwrites the secret in memory; the object is unusable afterwards. */
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretBytes other && constantTimeEquals(other);
    }

    @Override
    public int hashCode() {
        return 0; // never derive anything observable from secret content
    }

    @Override
    public String toString() {
        return "SecretBytes(" + bytes.length + " bytes, hidden)";
    }
}
