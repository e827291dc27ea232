package org.countersign.server.oob;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.keys.AssociatedData;
import org.countersign.core.keys.KeyService;
import org.countersign.core.keys.SealedBlob;

/**
 * The per-user verification key of X.1280 §8.1 step 12 (the OCRA secret of the server authentication code), and the
 * other per-request secrets, sealed by the key service (A-G5) and bound to tenant, subject and purpose so a sealed
 * value copied to another row does not open.
 */
final class VerificationKeys {
    static final String DATA_KEY_PURPOSE = "oob";
    static final String VERIFICATION_KEY = "oob-verification-key";
    static final String REQUEST_CODE = "oob-request-code";
    static final String REPLACEMENT_PASSWORD = "oob-replacement-password";
    static final int KEY_BYTES = 32;

    private final KeyService keys;
    private final SecureRandom random;

    VerificationKeys(KeyService keys, SecureRandom random) {
        this.keys = keys;
        this.random = random;
    }

    SecretBytes newKey() {
        return SecretBytes.random(KEY_BYTES, random);
    }

    String sealKey(String tenantId, String userId, SecretBytes key) {
        return seal(new AssociatedData(tenantId, userId, VERIFICATION_KEY), key);
    }

    SecretBytes openKey(String tenantId, String userId, String sealed) {
        return keys.open(SealedBlob.fromText(sealed), new AssociatedData(tenantId, userId, VERIFICATION_KEY));
    }

    String sealText(String tenantId, String requestId, String purpose, String text) {
        return seal(new AssociatedData(tenantId, requestId, purpose),
                SecretBytes.copyOf(text.getBytes(StandardCharsets.UTF_8)));
    }

    String openText(String tenantId, String requestId, String purpose, String sealed) {
        SecretBytes s = keys.open(SealedBlob.fromText(sealed), new AssociatedData(tenantId, requestId, purpose));
        return new String(s.revealForCrypto(), StandardCharsets.UTF_8);
    }

    private String seal(AssociatedData ad, SecretBytes value) {
        return keys.seal(DATA_KEY_PURPOSE, ad, value).toText();
    }
}
