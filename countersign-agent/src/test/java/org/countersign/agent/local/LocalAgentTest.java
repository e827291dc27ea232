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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The agent on its own, with real face images: the gate, the lockout, challenge checks and deregistration. */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalAgentTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RP = "bank.example";
    static final String ORIGIN = "https://bank.example";
    java.security.KeyPair server;
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
        server = ecKeyPair();
    }

    @AfterAll
    void closeEngine() {
        engine.close();
    }

    @BeforeEach
    void newAgent() throws Exception {
        dir = Files.createTempDirectory("agent");
        agent = new LocalAuthenticationAgent(settings(dir, server.getPublic()), attestation, engine,
                new SecureRandom(), clock);
    }

    @AfterEach
    void cleanUp() throws Exception {
        agent.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.deleteIfExists(keyFileOf(dir));
    }

    static Path keyFileOf(Path vault) {
        return vault.resolveSibling(vault.getFileName() + ".device-key");
    }

    static AgentSettings settings(Path vault, PublicKey serverKey) {
        return AgentSettings.defaults(vault, keyFileOf(vault), RP, serverKey);
    }

    static java.security.KeyPair ecKeyPair() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** What Countersign's start endpoints put under options.signedChallenge, signed with {@code key}. */
    static String[] signedByServer(java.security.PrivateKey key, java.util.Map<String, Object> doc) throws Exception {
        byte[] bytes = JSON.writeValueAsBytes(doc);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(bytes);
        return new String[] {b64(bytes), b64(s.sign())};
    }

    static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String challenge() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    RegistrationChallenge registration() throws Exception {
        return registration(server.getPrivate(), RP);
    }

    RegistrationChallenge registration(java.security.PrivateKey signer, String rpId) throws Exception {
        String c = challenge();
        String expires = clock.instant().plusSeconds(60).toString();
        java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("type", "countersign.server.registration-challenge");
        doc.put("challenge", c);
        doc.put("rpId", rpId);
        doc.put("userId", "alice");
        doc.put("expiresAt", expires);
        String[] signed = signedByServer(signer, doc);
        return new RegistrationChallenge(c, rpId, "alice", expires, signed[0], signed[1]);
    }

    AuthenticationChallenge authentication(String credentialId) throws Exception {
        return authentication(credentialId, RP, clock.instant().plusSeconds(60), "Pay 10 EUR", server.getPrivate());
    }

    AuthenticationChallenge authentication(String credentialId, String rpId, Instant expires, String text,
            java.security.PrivateKey signer) throws Exception {
        String c = challenge();
        java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("type", "countersign.server.authentication-challenge");
        doc.put("challenge", c);
        doc.put("rpId", rpId);
        doc.put("credentialIds", List.of(credentialId));
        doc.put("transactionText", text);
        doc.put("expiresAt", expires.toString());
        String[] signed = signedByServer(signer, doc);
        return new AuthenticationChallenge(c, rpId, List.of(credentialId), expires.toString(), text, 60_000,
                signed[0], signed[1]);
    }

    static JsonNode decoded(String b64) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(b64));
    }

    @Test
    void A_3_2_g_registrationCarriesPublicKeyReferenceIdAndAttestationButNoBiometricData() throws Exception {
        RegistrationResponse r = agent.register(registration(), ORIGIN, Faces.of("amy", 2));
        JsonNode data = decoded(r.registrationData());
        assertThat(data.get("algorithm").asText()).isEqualTo("ES256");
        assertThat(data.get("referenceId").asText()).hasSizeGreaterThan(10);
        assertThat(data.at("/assurance/transformLevel").asInt()).isEqualTo(3);
        assertThat(r.attestationChain()).hasSize(2);
        // SR-M-15: a software agent says so.
        assertThat(data.at("/assurance/credentialProtection").asText()).isEqualTo("software");
        // SR-C-3: the caller's origin is part of what is signed.
        assertThat(data.get("origin").asText()).isEqualTo(ORIGIN);
        // SR-B-3: the message holds no template, no score, no image.
        assertThat(data.toString()).doesNotContain("template").doesNotContain("score");
        assertThat(Base64.getUrlDecoder().decode(r.registrationData()).length).isLessThan(1200);
        assertThat(verify(data.get("publicKey").asText(), r.registrationData(), r.credentialSignature())).isTrue();
    }

    @Test
    void SR_M_11_aMatchUnlocksTheKeyAndTheSignatureVerifies() throws Exception {
        RegistrationResponse r = agent.register(registration(), ORIGIN, Faces.of("amy", 2));
        JsonNode data = decoded(r.registrationData());
        String id = data.get("credentialId").asText();
        AssertionResponse a = agent.authenticate(authentication(id), ORIGIN, Faces.of("amy", 3));
        JsonNode signed = decoded(a.assertionData());
        assertThat(signed.get("counter").asLong()).isEqualTo(1);
        assertThat(signed.get("transactionText").asText()).isEqualTo("Pay 10 EUR");
        assertThat(verify(data.get("publicKey").asText(), a.assertionData(), a.signature())).isTrue();
        assertThat(decoded(agent.authenticate(authentication(id), ORIGIN, Faces.of("amy", 5)).assertionData())
                .get("counter").asLong()).isEqualTo(2);
    }

    @Test
    void SR_M_11_aNonMatchDoesNotUnlockAndRepeatedFailuresLock() throws Exception {
        String id = decoded(agent.register(registration(), ORIGIN, Faces.of("amy", 2)).registrationData())
                .get("credentialId").asText();
        String[] impostors = {"sheldon1", "raj1", "howard1", "howard4"};
        for (String who : impostors) {
            String person = who.replaceAll("\\d", "");
            int n = Integer.parseInt(who.replaceAll("\\D", ""));
            assertThatThrownBy(() -> agent.authenticate(authentication(id), ORIGIN, Faces.of(person, n)))
                    .isInstanceOf(AgentException.class)
                    .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.NO_MATCH);
        }
        assertThatThrownBy(() -> agent.authenticate(authentication(id), ORIGIN, Faces.of("raj", 2)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.LOCKED);
        assertThat(agent.isLocked(id)).isTrue();
        // Locked means locked: even the genuine face no longer releases the key.
        assertThatThrownBy(() -> agent.authenticate(authentication(id), ORIGIN, Faces.of("amy", 3)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.LOCKED);
    }

    @Test
    void A_3_3_e_challengesForAnotherRpOrExpiredAreRefusedBeforeAnyCapture() throws Exception {
        String id = decoded(agent.register(registration(), ORIGIN, Faces.of("amy", 2)).registrationData())
                .get("credentialId").asText();
        AuthenticationChallenge other = authentication(id, "evil.example", clock.instant().plusSeconds(60), "",
                server.getPrivate());
        AuthenticationChallenge expired = authentication(id, RP, clock.instant().minusSeconds(1), "",
                server.getPrivate());
        for (AuthenticationChallenge c : List.of(other, expired)) {
            assertThatThrownBy(() -> agent.authenticate(c, ORIGIN, Faces.of("amy", 3)))
                    .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.CHALLENGE_INVALID);
        }
        assertThatThrownBy(() -> agent.authenticate(authentication("AAAAAAAAAAAAAAAAAAAAAA"), ORIGIN, Faces.of("amy", 3)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.UNKNOWN_CREDENTIAL);
    }

    @Test
    void SR_B_5_deregistrationErasesKeysAndReferences() throws Exception {
        JsonNode data = decoded(agent.register(registration(), ORIGIN, Faces.of("amy", 2)).registrationData());
        String id = data.get("credentialId").asText();
        assertThat(Files.list(dir.resolve(id)).count()).isEqualTo(4); // reference, transform key, key store, state
        agent.deregister(new Deregistration(id, data.get("referenceId").asText()));
        assertThat(Files.exists(dir.resolve(id))).isFalse();
        assertThat(agent.credentialIds()).isEmpty();
    }

    @Test
    void SR_B_9_vaultFilesAreSealedAndEditsAreDetected() throws Exception {
        String id = decoded(agent.register(registration(), ORIGIN, Faces.of("amy", 2)).registrationData())
                .get("credentialId").asText();
        Path state = dir.resolve(id).resolve("state");
        byte[] b = Files.readAllBytes(state);
        assertThat(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("failures");
        b[b.length - 1] ^= 1;
        Files.write(state, b);
        assertThatThrownBy(() -> agent.authenticate(authentication(id), ORIGIN, Faces.of("amy", 3)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.STORAGE);
    }

    @Test
    void B_F4_renewalReplacesTheReferenceAfterAMatchOnly() throws Exception {
        RegistrationResponse r = agent.register(registration(), ORIGIN, Faces.of("amy", 2));
        String id = decoded(r.registrationData()).get("credentialId").asText();
        byte[] before = Files.readAllBytes(dir.resolve(id).resolve("reference"));
        assertThatThrownBy(() -> agent.renewReference(id, Faces.of("sheldon", 1)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.NO_MATCH);
        assertThat(Files.readAllBytes(dir.resolve(id).resolve("reference"))).isEqualTo(before);
        agent.renewReference(id, Faces.of("amy", 3));
        assertThat(Files.readAllBytes(dir.resolve(id).resolve("reference"))).isNotEqualTo(before);
        AssertionResponse a = agent.authenticate(authentication(id), ORIGIN, Faces.of("amy", 5));
        assertThat(verify(decoded(r.registrationData()).get("publicKey").asText(), a.assertionData(), a.signature()))
                .isTrue();
    }

    @Test
    void SR_B_9_aCopyOfTheVaultFolderCannotOpenTheCredentialKey() throws Exception {
        String id = decoded(agent.register(registration(), ORIGIN, Faces.of("amy", 2)).registrationData())
                .get("credentialId").asText();
        // The attacker copies every byte under the vault folder (backup, sync client, another account that can read
        // it) and tries each 32-byte file as the AES-GCM sealing key of every sealed file of the credential.
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        int opened = 0;
        for (Path candidate : files) {
            byte[] k = Files.readAllBytes(candidate);
            if (k.length != 32) {
                continue;
            }
            for (Path sealed : files) {
                if (!sealed.getParent().getFileName().toString().equals(id)) {
                    continue;
                }
                byte[] all = Files.readAllBytes(sealed);
                try {
                    javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
                    c.init(javax.crypto.Cipher.DECRYPT_MODE, new javax.crypto.spec.SecretKeySpec(k, "AES"),
                            new javax.crypto.spec.GCMParameterSpec(128, all, 0, 12));
                    c.updateAAD((id + "/" + sealed.getFileName()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    c.doFinal(all, 12, all.length - 12);
                    opened++;
                } catch (java.security.GeneralSecurityException expected) {
                    // not the key
                }
            }
        }
        assertThat(opened).as("sealed files opened with a key found in the vault folder").isZero();
    }

    @Test
    void SR_C_5_challengeSignedByAnotherServerIsRefused() throws Exception {
        java.security.KeyPair impostor = ecKeyPair();
        assertThatThrownBy(() -> agent.register(registration(impostor.getPrivate(), RP), ORIGIN, Faces.of("amy", 2)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.SERVER_NOT_AUTHENTIC);
        String id = decoded(agent.register(registration(), ORIGIN, Faces.of("amy", 2)).registrationData())
                .get("credentialId").asText();
        AuthenticationChallenge fake = authentication(id, RP, clock.instant().plusSeconds(60), "Pay 9000 EUR",
                impostor.getPrivate());
        assertThatThrownBy(() -> agent.authenticate(fake, ORIGIN, Faces.of("amy", 3)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.SERVER_NOT_AUTHENTIC);
        // A genuine signed challenge whose signed text was edited by whoever relayed it.
        AuthenticationChallenge genuine = authentication(id);
        String edited = b64(new String(Base64.getUrlDecoder().decode(genuine.signedChallenge()),
                java.nio.charset.StandardCharsets.UTF_8).replace("Pay 10 EUR", "Pay 9000 EUR")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        AuthenticationChallenge tampered = new AuthenticationChallenge(genuine.challenge(), RP, List.of(id),
                genuine.expiresAt(), "Pay 9000 EUR", 60_000, edited, genuine.serverSignature());
        assertThatThrownBy(() -> agent.authenticate(tampered, ORIGIN, Faces.of("amy", 3)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.SERVER_NOT_AUTHENTIC);
        // Unsigned plain members are not what the agent acts on: only the signed copy counts.
        AuthenticationChallenge plainEdited = new AuthenticationChallenge(genuine.challenge(), RP, List.of(id),
                genuine.expiresAt(), "Pay 9000 EUR", 60_000, genuine.signedChallenge(), genuine.serverSignature());
        assertThat(decoded(agent.authenticate(plainEdited, ORIGIN, Faces.of("amy", 3)).assertionData())
                .get("transactionText").asText()).isEqualTo("Pay 10 EUR");
    }

    @Test
    void SR_C_3_callerFromAnotherOriginIsRefused() throws Exception {
        String id = decoded(agent.register(registration(), ORIGIN, Faces.of("amy", 2)).registrationData())
                .get("credentialId").asText();
        for (String relay : List.of("https://bank.example.evil.test", "http://bank.example", "https://evil.example",
                "android:apk-key-hash:relay", "")) {
            assertThatThrownBy(() -> agent.authenticate(authentication(id), relay, Faces.of("amy", 3)))
                    .as(relay)
                    .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.ORIGIN_REFUSED);
        }
        assertThatThrownBy(() -> agent.register(registration(), "https://evil.example", Faces.of("amy", 2)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.ORIGIN_REFUSED);
    }

    @Test
    void SR_B_9_theDeviceKeyMayNotLiveInsideTheVault() {
        assertThatThrownBy(() -> AgentSettings.defaults(dir, dir.resolve("device.key"), RP, server.getPublic()))
                .isInstanceOf(IllegalArgumentException.class);
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
