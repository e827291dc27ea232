package org.countersign.core.srp;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;

/** Hash H of SRP-6a. SHA-1 exists only to replay RFC 5054 Appendix B. */
public enum SrpDigest {
    SHA1(20), SHA256(32);

    private final int length;

    SrpDigest(int length) {
        this.length = length;
    }

    public int length() {
        return length;
    }

    Digest newDigest() {
        return this == SHA1 ? new SHA1Digest() : new SHA256Digest();
    }
}
