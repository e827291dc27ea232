package org.countersign.core.password;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.countersign.core.bytes.SecretBytes;

/**
 * Argon2id (RFC 9106) for API keys and PINs, stored as PHC strings
 * {@code $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>} (unpadded standard base64). Defaults follow the
 * OWASP minimum for Argon2id: m=19456 KiB, t=2, p=1, 16-byte salt, 32-byte hash.
 *
 * <p>{@link #verify} uses the parameters stored in the string, so raising the defaults later keeps old hashes
 * verifiable; {@link #needsRehash} tells when to re-hash after a successful login. Parameters read from a stored
 * string are bounded, so a corrupted or planted row cannot make verification allocate gigabytes.
 */
public final class Argon2idHasher {
    public static final int DEFAULT_MEMORY_KIB = 19456;
    public static final int DEFAULT_ITERATIONS = 2;
    public static final int DEFAULT_PARALLELISM = 1;
    static final int SALT_LENGTH = 16;
    static final int HASH_LENGTH = 32;

    // Bounds for parameters parsed from stored strings.
    private static final int MAX_MEMORY_KIB = 1 << 18; // 256 MiB
    private static final int MAX_ITERATIONS = 64;
    private static final int MAX_PARALLELISM = 16;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,3})\\$([A-Za-z0-9+/]{11,88})\\$([A-Za-z0-9+/]{6,172})");

    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random;

    public Argon2idHasher() {
        this(DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, DEFAULT_PARALLELISM, new SecureRandom());
    }

    public Argon2idHasher(int memoryKiB, int iterations, int parallelism, SecureRandom random) {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM || iterations < 1 || iterations > MAX_ITERATIONS
                || memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("Argon2id parameters out of range");
        }
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Hashes {@code secret} with a fresh random salt. */
    public String hash(SecretBytes secret) {
        Objects.requireNonNull(secret, "secret");
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        byte[] out = derive(secret, salt, null, null, memoryKiB, iterations, parallelism, HASH_LENGTH);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        try {
            return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "$"
                    + b64.encodeToString(salt) + "$" + b64.encodeToString(out);
        } finally {
            Arrays.fill(out, (byte) 0);
        }
    }

    /**
     * Whether {@code secret} matches {@code phc}. Compares in constant time. Returns {@code false} (never throws)
     * for a {@code null}, malformed or out-of-bounds PHC string.
     */
    public boolean verify(SecretBytes secret, String phc) {
        if (secret == null || phc == null) {
            return false;
        }
        Matcher m = PHC.matcher(phc);
        if (!m.matches()) {
            return false;
        }
        byte[] actual = null;
        byte[] expected = null;
        try {
            int mem = Integer.parseInt(m.group(1));
            int t = Integer.parseInt(m.group(2));
            int p = Integer.parseInt(m.group(3));
            if (p < 1 || p > MAX_PARALLELISM || t < 1 || t > MAX_ITERATIONS || mem < 8 * p || mem > MAX_MEMORY_KIB) {
                return false;
            }
            byte[] salt = decode(m.group(4));
            expected = decode(m.group(5));
            if (salt.length < 8 || expected.length < 4) {
                return false;
            }
            actual = derive(secret, salt, null, null, mem, t, p, expected.length);
            return MessageDigest.isEqual(actual, expected);
        } catch (RuntimeException e) {
            return false;
        } finally {
            if (actual != null) {
                Arrays.fill(actual, (byte) 0);
            }
        }
    }

    /** True when {@code phc} was made with other parameters than this hasher's (re-hash after a good login). */
    public boolean needsRehash(String phc) {
        Matcher m = phc == null ? null : PHC.matcher(phc);
        if (m == null || !m.matches()) {
            return true;
        }
        return Integer.parseInt(m.group(1)) != memoryKiB || Integer.parseInt(m.group(2)) != iterations
                || Integer.parseInt(m.group(3)) != parallelism;
    }

    /** Raw Argon2id (version 0x13) with optional secret key and associated data, as specified in RFC 9106 §3. */
    static byte[] derive(SecretBytes password, byte[] salt, SecretBytes key, byte[] associatedData, int memoryKiB,
                         int iterations, int parallelism, int outLength) {
        Argon2Parameters.Builder b = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(memoryKiB)
                .withIterations(iterations)
                .withParallelism(parallelism);
        byte[] k = key == null ? null : key.revealForCrypto();
        byte[] pw = password.revealForCrypto();
        try {
            if (k != null) {
                b.withSecret(k);
            }
            if (associatedData != null) {
                b.withAdditional(associatedData);
            }
            Argon2BytesGenerator gen = new Argon2BytesGenerator();
            gen.init(b.build());
            byte[] out = new byte[outLength];
            gen.generateBytes(pw, out);
            return out;
        } finally {
            Arrays.fill(pw, (byte) 0);
            if (k != null) {
                Arrays.fill(k, (byte) 0);
            }
        }
    }

    private static byte[] decode(String b64) {
        return Base64.getDecoder().decode(b64);
    }
}
