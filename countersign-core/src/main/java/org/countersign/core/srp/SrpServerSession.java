package org.countersign.core.srp;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.agreement.srp.SRP6Server;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;

/**
 * Server side of one SRP-6a handshake (RFC 5054 §2.5, A-G7), on BouncyCastle's {@code SRP6Server}.
 *
 * <ol>
 *   <li>{@link #begin}: choose b, send salt and B = k·v + g^b (padded to the group length).</li>
 *   <li>{@link #verifyClient}: take A and M1, check A ≠ 0 mod N, check M1, return M2 and the session key K.</li>
 * </ol>
 * A session answers one M1 only, right or wrong, so that one B cannot be used to try many passwords. Between the
 * two steps a stateless node may store b and B ({@link #stateForStorage()}, encrypted) and {@link #resume} later;
 * keeping B saves the second node recomputing g^b, a full-size modular exponentiation and about a quarter of the
 * server's CPU per handshake.
 * M1, M2 and K are defined in docs/srp.md.
 */
public final class SrpServerSession {
    private final SrpVerifier verifier;
    private final FixedServer server;
    private final BigInteger b;
    private final BigInteger publicB;
    private boolean finished;

    private SrpServerSession(SrpVerifier verifier, BigInteger b, BigInteger knownB, SecureRandom random) {
        this.verifier = verifier;
        this.server = new FixedServer(b);
        SrpParameters p = verifier.parameters();
        server.init(p.group().params(), new BigInteger(1, verifier.verifier().toByteArray()), p.digest().newDigest(),
                random == null ? new SecureRandom() : random);
        this.publicB = knownB != null ? server.restore(knownB) : server.generateServerCredentials();
        this.b = server.chosen();
    }

    /** Step 1 with a fresh random b. */
    public static SrpServerSession begin(SrpVerifier verifier, SecureRandom random) {
        return new SrpServerSession(Objects.requireNonNull(verifier, "verifier"), null, null,
                Objects.requireNonNull(random, "random"));
    }

    /**
     * Re-creates step 1 from stored state (another node, or a test with a fixed b): either what
     * {@link #stateForStorage()} gave (b then B, each padded to the group length; B is taken as stored, so the state
     * must come back integrity-protected, as the server's sealed store does) or b alone (B is recomputed).
     */
    public static SrpServerSession resume(SrpVerifier verifier, SecretBytes state) {
        Objects.requireNonNull(verifier, "verifier");
        byte[] raw = state.revealForCrypto();
        int n = verifier.parameters().group().byteLength();
        BigInteger b;
        BigInteger knownB = null;
        if (raw.length == 2 * n) {
            b = new BigInteger(1, raw, 0, n);
            knownB = new BigInteger(1, raw, n, n);
            BigInteger modulus = verifier.parameters().group().params().getN();
            if (knownB.signum() == 0 || knownB.compareTo(modulus) >= 0) {
                throw new IllegalArgumentException("stored B is outside the group");
            }
        } else {
            b = new BigInteger(1, raw);
        }
        if (b.signum() == 0) {
            throw new IllegalArgumentException("b must be non-zero");
        }
        return new SrpServerSession(verifier, b, knownB, null);
    }

    /** B, left-padded to the group length. */
    public ByteArray serverPublicB() {
        return ByteArray.copyOf(SrpCodec.pad(publicB, verifier.parameters()));
    }

    /** The salt to send with B. */
    public ByteArray salt() {
        return verifier.salt();
    }

    /** b and B, to keep (encrypted and authenticated, with expiry) when step 2 may reach another node. */
    public SecretBytes stateForStorage() {
        byte[] pb = SrpCodec.pad(b, verifier.parameters());
        byte[] pB = SrpCodec.pad(publicB, verifier.parameters());
        byte[] out = new byte[pb.length + pB.length];
        System.arraycopy(pb, 0, out, 0, pb.length);
        System.arraycopy(pB, 0, out, pb.length, pB.length);
        SecretBytes state = SecretBytes.copyOf(out);
        Arrays.fill(out, (byte) 0);
        Arrays.fill(pb, (byte) 0);
        return state;
    }

    /**
     * Step 2: checks the client's A and M1. On success returns M2 for the client and the session key K.
     *
     * @throws SrpException {@code SRP_BAD_PUBLIC_VALUE} for A ≡ 0 (mod N) or a malformed A,
     *                      {@code SRP_BAD_CLIENT_PROOF} for a wrong M1, {@code SRP_STATE} on a second call
     */
    public synchronized SrpServerProof verifyClient(ByteArray clientPublicA, ByteArray clientProofM1) throws SrpException {
        if (finished) {
            throw new SrpException(SrpException.Reason.SRP_STATE, "this SRP session already answered");
        }
        finished = true;
        SrpParameters p = verifier.parameters();
        BigInteger a = SrpCodec.publicValue(clientPublicA, p);
        BigInteger m1 = SrpCodec.proof(clientProofM1, p, SrpException.Reason.SRP_BAD_CLIENT_PROOF);
        try {
            server.calculateSecret(a);
        } catch (CryptoException e) {
            throw new SrpException(SrpException.Reason.SRP_BAD_PUBLIC_VALUE, "client public value A is 0 mod N");
        }
        try {
            if (!server.verifyClientEvidenceMessage(m1)) {
                throw new SrpException(SrpException.Reason.SRP_BAD_CLIENT_PROOF, "client proof M1 does not match");
            }
            BigInteger m2 = server.calculateServerEvidenceMessage();
            BigInteger key = server.calculateSessionKey();
            int h = p.digest().length();
            return new SrpServerProof(ByteArray.copyOf(SrpCodec.fixed(m2, h)), SecretBytes.copyOf(SrpCodec.fixed(key, h)));
        } catch (CryptoException e) {
            throw new SrpException(SrpException.Reason.SRP_STATE, "SRP step out of order: " + e.getMessage());
        }
    }

    public SrpParameters parameters() {
        return verifier.parameters();
    }

    /** BouncyCastle server whose b can be fixed; otherwise it draws b as usual. */
    private static final class FixedServer extends SRP6Server {
        private final BigInteger fixedB;

        FixedServer(BigInteger fixedB) {
            this.fixedB = fixedB;
        }

        @Override
        protected BigInteger selectPrivateValue() {
            return fixedB != null ? fixedB : super.selectPrivateValue();
        }

        BigInteger chosen() {
            return b;
        }

        /** Step 1's state without the exponentiation: b from the constructor, B as computed when it was chosen. */
        BigInteger restore(BigInteger knownB) {
            b = selectPrivateValue();
            B = knownB;
            return B;
        }
    }
}
