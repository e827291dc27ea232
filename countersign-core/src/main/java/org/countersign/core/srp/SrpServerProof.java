package org.countersign.core.srp;

import java.util.Objects;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;

/**
 * Result of a successful server step 2.
 *
 * @param serverProofM2 M2, to send to the client
 * @param sessionKey    K, the shared session key; feed it to {@code ChannelKeys.derive}
 */
public record SrpServerProof(ByteArray serverProofM2, SecretBytes sessionKey) {
    public SrpServerProof {
        Objects.requireNonNull(serverProofM2, "serverProofM2");
        Objects.requireNonNull(sessionKey, "sessionKey");
    }
}
