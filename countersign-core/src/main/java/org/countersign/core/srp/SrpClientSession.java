package org.countersign.core.srp;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.agreement.srp.SRP6Client;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;

/**
 * Client side of one SRP-6a handshake (RFC 5054 §2.6), on BouncyCastle's {@code SRP6Client}.
 *
 * <ol>
 *   <li>{@link #start}: with the salt from the server, compute x and A = g^a.</li>
 *   <li>{@link #computeProof}: take B, check B ≠ 0 mod N, compute S and M1.</li>
 *   <li>{@link #verifyServer}: check M2 and return K. Use K only after M2 matched: that proves the server knows v.</li>
 * </ol>
 */
public final class SrpClientSession {
    private final SrpParameters parameters;
    private final FixedClient client;
    private final BigInteger publicA;
    private boolean proofSent;
    private boolean finished;

    private SrpClientSession(SrpParameters parameters, String identity, SecretBytes password, ByteArray salt,
            BigInteger a, SecureRandom random) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.client = new FixedClient(a);
        client.init(parameters.group().params(), parameters.digest().newDigest(), random == null ? new SecureRandom() : random);
        byte[] p = password.revealForCrypto();
        try {
            this.publicA = client.generateClientCredentials(salt.toByteArray(), identity.getBytes(StandardCharsets.UTF_8), p);
        } finally {
            java.util.Arrays.fill(p, (byte) 0);
        }
    }

    /** Step 1: the identity and password the user typed, the salt the server sent. */
    public static SrpClientSession start(SrpParameters parameters, String identity, SecretBytes password, ByteArray salt,
            SecureRandom random) {
        return new SrpClientSession(parameters, identity, password, salt, null, Objects.requireNonNull(random, "random"));
    }

    /** Fixed a, for reproducible vectors only. */
    static SrpClientSession startWithPrivateValue(SrpParameters parameters, String identity, SecretBytes password,
            ByteArray salt, BigInteger a) {
        return new SrpClientSession(parameters, identity, password, salt, a, null);
    }

    /** A, left-padded to the group length. */
    public ByteArray clientPublicA() {
        return ByteArray.copyOf(SrpCodec.pad(publicA, parameters));
    }

    /** Step 2: from the server's B, the proof M1 to send along with A. */
    public synchronized ByteArray computeProof(ByteArray serverPublicB) throws SrpException {
        if (proofSent) {
            throw new SrpException(SrpException.Reason.SRP_STATE, "proof already computed");
        }
        proofSent = true;
        BigInteger b = SrpCodec.publicValue(serverPublicB, parameters);
        try {
            client.calculateSecret(b);
        } catch (CryptoException e) {
            throw new SrpException(SrpException.Reason.SRP_BAD_PUBLIC_VALUE, "server public value B is 0 mod N");
        }
        try {
            return ByteArray.copyOf(SrpCodec.fixed(client.calculateClientEvidenceMessage(), parameters.digest().length()));
        } catch (CryptoException e) {
            throw new SrpException(SrpException.Reason.SRP_STATE, e.getMessage());
        }
    }

    /** Step 3: checks M2 and returns K. */
    public synchronized SecretBytes verifyServer(ByteArray serverProofM2) throws SrpException {
        if (!proofSent || finished) {
            throw new SrpException(SrpException.Reason.SRP_STATE, "verifyServer must follow computeProof, once");
        }
        finished = true;
        BigInteger m2 = SrpCodec.proof(serverProofM2, parameters, SrpException.Reason.SRP_BAD_SERVER_PROOF);
        try {
            if (!client.verifyServerEvidenceMessage(m2)) {
                throw new SrpException(SrpException.Reason.SRP_BAD_SERVER_PROOF, "server proof M2 does not match");
            }
            return SecretBytes.copyOf(SrpCodec.fixed(client.calculateSessionKey(), parameters.digest().length()));
        } catch (CryptoException e) {
            throw new SrpException(SrpException.Reason.SRP_STATE, e.getMessage());
        }
    }

    private static final class FixedClient extends SRP6Client {
        private final BigInteger fixedA;

        FixedClient(BigInteger fixedA) {
            this.fixedA = fixedA;
        }

        @Override
        protected BigInteger selectPrivateValue() {
            return fixedA != null ? fixedA : super.selectPrivateValue();
        }
    }
}
