package org.countersign.core.channel;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;

/**
 * One AES-256-GCM key per direction, derived from the SRP session key K (A-G7, A-G9: the key differs per client
 * and per session). HKDF-SHA-256 (RFC 5869) with the session id as salt and info
 * {@code "countersign/channel/v1/c2s"} or {@code ".../s2c"}: separate keys mean a message can never be reflected
 * back to its sender, and the version in the info string lets a later derivation coexist.
 *
 * @param clientToServer key for messages the client seals
 * @param serverToClient key for messages the server seals
 */
public record ChannelKeys(SecretBytes clientToServer, SecretBytes serverToClient) {

    static final String INFO_PREFIX = "countersign/channel/v1/";

    public ChannelKeys {
        Objects.requireNonNull(clientToServer, "clientToServer");
        Objects.requireNonNull(serverToClient, "serverToClient");
        if (clientToServer.length() != 32 || serverToClient.length() != 32) {
            throw new IllegalArgumentException("channel keys are 32 bytes");
        }
    }

    public static ChannelKeys derive(SecretBytes sessionKey, ByteArray sessionId) {
        Objects.requireNonNull(sessionKey, "sessionKey");
        Objects.requireNonNull(sessionId, "sessionId");
        if (sessionKey.length() < 16) {
            throw new IllegalArgumentException("session key too short");
        }
        return new ChannelKeys(expand(sessionKey, sessionId, Direction.CLIENT_TO_SERVER),
                expand(sessionKey, sessionId, Direction.SERVER_TO_CLIENT));
    }

    SecretBytes key(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? clientToServer : serverToClient;
    }

    private static SecretBytes expand(SecretBytes ikm, ByteArray salt, Direction d) {
        byte[] raw = ikm.revealForCrypto();
        byte[] out = new byte[32];
        try {
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
            hkdf.init(new HKDFParameters(raw, salt.toByteArray(), (INFO_PREFIX + d.label()).getBytes(StandardCharsets.US_ASCII)));
            hkdf.generateBytes(out, 0, out.length);
            return SecretBytes.copyOf(out);
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
            java.util.Arrays.fill(out, (byte) 0);
        }
    }
}
