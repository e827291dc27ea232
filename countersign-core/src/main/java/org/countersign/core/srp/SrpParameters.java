package org.countersign.core.srp;

import java.util.Objects;

/**
 * Group and hash for one SRP-6a deployment. Both sides must use the same pair; it is stored with each verifier.
 *
 * @param group  RFC 5054 group
 * @param digest hash H
 */
public record SrpParameters(SrpGroup group, SrpDigest digest) {

    /** The default (A-G7, DESIGN "SRP-6a"): 2048-bit group, SHA-256. */
    public static final SrpParameters DEFAULT = new SrpParameters(SrpGroup.RFC5054_2048, SrpDigest.SHA256);

    public SrpParameters {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(digest, "digest");
    }

    /** Production choices refuse the 1024-bit group and SHA-1, which exist for RFC 5054 test vectors only. */
    public boolean isTestOnly() {
        return group == SrpGroup.RFC5054_1024 || digest == SrpDigest.SHA1;
    }
}
