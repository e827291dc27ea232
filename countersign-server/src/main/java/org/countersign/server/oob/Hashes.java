package org.countersign.server.oob;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.countersign.core.bytes.ByteArray;

/** SHA-256 with a domain label, so a hash made for one purpose never matches one made for another. */
final class Hashes {
    private Hashes() {}

    static ByteArray sha256(String domain, String... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(domain.getBytes(StandardCharsets.UTF_8));
            for (String p : parts) {
                md.update((byte) 0);
                md.update(p.getBytes(StandardCharsets.UTF_8));
            }
            return ByteArray.copyOf(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static ByteArray sha256(ByteArray data) {
        try {
            return ByteArray.copyOf(MessageDigest.getInstance("SHA-256").digest(data.toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
