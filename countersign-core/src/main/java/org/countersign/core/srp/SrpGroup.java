package org.countersign.core.srp;

import org.bouncycastle.crypto.agreement.srp.SRP6StandardGroups;
import org.bouncycastle.crypto.params.SRP6GroupParameters;

/** RFC 5054 Appendix A groups offered here. 1024 bits is for test vectors only (RFC 5054 Appendix B). */
public enum SrpGroup {
    RFC5054_1024(SRP6StandardGroups.rfc5054_1024),
    RFC5054_2048(SRP6StandardGroups.rfc5054_2048),
    RFC5054_3072(SRP6StandardGroups.rfc5054_3072),
    RFC5054_4096(SRP6StandardGroups.rfc5054_4096);

    private final SRP6GroupParameters params;

    SrpGroup(SRP6GroupParameters params) {
        this.params = params;
    }

    SRP6GroupParameters params() {
        return params;
    }

    /** Length of N in bytes: the width every padded value takes (RFC 5054 §2.6 PAD). */
    public int byteLength() {
        return (params.getN().bitLength() + 7) / 8;
    }

    public int bits() {
        return params.getN().bitLength();
    }
}
