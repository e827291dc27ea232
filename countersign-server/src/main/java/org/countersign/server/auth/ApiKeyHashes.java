package org.countersign.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import org.countersign.core.bytes.Sha256;

/**
 * How API-key secrets are stored: {@code sha256:<base64url>} of a domain label, the key id and the 256-bit secret.
 *
 * <p>A slow password hash (Argon2id) only helps when the secret could be guessed; a secret drawn from 256 random
 * bits cannot be, so one SHA-256 keeps a stolen table useless while a check costs microseconds, and a flood of
 * wrong keys cannot exhaust the CPU. A keyed hash (HMAC under a server secret) would add nothing against guessing
 * here and would add a secret every node must share. Rows written by older versions hold Argon2id hashes; they
 * are still accepted (behind the failure throttle and a small concurrency bound) and re-hashed on first success.
 */
public final class ApiKeyHashes {
    static final String PREFIX = "sha256:";
    private static final byte[] DOMAIN = "countersign/api-key/v1".getBytes(StandardCharsets.US_ASCII);

    private ApiKeyHashes() {}

    public static String hash(ApiKeyToken token) {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(digest(token));
    }

    /** Whether {@code stored} is in the fast format (otherwise it is a legacy Argon2id string). */
    public static boolean isFast(String stored) {
        return stored.startsWith(PREFIX);
    }

    /** Constant-time comparison of the presented token's hash with a stored fast hash. */
    public static boolean matches(ApiKeyToken token, String stored) {
        if (!isFast(stored)) {
            return false;
        }
        byte[] expected;
        try {
            expected = Base64.getUrlDecoder().decode(stored.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(digest(token), expected);
    }

    private static byte[] digest(ApiKeyToken token) {
        byte[] secret = token.secret().revealForCrypto();
        try {
            MessageDigest md = Sha256.newDigest();
            md.update(DOMAIN);
            md.update((byte) 0);
            md.update(token.keyId().getBytes(StandardCharsets.US_ASCII));
            md.update((byte) 0);
            md.update(secret);
            return md.digest();
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
