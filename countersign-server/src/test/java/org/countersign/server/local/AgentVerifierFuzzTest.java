package org.countersign.server.local;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.pki.LocalCertificateAuthority;
import org.countersign.core.pki.Pem;
import org.countersign.core.sig.EcP256Signer;
import org.countersign.core.sig.SignatureEncoding;
import org.countersign.server.http.Json;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of what the native agent sends (27553-1 Annex A with the agent of 6.2.3): the signed JSON
 * document, the credential and attestation signatures and the attestation chain. {@link AgentVerifier} must answer
 * any of it with a result or a {@link LocalFailure}, never another throwable. To get past the signature checks the
 * harness may sign the fuzzed document with its own key, as an agent would; seeds are in the inputs folder.
 */
@Tag("fuzz")
class AgentVerifierFuzzTest {
    private static final EcP256Signer KEY = EcP256Signer.generate(new SecureRandom());
    private static final ByteArray CHALLENGE = ByteArray.copyOf(new byte[32]);
    private static final LocalStore.PendingCeremony REGISTRATION = new LocalStore.PendingCeremony("c1", "t1", "user-1",
            LocalStore.Ceremony.REGISTRATION, CredentialFormat.AGENT, CHALLENGE, "bank.example", "",
            Instant.EPOCH, Instant.now().plusSeconds(3600));
    private static final LocalStore.PendingCeremony AUTHENTICATION = new LocalStore.PendingCeremony("c2", "t1", "user-1",
            LocalStore.Ceremony.AUTHENTICATION, CredentialFormat.AGENT, CHALLENGE, "bank.example", "pay 10 EUR",
            Instant.EPOCH, Instant.now().plusSeconds(3600));
    private static final LocalStore.StoredCredential CREDENTIAL = new LocalStore.StoredCredential("t1",
            "AAAAAAAAAAAAAAAAAAAAAA", "user-1", CredentialFormat.AGENT, KEY.publicKey().spki(), 3, null, "", "",
            Instant.EPOCH, null, null);
    private static final LocalCertificateAuthority ROOT = LocalCertificateAuthority.create("fuzz attestation root",
            Duration.ofDays(30));
    private static final LocalPolicy ATTESTED = new LocalPolicy(null, false,
            List.of(Pem.writeCertificate(ROOT.certificate())), null, null);
    private static final AgentVerifier VERIFIER = new AgentVerifier(Json.strictMapper(), Clock.systemUTC());
    private static final Set<String> ORIGINS = Set.of("https://bank.example");

    @FuzzTest(maxDuration = "10s")
    void verify(FuzzedDataProvider data) {
        boolean registration = data.consumeBoolean();
        boolean signIt = data.consumeBoolean();
        boolean attested = data.consumeBoolean();
        List<String> chain = new ArrayList<>();
        int certificates = data.consumeInt(0, 3);
        for (int i = 0; i < certificates; i++) {
            chain.add(data.consumeBoolean() ? base64(ROOT) : data.consumeString(600));
        }
        byte[] attestationSignature = data.consumeBytes(data.consumeInt(0, 80));
        // "$KEY" in the document stands for the harness key's SPKI, so seeds stay valid across runs.
        String document = new String(data.consumeRemainingAsBytes(), StandardCharsets.ISO_8859_1);
        ByteArray signed = ByteArray.copyOf(document.replace("$KEY", KEY.publicKey().spki().toBase64Url())
                .getBytes(StandardCharsets.ISO_8859_1));
        ByteArray signature = signIt ? KEY.sign(signed, SignatureEncoding.DER) : ByteArray.copyOf(attestationSignature);
        try {
            if (registration) {
                VERIFIER.verifyRegistration(REGISTRATION, attested ? ATTESTED : LocalPolicy.DEFAULT, ORIGINS, signed,
                        signature, ByteArray.copyOf(attestationSignature), chain);
            } else {
                VERIFIER.verifyAssertion(AUTHENTICATION, CREDENTIAL, ORIGINS, signed, signature);
            }
        } catch (LocalFailure expected) {
            // the documented refusal, a 4xx problem
        }
    }

    private static String base64(LocalCertificateAuthority ca) {
        try {
            return java.util.Base64.getEncoder().encodeToString(ca.certificate().getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
