package org.countersign.core.keys;

import java.util.Objects;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.CanonicalWriter;

/**
 * Context a sealed value is bound to. Opening with any other tenant, subject or purpose fails, so a ciphertext
 * copied from one user's row to another's (or from a biometric reference to a TOTP secret) is useless.
 *
 * @param tenant  tenant id, or {@code null} for installation-wide material
 * @param subject what the value belongs to (user id, credential id, ...)
 * @param purpose what the value is (e.g. {@code totp-secret}, {@code face-reference})
 */
public record AssociatedData(String tenant, String subject, String purpose) {
    private static final ByteArray DOMAIN = ByteArray.ofUtf8("countersign/associated-data/v1");

    public AssociatedData {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(purpose, "purpose");
    }

    /**
     * Domain label, then tenant, subject and purpose, each as a 32-bit big-endian length and UTF-8 bytes; a
     * {@code null} tenant has length -1 so it differs from the empty string.
     */
    public ByteArray canonicalBytes() {
        return new CanonicalWriter().bytes(DOMAIN).string(tenant).string(subject).string(purpose).toByteArray();
    }
}
