package org.countersign.biometrics.protect;

import java.security.SecureRandom;
import java.util.Objects;
import org.countersign.core.bytes.SecretBytes;

/**
 * The per-user secret that seeds a renewable template transform (ISO/IEC 24745 "auxiliary data"). It is stored
 * apart from the protected reference, sealed by the key service; issuing a new key and re-enrolling renews the
 * reference and makes the old one useless (ISO/IEC 27553-1 Table C.2, level "renewable").
 */
public final class TransformKey {
    /** 256 bits: the key, not the biometric, is what makes two enrolments unlinkable. */
    public static final int LENGTH = 32;
    private static final int MIN_LENGTH = 16;

    private final SecretBytes secret;

    private TransformKey(SecretBytes secret) {
        this.secret = secret;
    }

    /** Wraps existing key material (for example unsealed from storage); at least 16 bytes. */
    public static TransformKey of(SecretBytes secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("transform key must have at least " + MIN_LENGTH + " bytes");
        }
        return new TransformKey(secret);
    }

    /** A fresh random key, e.g. at enrolment or re-keying. */
    public static TransformKey generate(SecureRandom random) {
        return new TransformKey(SecretBytes.random(LENGTH, random));
    }

    /** The key material, for sealing by the key service. */
    public SecretBytes secret() {
        return secret;
    }

    @Override
    public String toString() {
        return "TransformKey(hidden)";
    }
}
