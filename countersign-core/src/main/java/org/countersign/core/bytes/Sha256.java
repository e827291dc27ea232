package org.countersign.core.bytes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 (FIPS 180-4), the one place that asks the JDK for it; every Java platform must provide it. */
public final class Sha256 {
    private Sha256() {}

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    public static byte[] digest(byte[] data) {
        return newDigest().digest(data);
    }

    public static ByteArray of(ByteArray data) {
        return ByteArray.copyOf(digest(data.toByteArray()));
    }

    /**
     * SHA-256 over a domain label, then each part preceded by a zero byte: a hash made for one purpose (or with
     * parts split differently) never equals one made for another.
     */
    public static ByteArray labelled(String domain, String... parts) {
        MessageDigest md = newDigest();
        md.update(domain.getBytes(StandardCharsets.UTF_8));
        for (String p : parts) {
            md.update((byte) 0);
            md.update(p.getBytes(StandardCharsets.UTF_8));
        }
        return ByteArray.copyOf(md.digest());
    }
}
