package org.countersign.server.auth;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;

/**
 * The bearer token an RP server sends: {@code cs_<12 hex key id>_<43 base64url secret chars>}. The key id
 * finds the stored hash in one lookup; only the 256-bit secret is hashed ({@link ApiKeyHashes}). The {@code cs_} prefix
 * lets secret scanners recognise leaked keys.
 */
public record ApiKeyToken(String keyId, SecretBytes secret) {
    private static final Pattern FORMAT = Pattern.compile("cs_([0-9a-f]{12})_([A-Za-z0-9_-]{43})");

    public static ApiKeyToken generate(SecureRandom random) {
        byte[] id = new byte[6];
        random.nextBytes(id);
        return new ApiKeyToken(HexFormat.of().formatHex(id), SecretBytes.random(32, random));
    }

    /** Parses a presented token; empty for anything not shaped like one (no detail leaks to the caller). */
    public static Optional<ApiKeyToken> parse(String presented) {
        if (presented == null || presented.length() > 128) {
            return Optional.empty();
        }
        var m = FORMAT.matcher(presented);
        if (!m.matches()) {
            return Optional.empty();
        }
        byte[] secret = ByteArray.fromBase64Url(m.group(2)).toByteArray();
        try {
            return Optional.of(new ApiKeyToken(m.group(1), SecretBytes.copyOf(secret)));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The token text, shown once at creation. */
    public String reveal() {
        byte[] s = secret.revealForCrypto();
        try {
            return "cs_" + keyId + "_" + ByteArray.copyOf(s).toBase64Url();
        } finally {
            Arrays.fill(s, (byte) 0);
        }
    }
}
