package org.countersign.agent.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.countersign.agent.local.AgentMessages.AssertionResponse;
import org.countersign.agent.local.AgentMessages.AuthenticationChallenge;
import org.countersign.agent.local.AgentMessages.Deregistration;
import org.countersign.agent.local.AgentMessages.RegistrationChallenge;
import org.countersign.agent.local.AgentMessages.RegistrationResponse;
import org.countersign.biometrics.face.FaceEngine;
import org.countersign.core.pki.IssuedCertificate;
import org.countersign.core.pki.LocalCertificateAuthority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The agent on its own, with real face images: the gate, the lockout, challenge checks and deregistration. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalAgentTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RP = "bank.example";
    FaceEngine engine;
    IssuedCertificate attestation;
    Path dir;
    LocalAuthenticationAgent agent;
    final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), java.time.ZoneOffset.UTC);

    @BeforeAll
    void openEngine() throws Exception {
        engine = FaceEngine.open();
        LocalCertificateAuthority ca = LocalCertificateAuthority.create("Countersign agent attestation CA",
                Duration.ofDays(365), clock, new SecureRandom());
        attestation = ca.issueClientCertificate("countersign-agent test build", Duration.ofDays(30));
    }

    @AfterAll
    void closeEngine() {
        engine.close();
    }

    @BeforeEach
    void newAgent() throws Exception {
        dir = Files.createTempDirectory("agent");
        agent = new LocalAuthenticationAgent(AgentSettings.defaults(dir, RP), attestation, engine, new SecureRandom(),
                clock);
    }

    @AfterEach
    void cleanUp() throws Exception {
        agent.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static String challenge() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    RegistrationChallenge registration() {
        return new RegistrationChallenge(challenge(), RP, "alice", clock.instant().plusSeconds(60).toString());
    }

    AuthenticationChallenge authentication(String credentialId) {
        return new AuthenticationChallenge(challenge(), RP, List.of(credentialId),
                clock.instant().plusSeconds(60).toString(), "Pay 10 EUR", 60_000);
    }

    static JsonNode decoded(String b64) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(b64));
    }

    @Test
    void A_3_2_g_registrationCarriesPublicKeyReferenceIdAndAttestationButNoBiometricData() throws Exception {
        RegistrationResponse r = agent.register(registration(), Faces.of("amy", 2));
        JsonNode data = decoded(r.registrationData());
        assertThat(data.get("algorithm").asText()).isEqualTo("ES256");
        assertThat(data.get("referenceId").asText()).hasSizeGreaterThan(10);
        assertThat(data.at("/assurance/transformLevel").asInt()).isEqualTo(3);
        assertThat(r.attestationChain()).hasSize(2);
        // SR-B-3: the message holds no template, no score, no image.
        assertThat(data.toString()).doesNotContain("template").doesNotContain("score");
        assertThat(Base64.getUrlDecoder().decode(r.registrationData()).length).isLessThan(1200);
        assertThat(verify(data.get("publicKey").asText(), r.registrationData(), r.credentialSignature())).isTrue();
    }

    @Test
    void SR_M_11_aMatchUnlocksTheKeyAndTheSignatureVerifies() throws Exception {
        RegistrationResponse r = agent.register(registration(), Faces.of("amy", 2));
        JsonNode data = decoded(r.registrationData());
        String id = data.get("credentialId").asText();
        AssertionResponse a = agent.authenticate(authentication(id), Faces.of("amy", 3));
        JsonNode signed = decoded(a.assertionData());
        assertThat(signed.get("counter").asLong()).isEqualTo(1);
        assertThat(signed.get("transactionText").asText()).isEqualTo("Pay 10 EUR");
        assertThat(verify(data.get("publicKey").asText(), a.assertionData(), a.signature())).isTrue();
        assertThat(decoded(agent.authenticate(authentication(id), Faces.of("amy", 5)).assertionData())
                .get("counter").asLong()).isEqualTo(2);
    }

    @Test
    void SR_M_11_aNonMatchDoesNotUnlockAndRepeatedFailuresLock() throws Exception {
        String id = decoded(agent.register(registration(), Faces.of("amy", 2)).registrationData())
                .get("credentialId").asText();
        String[] impostors = {"sheldon1", "raj1", "howard1", "howard4"};
        for (String who : impostors) {
            String person = who.replaceAll("\\d", "");
            int n = Integer.parseInt(who.replaceAll("\\D", ""));
            assertThatThrownBy(() -> agent.authenticate(authentication(id), Faces.of(person, n)))
                    .isInstanceOf(AgentException.class)
                    .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.NO_MATCH);
        }
        assertThatThrownBy(() -> agent.authenticate(authentication(id), Faces.of("raj", 2)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.LOCKED);
        assertThat(agent.isLocked(id)).isTrue();
        // Locked means locked: even the genuine face no longer releases the key.
        assertThatThrownBy(() -> agent.authenticate(authentication(id), Faces.of("amy", 3)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.LOCKED);
    }

    @Test
    void A_3_3_e_challengesForAnotherRpOrExpiredAreRefusedBeforeAnyCapture() throws Exception {
        String id = decoded(agent.register(registration(), Faces.of("amy", 2)).registrationData())
                .get("credentialId").asText();
        AuthenticationChallenge other = new AuthenticationChallenge(challenge(), "evil.example", List.of(id),
                clock.instant().plusSeconds(60).toString(), "", null);
        AuthenticationChallenge expired = new AuthenticationChallenge(challenge(), RP, List.of(id),
                clock.instant().minusSeconds(1).toString(), "", null);
        for (AuthenticationChallenge c : List.of(other, expired)) {
            assertThatThrownBy(() -> agent.authenticate(c, Faces.of("amy", 3)))
                    .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.CHALLENGE_INVALID);
        }
        assertThatThrownBy(() -> agent.authenticate(authentication("AAAAAAAAAAAAAAAAAAAAAA"), Faces.of("amy", 3)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.UNKNOWN_CREDENTIAL);
    }

    @Test
    void SR_B_5_deregistrationErasesKeysAndReferences() throws Exception {
        JsonNode data = decoded(agent.register(registration(), Faces.of("amy", 2)).registrationData());
        String id = data.get("credentialId").asText();
        assertThat(Files.list(dir.resolve(id)).count()).isEqualTo(5);
        agent.deregister(new Deregistration(id, data.get("referenceId").asText()));
        assertThat(Files.exists(dir.resolve(id))).isFalse();
        assertThat(agent.credentialIds()).isEmpty();
    }

    @Test
    void SR_B_9_vaultFilesAreSealedAndEditsAreDetected() throws Exception {
        String id = decoded(agent.register(registration(), Faces.of("amy", 2)).registrationData())
                .get("credentialId").asText();
        Path state = dir.resolve(id).resolve("state");
        byte[] b = Files.readAllBytes(state);
        assertThat(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("failures");
        b[b.length - 1] ^= 1;
        Files.write(state, b);
        assertThatThrownBy(() -> agent.authenticate(authentication(id), Faces.of("amy", 3)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.STORAGE);
    }

    @Test
    void B_F4_renewalReplacesTheReferenceAfterAMatchOnly() throws Exception {
        RegistrationResponse r = agent.register(registration(), Faces.of("amy", 2));
        String id = decoded(r.registrationData()).get("credentialId").asText();
        byte[] before = Files.readAllBytes(dir.resolve(id).resolve("reference"));
        assertThatThrownBy(() -> agent.renewReference(id, Faces.of("sheldon", 1)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.NO_MATCH);
        assertThat(Files.readAllBytes(dir.resolve(id).resolve("reference"))).isEqualTo(before);
        agent.renewReference(id, Faces.of("amy", 3));
        assertThat(Files.readAllBytes(dir.resolve(id).resolve("reference"))).isNotEqualTo(before);
        AssertionResponse a = agent.authenticate(authentication(id), Faces.of("amy", 5));
        assertThat(verify(decoded(r.registrationData()).get("publicKey").asText(), a.assertionData(), a.signature()))
                .isTrue();
    }

    static boolean verify(String spkiB64, String dataB64, String sigB64) throws Exception {
        PublicKey key = KeyFactory.getInstance("EC")
                .generatePublic(new X509EncodedKeySpec(Base64.getUrlDecoder().decode(spkiB64)));
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initVerify(key);
        s.update(Base64.getUrlDecoder().decode(dataB64));
        return s.verify(Base64.getUrlDecoder().decode(sigB64));
    }
}
