package org.countersign.server.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.countersign.agent.local.AgentException;
import org.countersign.agent.local.AgentMessages.AssertionResponse;
import org.countersign.agent.local.AgentMessages.AuthenticationChallenge;
import org.countersign.agent.local.AgentMessages.Deregistration;
import org.countersign.agent.local.AgentMessages.RegistrationChallenge;
import org.countersign.agent.local.AgentMessages.RegistrationResponse;
import org.countersign.agent.local.AgentSettings;
import org.countersign.agent.local.LocalAuthenticationAgent;
import org.countersign.biometrics.face.FaceEngine;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.pki.IssuedCertificate;
import org.countersign.core.pki.LocalCertificateAuthority;
import org.countersign.server.TestServer;
import org.countersign.server.TestServer.Response;
import org.countersign.testkit.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * 27553-1 Annex A end to end: the native agent with real face images on one side, Countersign on the other, the
 * test acting as relying-party server (steps b and h). The agent's attestation CA is the tenant's trusted root.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalAgentFlowTest {
    static final ObjectMapper JSON = new ObjectMapper();
    TestServer server;
    String key;
    String rpId = "agentbank.example";
    String origin = "https://agentbank.example";
    java.security.PublicKey serverKey;
    FaceEngine engine;
    LocalCertificateAuthority agentCa;
    IssuedCertificate attestation;
    Path dir;
    LocalAuthenticationAgent agent;
    String user;
    int users;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.onPostgres(c -> c);
        key = server.createTenant("agentbank");
        engine = FaceEngine.open();
        agentCa = LocalCertificateAuthority.create("Countersign agent attestation CA", Duration.ofDays(365));
        attestation = agentCa.issueClientCertificate("countersign-agent 0.1 attestation", Duration.ofDays(90));
        trustAgentCa();
        serverKey = serverKey(key);
    }

    /** The tenant's pinned challenge-signing key, as the RP builds it into its app (SR-C-5). */
    java.security.PublicKey serverKey(String apiKey) throws Exception {
        Response k = server.get("/v1/local/agent-key", apiKey);
        assertThat(k.status()).as(k.body()).isEqualTo(200);
        assertThat(k.json().get("algorithm").asText()).isEqualTo("ES256");
        return java.security.KeyFactory.getInstance("EC").generatePublic(new java.security.spec.X509EncodedKeySpec(
                Base64.getUrlDecoder().decode(k.json().get("publicKey").asText())));
    }

    AgentSettings settings(Path vault) {
        return AgentSettings.defaults(vault, keyFileOf(vault), rpId, serverKey);
    }

    static Path keyFileOf(Path vault) {
        return vault.resolveSibling(vault.getFileName() + ".device-key");
    }

    String agentCaPem() throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(agentCa.certificate().getEncoded()) + "\n-----END CERTIFICATE-----";
    }

    void trustAgentCa() throws Exception {
        Response r = server.send("PUT", "/v1/local/policy", key, "application/json", JSON.writeValueAsBytes(
                Map.of("allowNoneAttestation", false, "trustedRoots", List.of(agentCaPem()))));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @AfterAll
    void stop() throws Exception {
        engine.close();
        server.close();
    }

    @BeforeEach
    void newUserAndDevice() throws Exception {
        user = "agent-user-" + (++users);
        assertThat(server.post("/v1/users", key, "{\"userId\":\"" + user + "\"}").status()).isEqualTo(201);
        String version = server.get("/v1/local/privacy-notice", null).json().get("version").asText();
        assertThat(server.post("/v1/local/users/" + user + "/consent", key,
                "{\"noticeVersion\":\"" + version + "\"}").status()).isEqualTo(201);
        dir = Files.createTempDirectory("device");
        agent = new LocalAuthenticationAgent(settings(dir), attestation, engine, new SecureRandom(), Clock.systemUTC());
    }

    @AfterEach
    void wipe() throws Exception {
        agent.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.deleteIfExists(keyFileOf(dir));
    }

    static ByteArray face(String person, int n) throws Exception {
        return ByteArray.copyOf(Files.readAllBytes(
                TestData.require("faces/verification/faceapi/" + person + "/" + person + n + ".png")));
    }

    JsonNode start(String path, Map<String, Object> body) throws Exception {
        Response r = server.post(path, key, JSON.writeValueAsString(body));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    JsonNode startRegistration() throws Exception {
        return start("/v1/local/registrations", Map.of("userId", user, "format", "countersign-agent"));
    }

    Response finish(String kind, JsonNode started, Object agentBody) throws Exception {
        return server.post("/v1/local/" + kind + "/" + started.get("ceremonyId").asText() + "/finish", key,
                JSON.writeValueAsString(Map.of("agent", agentBody)));
    }

    String register(ByteArray face) throws Exception {
        JsonNode s = startRegistration();
        RegistrationResponse resp = agent.register(JSON.treeToValue(s.get("options"), RegistrationChallenge.class), origin, face);
        Response r = finish("registrations", s, resp);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("credentialId").asText();
    }

    JsonNode startAuthentication(String text) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", user);
        body.put("format", "countersign-agent");
        body.put("transactionText", text);
        return start("/v1/local/authentications", body);
    }

    AuthenticationChallenge challengeOf(JsonNode started) throws Exception {
        return JSON.treeToValue(started.get("options"), AuthenticationChallenge.class);
    }

    // ---------------------------------------------------------------- flows

    @Test
    void A_3_2_and_A_3_3_faceMatchOnTheDeviceAuthenticatesWithTheFullAssuranceVector() throws Exception {
        JsonNode s = startRegistration();
        RegistrationResponse resp = agent.register(JSON.treeToValue(s.get("options"), RegistrationChallenge.class), origin,
                face("amy", 2));
        Response reg = finish("registrations", s, resp);
        assertThat(reg.status()).as(reg.body()).isEqualTo(201);
        assertThat(reg.json().get("format").asText()).isEqualTo("countersign-agent");
        assertThat(reg.json().get("referenceId").asText()).isNotEmpty();

        JsonNode a = startAuthentication("Transfer 250.00 EUR to J. Smith");
        AssertionResponse assertion = agent.authenticate(challengeOf(a), origin, face("amy", 3));
        Response ok = finish("authentications", a, assertion);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        JsonNode v = ok.json().get("assurance");
        assertThat(v.get("fmr").asDouble()).isEqualTo(1e-4);
        assertThat(v.at("/pad/used").asBoolean()).isTrue();
        assertThat(v.get("credentialProtection").asText()).isEqualTo("software");
        assertThat(v.get("modality").asText()).isEqualTo("face");
        assertThat(v.get("transformLevel").asInt()).isEqualTo(3);
        assertThat(v.get("attestation").asText()).isEqualTo("trusted");
        assertThat(ok.json().get("transactionText").asText()).isEqualTo("Transfer 250.00 EUR to J. Smith");
    }

    @Test
    void SR_M_11_nonMatchSendsNothingAndRepeatedFailuresLockTheCredential() throws Exception {
        String id = register(face("amy", 2));
        JsonNode a = startAuthentication("");
        for (String[] impostor : new String[][] {{"sheldon", "1"}, {"raj", "1"}, {"howard", "1"}, {"howard", "4"}}) {
            assertThatThrownBy(() -> agent.authenticate(challengeOf(a), origin, face(impostor[0], Integer.parseInt(impostor[1]))))
                    .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.NO_MATCH);
        }
        assertThatThrownBy(() -> agent.authenticate(challengeOf(a), origin, face("raj", 2)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.LOCKED);
        assertThatThrownBy(() -> agent.authenticate(challengeOf(a), origin, face("amy", 3)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.LOCKED);
        assertThat(agent.isLocked(id)).isTrue();
    }

    @Test
    void T_M_4_copiedDeviceStoreIsCaughtByTheCounter() throws Exception {
        register(face("amy", 2));
        Path copy = Files.createTempDirectory("stolen");
        copyTree(dir, copy);
        // Code running as the user reads the device key file as well; a software agent cannot stop that (SR-B-9).
        Files.copy(keyFileOf(dir), keyFileOf(copy));
        JsonNode a1 = startAuthentication("");
        assertThat(finish("authentications", a1, agent.authenticate(challengeOf(a1), origin, face("amy", 3))).status())
                .isEqualTo(200);
        try (LocalAuthenticationAgent thief = new LocalAuthenticationAgent(settings(copy),
                attestation, engine, new SecureRandom(), Clock.systemUTC())) {
            // The thief has the victim's face photo and the copied store: the gate opens, the counter gives it away.
            JsonNode a2 = startAuthentication("");
            Response r = finish("authentications", a2, thief.authenticate(challengeOf(a2), origin, face("amy", 5)));
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.json().get("reason").asText()).isEqualTo("counter-regression");
        }
    }

    @Test
    void A_3_4_deregistrationDeletesTheServerCredentialThenTheDeviceKeys() throws Exception {
        String id = register(face("amy", 2));
        Response d = server.delete("/v1/local/users/" + user + "/credentials/" + id, key);
        assertThat(d.status()).isEqualTo(200);
        agent.deregister(JSON.treeToValue(d.json(), DeregistrationView.class).toMessage());
        assertThat(agent.credentialIds()).isEmpty();
        assertThat(Files.exists(dir.resolve(id))).isFalse();
        assertThat(server.post("/v1/local/authentications", key, JSON.writeValueAsString(
                Map.of("userId", user, "format", "countersign-agent"))).status()).isEqualTo(404);
    }

    /** The server's deregistration result as the RP agent receives it. */
    record DeregistrationView(String userId, String credentialId, String format, String referenceId,
            String deregisteredAt) {
        Deregistration toMessage() {
            return new Deregistration(credentialId, referenceId);
        }
    }

    @Test
    void C_1_2_agentAttestedByAnUnknownCaIsRefused() throws Exception {
        LocalCertificateAuthority rogue = LocalCertificateAuthority.create("Rogue CA", Duration.ofDays(10));
        try (LocalAuthenticationAgent fake = new LocalAuthenticationAgent(settings(dir.resolve("fake")),
                rogue.issueClientCertificate("fake agent", Duration.ofDays(5)), engine, new SecureRandom(),
                Clock.systemUTC())) {
            JsonNode s = startRegistration();
            Response r = finish("registrations", s,
                    fake.register(JSON.treeToValue(s.get("options"), RegistrationChallenge.class), origin, face("amy", 2)));
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.json().get("reason").asText()).isEqualTo("untrusted-attestation");
        }
        assertThat(server.get("/v1/local/users/" + user + "/credentials", key).json().get("credentials").size()).isZero();
    }

    @Test
    void transactionTextMustBeTheOneIssued() throws Exception {
        register(face("amy", 2));
        JsonNode a = startAuthentication("Pay 5 EUR");
        AuthenticationChallenge original = challengeOf(a);
        // The relay edits the plain text: the agent reads only the server-signed copy, so it shows and signs 5 EUR.
        AuthenticationChallenge altered = new AuthenticationChallenge(original.challenge(), original.rpId(),
                original.credentialIds(), original.expiresAt(), "Pay 5000 EUR", original.timeout(),
                original.signedChallenge(), original.serverSignature());
        Response r = finish("authentications", a, agent.authenticate(altered, origin, face("amy", 3)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("transactionText").asText()).isEqualTo("Pay 5 EUR");
        // The relay edits the signed copy: the agent refuses before any capture.
        JsonNode a2 = startAuthentication("Pay 5 EUR");
        AuthenticationChallenge o2 = challengeOf(a2);
        String edited = b64(new String(Base64.getUrlDecoder().decode(o2.signedChallenge()),
                java.nio.charset.StandardCharsets.UTF_8).replace("Pay 5 EUR", "Pay 5000 EUR")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        AuthenticationChallenge forged = new AuthenticationChallenge(o2.challenge(), o2.rpId(), o2.credentialIds(),
                o2.expiresAt(), "Pay 5000 EUR", o2.timeout(), edited, o2.serverSignature());
        assertThatThrownBy(() -> agent.authenticate(forged, origin, face("amy", 3)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.SERVER_NOT_AUTHENTIC);
    }

    @Test
    void SR_C_3_challengeSignedForAnotherOriginIsRefused() throws Exception {
        // A relaying app on a sub-domain the tenant never allowed (the agent accepts it as within the RP id, as a
        // WebAuthn client would; the server holds the exact list).
        String relay = "https://relay.agentbank.example";
        JsonNode s = startRegistration();
        assertReason(finish("registrations", s, agent.register(JSON.treeToValue(s.get("options"),
                RegistrationChallenge.class), relay, face("amy", 2))), 403, "bad-origin");
        register(face("amy", 2));
        JsonNode a = startAuthentication("Pay 5 EUR");
        assertReason(finish("authentications", a, agent.authenticate(challengeOf(a), relay, face("amy", 3))), 403,
                "bad-origin");
        // The same user through the genuine app still works.
        JsonNode ok = startAuthentication("Pay 5 EUR");
        assertThat(finish("authentications", ok, agent.authenticate(challengeOf(ok), origin, face("amy", 3))).status())
                .isEqualTo(200);
    }

    @Test
    void SR_C_3_challengeSignedForAnotherRpIdIsRefused() throws Exception {
        register(face("amy", 2));
        JsonNode a = startAuthentication("");
        AuthenticationChallenge c = challengeOf(a);
        // The relay renames the RP in the plain options and hands the challenge to an agent of another RP: the
        // signed copy still names agentbank.example, so that agent refuses.
        Path otherDir = Files.createTempDirectory("other-rp");
        try (LocalAuthenticationAgent other = new LocalAuthenticationAgent(
                AgentSettings.defaults(otherDir, keyFileOf(otherDir), "other.example", serverKey), attestation, engine,
                new SecureRandom(), Clock.systemUTC())) {
            AuthenticationChallenge renamed = new AuthenticationChallenge(c.challenge(), "other.example",
                    c.credentialIds(), c.expiresAt(), c.transactionText(), c.timeout(), c.signedChallenge(),
                    c.serverSignature());
            assertThatThrownBy(() -> other.authenticate(renamed, "https://other.example", face("amy", 3)))
                    .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.CHALLENGE_INVALID);
        } finally {
            Files.deleteIfExists(keyFileOf(otherDir));
        }
        // Signed data naming another RP id is refused by the server.
        AssertionResponse genuine = agent.authenticate(c, origin, face("amy", 3));
        Map<String, Object> data = JSON.readValue(Base64.getUrlDecoder().decode(genuine.assertionData()), Map.class);
        data.put("rpId", "other.example");
        JsonNode a2 = startAuthentication("");
        data.put("challenge", a2.at("/options/challenge").asText());
        assertReason(finish("authentications", a2, new AssertionResponse(genuine.credentialId(),
                b64(JSON.writeValueAsBytes(data)), genuine.signature())), 403, "bad-rp-id");
    }

    @Test
    void SR_C_5_agentRefusesAChallengeFromAnotherServer() throws Exception {
        String otherKey = server.createTenant("otherbank");
        assertThat(server.post("/v1/users", otherKey, "{\"userId\":\"" + user + "\"}").status()).isEqualTo(201);
        String version = server.get("/v1/local/privacy-notice", null).json().get("version").asText();
        server.post("/v1/local/users/" + user + "/consent", otherKey, "{\"noticeVersion\":\"" + version + "\"}");
        Response r = server.post("/v1/local/registrations", otherKey,
                JSON.writeValueAsString(Map.of("userId", user, "format", "countersign-agent")));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(serverKey(otherKey)).isNotEqualTo(serverKey);
        // The agent was set up with agentbank's key: a challenge signed by anybody else is refused before capture.
        assertThatThrownBy(() -> agent.register(JSON.treeToValue(r.json().get("options"), RegistrationChallenge.class),
                origin, face("amy", 2)))
                .extracting(e -> ((AgentException) e).reason()).isEqualTo(AgentException.Reason.SERVER_NOT_AUTHENTIC);
        // The same key is served on every call (pinning needs a stable key).
        assertThat(serverKey(key)).isEqualTo(serverKey);
    }

    @Test
    void badAgentInputGivesProblemsAndStoresNothing() throws Exception {
        JsonNode s = startRegistration();
        RegistrationResponse good = agent.register(JSON.treeToValue(s.get("options"), RegistrationChallenge.class), origin,
                face("amy", 2));
        // Not JSON inside the signed data.
        assertReason(finish("registrations", startRegistration(), new RegistrationResponse(
                b64("{oops".getBytes()), good.credentialSignature(), good.attestationSignature(),
                good.attestationChain())), 400, "malformed");
        // Truncated attestation certificate.
        String leaf = good.attestationChain().get(0);
        JsonNode s4 = startRegistration();
        RegistrationResponse fresh = agent.register(JSON.treeToValue(s4.get("options"), RegistrationChallenge.class), origin,
                face("amy", 2));
        assertReason(finish("registrations", s4, new RegistrationResponse(fresh.registrationData(),
                fresh.credentialSignature(), fresh.attestationSignature(), List.of(leaf.substring(0, leaf.length() / 2)))),
                400, "malformed");
        // A P-384 key where ES256 is required.
        JsonNode s2 = startRegistration();
        Map<String, Object> data = JSON.readValue(Base64.getUrlDecoder().decode(good.registrationData()), Map.class);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        data.put("publicKey", b64(g.generateKeyPair().getPublic().getEncoded()));
        data.put("challenge", s2.at("/options/challenge").asText());
        assertReason(finish("registrations", s2, new RegistrationResponse(b64(JSON.writeValueAsBytes(data)),
                good.credentialSignature(), good.attestationSignature(), good.attestationChain())), 400,
                "unsupported-algorithm");
        // The genuine response against a ceremony it was not made for.
        assertReason(finish("registrations", startRegistration(), good), 403, "bad-challenge");
        // Signed data edited after signing (user id swapped).
        JsonNode s3 = startRegistration();
        Map<String, Object> edited = JSON.readValue(Base64.getUrlDecoder().decode(good.registrationData()), Map.class);
        edited.put("challenge", s3.at("/options/challenge").asText());
        assertReason(finish("registrations", s3, new RegistrationResponse(b64(JSON.writeValueAsBytes(edited)),
                good.credentialSignature(), good.attestationSignature(), good.attestationChain())), 403, "bad-signature");
        assertThat(server.get("/v1/local/users/" + user + "/credentials", key).json().get("credentials").size()).isZero();
        // And the genuine one still works for its own ceremony.
        assertThat(finish("registrations", s, good).status()).isEqualTo(201);
    }

    // ---------------------------------------------------------------- forged attestations and claims

    /** The registration an attacker builds: own credential key, chosen claims, signed by {@code attestationKey}. */
    RegistrationResponse forged(JsonNode started, RegistrationResponse template, Map<String, Object> assurance,
            java.security.PrivateKey attestationKey, List<String> chain) throws Exception {
        Map<String, Object> data = JSON.readValue(Base64.getUrlDecoder().decode(template.registrationData()), Map.class);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        java.security.KeyPair credential = g.generateKeyPair();
        byte[] id = new byte[32];
        new SecureRandom().nextBytes(id);
        data.put("challenge", started.at("/options/challenge").asText());
        data.put("credentialId", b64(id));
        data.put("publicKey", b64(credential.getPublic().getEncoded()));
        data.put("assurance", assurance);
        byte[] signed = JSON.writeValueAsBytes(data);
        return new RegistrationResponse(b64(signed), b64(der(credential.getPrivate(), signed)),
                attestationKey == null ? null : b64(der(attestationKey, signed)), chain);
    }

    static byte[] der(java.security.PrivateKey key, byte[] data) throws Exception {
        java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    static Map<String, Object> strongClaims() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("modality", "face");
        a.put("fmr", 1e-6);
        a.put("pad", true);
        a.put("apcer", 0.001);
        a.put("bpcer", 0.01);
        a.put("credentialProtection", "hardware-backed");
        a.put("transformLevel", 3);
        return a;
    }

    RegistrationResponse genuine() throws Exception {
        return agent.register(JSON.treeToValue(startRegistration().get("options"), RegistrationChallenge.class), origin,
                face("amy", 2));
    }

    @Test
    void SR_B_6_prependedSelfSignedCertificateIsRefused() throws Exception {
        RegistrationResponse genuine = genuine();
        // The attacker's own self-signed certificate in front of the genuine public chain, its key signing.
        LocalCertificateAuthority self = LocalCertificateAuthority.create("Totally Genuine Secure Element", Duration.ofDays(5));
        List<String> chain = new java.util.ArrayList<>();
        chain.add(Base64.getEncoder().encodeToString(self.certificate().getEncoded()));
        chain.addAll(genuine.attestationChain());
        JsonNode s = startRegistration();
        Response r = finish("registrations", s, forged(s, genuine, strongClaims(), self.privateKey(), chain));
        assertReason(r, 403, "untrusted-attestation");
        assertThat(server.get("/v1/local/users/" + user + "/credentials", key).json().get("credentials").size()).isZero();
    }

    @Test
    void SR_M_10_chainWhoseLeafIsNotTheSignerIsRefused() throws Exception {
        RegistrationResponse genuine = genuine();
        // A second genuine certificate from the same CA (another device's) signs, the victim vendor's leaf is shown.
        IssuedCertificate other = agentCa.issueClientCertificate("another device", Duration.ofDays(5));
        JsonNode s = startRegistration();
        assertReason(finish("registrations", s, forged(s, genuine, strongClaims(), other.privateKey(),
                genuine.attestationChain())), 403, "bad-attestation");
        // The signer's certificate placed after the genuine leaf: the leaf is still not the signer.
        List<String> both = new java.util.ArrayList<>(genuine.attestationChain().subList(0, 1));
        both.add(Base64.getEncoder().encodeToString(other.certificate().getEncoded()));
        JsonNode s2 = startRegistration();
        Response r = finish("registrations", s2, forged(s2, genuine, strongClaims(), other.privateKey(), both));
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        // The CA certificate first (self-issued leaf), then the genuine leaf.
        List<String> rootFirst = List.of(genuine.attestationChain().get(1), genuine.attestationChain().get(0));
        JsonNode s3 = startRegistration();
        assertReason(finish("registrations", s3, forged(s3, genuine, strongClaims(), attestation.privateKey(),
                rootFirst)), 403, "untrusted-attestation");
        assertThat(server.get("/v1/local/users/" + user + "/credentials", key).json().get("credentials").size()).isZero();
    }

    @Test
    void SR_M_15_softwareAgentCannotClaimHardwareBackedProtection() throws Exception {
        // A modified build that still holds the (software, extractable) attestation key claims a secure element.
        RegistrationResponse genuine = genuine();
        JsonNode s = startRegistration();
        Response r = finish("registrations", s, forged(s, genuine, strongClaims(), attestation.privateKey(),
                genuine.attestationChain()));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().at("/assurance/credentialProtection").asText()).isEqualTo("software");
    }

    @Test
    void SR_M_8_noneAttestationIsRefusedByDefaultOnceTheTenantTrustsRoots() throws Exception {
        try {
            Response p = server.send("PUT", "/v1/local/policy", key, "application/json", JSON.writeValueAsBytes(
                    Map.of("trustedRoots", List.of(agentCaPem()))));
            assertThat(p.status()).as(p.body()).isEqualTo(200);
            RegistrationResponse genuine = genuine();
            JsonNode s = startRegistration();
            assertReason(finish("registrations", s, forged(s, genuine, strongClaims(), null, List.of())), 403,
                    "none-attestation-refused");
        } finally {
            trustAgentCa();
        }
    }

    @Test
    void SR_M_8_unattestedCredentialIsMarkedAsSuchInTheVector() throws Exception {
        try {
            Response p = server.send("PUT", "/v1/local/policy", key, "application/json", JSON.writeValueAsBytes(
                    Map.of("allowNoneAttestation", true, "trustedRoots", List.of(agentCaPem()))));
            assertThat(p.status()).as(p.body()).isEqualTo(200);
            RegistrationResponse genuine = genuine();
            JsonNode s = startRegistration();
            Response r = finish("registrations", s, forged(s, genuine, strongClaims(), null, List.of()));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            JsonNode v = r.json().get("assurance");
            assertThat(v.get("attestation").asText()).isEqualTo("none");
            // Nothing an unattested device says about itself is recorded as fact.
            assertThat(v.path("fmr").isNumber()).isFalse();
            assertThat(v.at("/pad/used").asBoolean()).isFalse();
            assertThat(v.get("credentialProtection").asText()).isEqualTo("unknown");
            assertThat(v.get("modality").asText()).isEqualTo("unknown");
            assertThat(v.path("transformLevel").isNumber()).isFalse();
        } finally {
            trustAgentCa();
        }
    }

    static void assertReason(Response r, int status, String reason) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("reason").asText()).isEqualTo(reason);
    }

    static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
