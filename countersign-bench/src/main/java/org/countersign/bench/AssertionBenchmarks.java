package org.countersign.bench;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.data.extension.authenticator.AuthenticationExtensionAuthenticatorOutput;
import com.webauthn4j.server.ServerProperty;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What one local-mode authentication costs the server (27553-1 A.3.3 step i): a WebAuthn assertion parsed and
 * verified by webauthn4j with user verification required, against the bare ECDSA P-256 verification inside it.
 * Run on JDK 17 and JDK 25 to see how much the JDK's EC code matters; results in docs/local-bench.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AssertionBenchmarks {
    private static final String RP_ID = "bank.example";
    private static final String ORIGIN = "https://bank.example";

    private WebAuthnManager manager;
    private AuthenticationRequest request;
    private AuthenticationParameters parameters;
    private CredentialRecordImpl record;
    private KeyPair keys;
    private byte[] signedBytes;
    private byte[] signature;

    @Setup
    public void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        keys = g.generateKeyPair();
        byte[] credentialId = new byte[32];
        random.nextBytes(credentialId);
        byte[] challenge = new byte[32];
        random.nextBytes(challenge);

        ObjectConverter converter = new ObjectConverter();
        byte[] rpIdHash = MessageDigest.getInstance("SHA-256").digest(RP_ID.getBytes(StandardCharsets.UTF_8));
        byte flags = (byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV);
        byte[] authenticatorData = new AuthenticatorDataConverter(converter)
                .convert(new AuthenticatorData<AuthenticationExtensionAuthenticatorOutput>(rpIdHash, flags, 7));
        byte[] clientData = ("{\"type\":\"webauthn.get\",\"challenge\":\""
                + Base64.getUrlEncoder().withoutPadding().encodeToString(challenge) + "\",\"origin\":\"" + ORIGIN
                + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
        signedBytes = concat(authenticatorData, MessageDigest.getInstance("SHA-256").digest(clientData));
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(keys.getPrivate());
        s.update(signedBytes);
        signature = s.sign();

        AttestedCredentialData acd = new AttestedCredentialData(AAGUID.ZERO, credentialId,
                EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES256));
        record = new CredentialRecordImpl(new NoneAttestationStatement(), null, null, null, 6,
                acd, null, null, null, null);
        manager = WebAuthnManager.createNonStrictWebAuthnManager();
        request = new AuthenticationRequest(credentialId, null, authenticatorData, clientData, null, signature);
        parameters = new AuthenticationParameters(new ServerProperty(Origin.create(ORIGIN), RP_ID,
                new DefaultChallenge(challenge)), record, List.of(credentialId), true, true);
        verifyWebAuthnAssertion(); // fail fast if the fixture is wrong
    }

    /** Parse (CBOR, JSON) and verify (challenge, origin, RP id, flags, counter, signature). */
    @Benchmark
    public AuthenticationData verifyWebAuthnAssertion() {
        record.setCounter(6); // webauthn4j moves the stored counter forward; rewind so each call is the same work
        return manager.verify(manager.parse(request), parameters);
    }

    /** Only the ECDSA P-256 signature check over authenticatorData || SHA-256(clientDataJSON). */
    @Benchmark
    public boolean verifyEcdsaP256() throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initVerify(keys.getPublic());
        s.update(signedBytes);
        return s.verify(signature);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
