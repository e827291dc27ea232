package org.countersign.core.srp;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.agreement.srp.SRP6VerifierGenerator;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;

/**
 * What the server stores for a user instead of a password (RFC 5054 §2.4): salt s and verifier v = g^x mod N,
 * x = H(s | H(I | ":" | P)). The verifier is not a secret key but lets an attacker test passwords offline, so store
 * it as confidential.
 *
 * @param parameters group and hash
 * @param identity   I, the user name as used in x
 * @param salt       s
 * @param verifier   v, left-padded to the group length
 */
public record SrpVerifier(SrpParameters parameters, String identity, ByteArray salt, ByteArray verifier) {

    public static final int SALT_BYTES = 32;

    public SrpVerifier {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(verifier, "verifier");
        if (salt.length() < 16 || salt.length() > 64) {
            throw new IllegalArgumentException("salt must be 16..64 bytes");
        }
        if (verifier.length() != parameters.group().byteLength()) {
            throw new IllegalArgumentException("verifier must be padded to the group length");
        }
    }

    /** Makes a verifier with a fresh random salt (registration, RFC 5054 §2.4). */
    public static SrpVerifier create(SrpParameters parameters, String identity, SecretBytes password, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return create(parameters, identity, password, ByteArray.copyOf(salt));
    }

    /** Makes a verifier with a given salt (tests, migrations). */
    public static SrpVerifier create(SrpParameters parameters, String identity, SecretBytes password, ByteArray salt) {
        SRP6VerifierGenerator gen = new SRP6VerifierGenerator();
        gen.init(parameters.group().params(), parameters.digest().newDigest());
        byte[] p = password.revealForCrypto();
        try {
            BigInteger v = gen.generateVerifier(salt.toByteArray(), identity.getBytes(StandardCharsets.UTF_8), p);
            return new SrpVerifier(parameters, identity, salt, ByteArray.copyOf(SrpCodec.pad(v, parameters)));
        } finally {
            java.util.Arrays.fill(p, (byte) 0);
        }
    }
}
