package org.countersign.server.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.countersign.server.TestServer;
import org.countersign.server.TestServer.Response;
import org.countersign.testkit.emulators.EmulatedAuthenticator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The WebAuthn relying party against a byte-level emulated authenticator: every attack of issue 6 that a browser
 * would never produce on its own (cleared UV flag, foreign RP id, cloned counter, forged attestation) is built here
 * and must be refused with a problem body and nothing stored. Test names cite the 27553-1 clause they exercise.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalWebAuthnApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    TestServer server;
    String key;
    String tenant;
    String origin;
    String rpId;
    String user;
    int users;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.onPostgres(c -> c);
        tenant = "bank";
        key = server.createTenant(tenant);
        origin = "https://bank.example";
        rpId = "bank.example";
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void freshUser() throws Exception {
        user = "user-" + (++users);
        assertThat(post("/v1/users", Map.of("userId", user)).status()).isEqualTo(201);
        consent(user);
    }

    // ---------------------------------------------------------------- helpers

    Response post(String path, Object body) throws Exception {
        return server.post(path, key, JSON.writeValueAsString(body));
    }

    void consent(String userId) throws Exception {
        String version = server.get("/v1/local/privacy-notice", null).json().get("version").asText();
        assertThat(post("/v1/local/users/" + userId + "/consent", Map.of("noticeVersion", version)).status()).isEqualTo(201);
    }

    JsonNode startRegistration(String userId) throws Exception {
        Response r = post("/v1/local/registrations", Map.of("userId", userId, "format", "webauthn"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    Response register(EmulatedAuthenticator a, String userId) throws Exception {
        JsonNode s = startRegistration(userId);
        return post("/v1/local/registrations/" + s.get("ceremonyId").asText() + "/finish",
                Map.of("webauthn", a.create(rpId, s.at("/options/challenge").asText(), origin)));
    }

    EmulatedAuthenticator registered() throws Exception {
        EmulatedAuthenticator a = new EmulatedAuthenticator();
        Response r = register(a, user);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return a;
    }

    JsonNode startAuthentication(String userId, String text) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", userId);
        body.put("format", "webauthn");
        if (text != null) {
            body.put("transactionText", text);
        }
        Response r = post("/v1/local/authentications", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    Response finishAuthentication(JsonNode started, Map<String, Object> webauthn) throws Exception {
        return post("/v1/local/authentications/" + started.get("ceremonyId").asText() + "/finish",
                Map.of("webauthn", webauthn));
    }

    Response authenticate(EmulatedAuthenticator a) throws Exception {
        JsonNode s = startAuthentication(user, null);
        return finishAuthentication(s, a.get(rpId, s.at("/options/challenge").asText(), origin));
    }

    int credentialCount(String userId) throws Exception {
        return server.get("/v1/local/users/" + userId + "/credentials", key).json().get("credentials").size();
    }

    static void assertProblem(Response r, int status, String type, String reason) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("type").asText()).endsWith("/" + type);
        if (reason != null) {
            assertThat(r.json().get("reason").asText()).isEqualTo(reason);
        }
    }

    // ---------------------------------------------------------------- flows

    @Test
    void A_3_2_and_A_3_3_registrationThenAuthenticationReportTheAssuranceVector() throws Exception {
        JsonNode s = startRegistration(user);
        assertThat(s.at("/options/authenticatorSelection/userVerification").asText()).isEqualTo("required");
        assertThat(s.at("/options/rp/id").asText()).isEqualTo(rpId);
        EmulatedAuthenticator a = new EmulatedAuthenticator();
        Response reg = post("/v1/local/registrations/" + s.get("ceremonyId").asText() + "/finish",
                Map.of("webauthn", a.create(rpId, s.at("/options/challenge").asText(), origin)));
        assertThat(reg.status()).as(reg.body()).isEqualTo(201);
        assertThat(reg.json().get("credentialId").asText()).isEqualTo(a.credentialIdB64());
        assertThat(reg.json().at("/assurance/attestation").asText()).isEqualTo("none");

        JsonNode auth = startAuthentication(user, "Pay 120.00 EUR to ACME");
        Response ok = finishAuthentication(auth, a.get(rpId, auth.at("/options/challenge").asText(), origin));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        JsonNode v = ok.json();
        assertThat(v.get("verified").asBoolean()).isTrue();
        assertThat(v.get("transactionText").asText()).isEqualTo("Pay 120.00 EUR to ACME");
        assertThat(v.at("/assurance/credentialProtection").asText()).isEqualTo("unknown");
        assertThat(v.at("/assurance/modality").asText()).isEqualTo("unknown");
        assertThat(v.at("/assurance/attestation").asText()).isEqualTo("none");
        assertThat(server.get("/v1/local/users/" + user + "/credentials", key).json()
                .at("/credentials/0/signCount").asLong()).isEqualTo(1);
        // B-S2: the vector is in the audit log too, with the transaction text the user approved.
        try (var c = server.node.store().dataSource().getConnection();
                var ps = c.prepareStatement("select details::text from audit_events where action = 'local.authenticate'"
                        + " and subject = ? and outcome = 'success'")) {
            ps.setString(1, user);
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).contains("\"attestation\": \"none\"").contains("\"fmr\": \"unknown\"")
                        .contains("\"credentialProtection\": \"unknown\"").contains("Pay 120.00 EUR to ACME");
            }
        }
    }

    @Test
    void A_3_3_g_assertionWithoutUserVerificationIsRefused() throws Exception {
        EmulatedAuthenticator a = registered();
        a.userVerified(false);
        assertProblem(authenticate(a), 403, "local-verification-failed", "user-not-verified");
    }

    @Test
    void A_3_2_registrationWithoutUserVerificationIsRefusedAndNothingStored() throws Exception {
        EmulatedAuthenticator a = new EmulatedAuthenticator();
        a.userVerified(false);
        assertProblem(register(a, user), 403, "local-verification-failed", "user-not-verified");
        assertThat(credentialCount(user)).isZero();
    }

    @Test
    void T_M_4_clonedAuthenticatorIsCaughtByCounterRegression() throws Exception {
        EmulatedAuthenticator genuine = registered();
        EmulatedAuthenticator clone = new EmulatedAuthenticator(genuine);
        assertThat(authenticate(genuine).status()).isEqualTo(200);
        assertThat(authenticate(genuine).status()).isEqualTo(200);
        // The clone was copied before those two uses: its next counter is not above the stored one.
        assertProblem(authenticate(clone), 403, "local-verification-failed", "counter-regression");
    }

    @Test
    void SR_C_3_wrongOriginIsRefused() throws Exception {
        EmulatedAuthenticator a = registered();
        JsonNode s = startAuthentication(user, null);
        assertProblem(finishAuthentication(s, a.get(rpId, s.at("/options/challenge").asText(), "https://evil.example")),
                403, "local-verification-failed", "bad-origin");
        EmulatedAuthenticator b = new EmulatedAuthenticator();
        JsonNode r = startRegistration(user);
        Response reg = post("/v1/local/registrations/" + r.get("ceremonyId").asText() + "/finish",
                Map.of("webauthn", b.create(rpId, r.at("/options/challenge").asText(), "https://bank.example.evil.test")));
        assertProblem(reg, 403, "local-verification-failed", "bad-origin");
    }

    @Test
    void SR_C_3_wrongRpIdIsRefused() throws Exception {
        EmulatedAuthenticator a = registered();
        JsonNode s = startAuthentication(user, null);
        assertProblem(finishAuthentication(s, a.get("evil.example", s.at("/options/challenge").asText(), origin)),
                403, "local-verification-failed", "bad-rp-id");
    }

    @Test
    void SR_C_4_replayedAssertionIsRefused() throws Exception {
        EmulatedAuthenticator a = registered();
        JsonNode s = startAuthentication(user, null);
        Map<String, Object> assertion = a.get(rpId, s.at("/options/challenge").asText(), origin);
        assertThat(finishAuthentication(s, assertion).status()).isEqualTo(200);
        // Same ceremony again: its challenge is spent.
        assertProblem(finishAuthentication(s, assertion), 410, "local-ceremony-expired", "ceremony-expired");
        // Against a fresh ceremony: the old signature answers the old challenge.
        JsonNode fresh = startAuthentication(user, null);
        assertProblem(finishAuthentication(fresh, assertion), 403, "local-verification-failed", "bad-challenge");
    }

    @Test
    void SR_C_4_expiredChallengeIsRefused() throws Exception {
        EmulatedAuthenticator a = registered();
        JsonNode s = startAuthentication(user, null);
        // Age the ceremony in the store instead of waiting: no timing in tests.
        try (var c = server.node.store().dataSource().getConnection();
                var ps = c.prepareStatement("update local_challenges set expires_at = created_at - interval '1 second'"
                        + " where id = ?")) {
            ps.setString(1, s.get("ceremonyId").asText());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertProblem(finishAuthentication(s, a.get(rpId, s.at("/options/challenge").asText(), origin)), 410,
                "local-ceremony-expired", "ceremony-expired");
    }

    @Test
    void unknownCredentialIsRefused() throws Exception {
        registered();
        EmulatedAuthenticator stranger = new EmulatedAuthenticator();
        JsonNode s = startAuthentication(user, null);
        assertProblem(finishAuthentication(s, stranger.get(rpId, s.at("/options/challenge").asText(), origin)),
                403, "local-verification-failed", "unknown-credential");
    }

    @Test
    void tamperedClientDataJsonIsRefused() throws Exception {
        EmulatedAuthenticator a = registered();
        JsonNode s = startAuthentication(user, null);
        Map<String, Object> assertion = new LinkedHashMap<>(a.get(rpId, s.at("/options/challenge").asText(), origin));
        String cd = new String(Base64.getUrlDecoder().decode((String) assertion.get("clientDataJSON")));
        assertion.put("clientDataJSON", EmulatedAuthenticator.b64((cd.replace("\"crossOrigin\":false",
                "\"crossOrigin\":false,\"note\":\"x\"")).getBytes()));
        assertProblem(finishAuthentication(s, assertion), 403, "local-verification-failed", "bad-signature");
    }

    @Test
    void revokedCredentialIsRefusedAndDeregistrationReportsWhatToDelete() throws Exception {
        EmulatedAuthenticator a = registered();
        JsonNode pending = startAuthentication(user, null);
        Response rv = server.send("POST", "/v1/local/users/" + user + "/credentials/" + a.credentialIdB64() + "/revoke",
                key, null, null);
        assertThat(rv.status()).isEqualTo(204);
        assertProblem(finishAuthentication(pending, a.get(rpId, pending.at("/options/challenge").asText(), origin)),
                403, "local-verification-failed", "credential-revoked");
        assertThat(post("/v1/local/authentications", Map.of("userId", user, "format", "webauthn")).status())
                .isEqualTo(404);
        Response d = server.delete("/v1/local/users/" + user + "/credentials/" + a.credentialIdB64(), key);
        assertThat(d.status()).isEqualTo(200);
        assertThat(d.json().get("credentialId").asText()).isEqualTo(a.credentialIdB64());
        assertThat(credentialCount(user)).isZero();
    }

    @Test
    void SR_M_13_compromiseReportBlocksTheCredentialAndIsAudited() throws Exception {
        EmulatedAuthenticator a = registered();
        JsonNode pending = startAuthentication(user, null);
        Response r = post("/v1/local/users/" + user + "/credentials/" + a.credentialIdB64() + "/compromise",
                Map.of("detail", "agent integrity check failed"));
        assertThat(r.status()).as(r.body()).isEqualTo(204);
        assertProblem(finishAuthentication(pending, a.get(rpId, pending.at("/options/challenge").asText(), origin)),
                403, "local-verification-failed", "credential-revoked");
        try (var c = server.node.store().dataSource().getConnection();
                var ps = c.prepareStatement("select count(*) from audit_events where action = 'local.compromise-report'"
                        + " and subject = ?")) {
            ps.setString(1, user);
            try (var rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    // ---------------------------------------------------------------- attestation trust (Annex C proof keys)

    @Test
    void C_1_2_attestationFromUntrustedRootIsRefusedAndFromTrustedRootAccepted() throws Exception {
        AttestationPki vendor = new AttestationPki();
        AttestationPki other = new AttestationPki();
        try {
            assertThat(server.send("PUT", "/v1/local/policy", key, "application/json", JSON.writeValueAsBytes(
                    Map.of("allowNoneAttestation", false, "trustedRoots", List.of(other.rootPem())))).status())
                    .isEqualTo(200);
            EmulatedAuthenticator a = new EmulatedAuthenticator();
            a.attestWith(List.of(vendor.leaf), vendor.leafKeys.getPrivate());
            assertProblem(register(a, user), 403, "local-attestation-refused", "untrusted-attestation");

            EmulatedAuthenticator none = new EmulatedAuthenticator();
            assertProblem(register(none, user), 403, "local-attestation-refused", "none-attestation-refused");
            assertThat(credentialCount(user)).isZero();

            server.send("PUT", "/v1/local/policy", key, "application/json", JSON.writeValueAsBytes(
                    Map.of("allowNoneAttestation", false, "trustedRoots", List.of(vendor.rootPem()))));
            Response ok = register(a, user);
            assertThat(ok.status()).as(ok.body()).isEqualTo(201);
            assertThat(ok.json().at("/assurance/attestation").asText()).isEqualTo("trusted");
        } finally {
            resetPolicy();
        }
    }

    @Test
    void SR_M_8_noneAttestationIsRefusedByDefaultOnceTheTenantTrustsRoots() throws Exception {
        AttestationPki vendor = new AttestationPki();
        try {
            // The tenant names a root and says nothing about "none": a passkey without attestation is refused.
            Response p = server.send("PUT", "/v1/local/policy", key, "application/json", JSON.writeValueAsBytes(
                    Map.of("trustedRoots", List.of(vendor.rootPem()))));
            assertThat(p.status()).as(p.body()).isEqualTo(200);
            assertThat(server.get("/v1/local/policy", key).json().get("allowNoneAttestation").asBoolean()).isFalse();
            assertProblem(register(new EmulatedAuthenticator(), user), 403, "local-attestation-refused",
                    "none-attestation-refused");
            assertThat(credentialCount(user)).isZero();
            // Saying so explicitly still allows it, and the vector then says "none".
            server.send("PUT", "/v1/local/policy", key, "application/json", JSON.writeValueAsBytes(
                    Map.of("allowNoneAttestation", true, "trustedRoots", List.of(vendor.rootPem()))));
            Response ok = register(new EmulatedAuthenticator(), user);
            assertThat(ok.status()).as(ok.body()).isEqualTo(201);
            assertThat(ok.json().at("/assurance/attestation").asText()).isEqualTo("none");
            assertThat(ok.json().at("/assurance/credentialProtection").asText()).isEqualTo("unknown");
        } finally {
            resetPolicy();
        }
    }

    @Test
    void B_S2_minimumAssuranceRefusesWithReasons() throws Exception {
        EmulatedAuthenticator a = registered();
        try {
            server.send("PUT", "/v1/local/policy", key, "application/json", JSON.writeValueAsBytes(
                    Map.of("allowNoneAttestation", true, "minimum", Map.of("maxFmr", 1e-4, "minAttestation", "trusted"))));
            Response r = authenticate(a);
            assertProblem(r, 403, "local-assurance-insufficient", "assurance-insufficient");
            assertThat(r.json().get("unmet").toString()).contains("fmr unknown").contains("attestation none below trusted");
            assertThat(r.json().at("/assurance/attestation").asText()).isEqualTo("none");
        } finally {
            resetPolicy();
        }
    }

    @Test
    void rpIdMustBelongToAnAllowedOrigin() throws Exception {
        Response bad = server.send("PUT", "/v1/local/policy", key, "application/json",
                JSON.writeValueAsBytes(Map.of("allowNoneAttestation", true, "rpId", "evil.example")));
        assertProblem(bad, 400, "validation-failed", null);
        Response parent = server.send("PUT", "/v1/local/policy", key, "application/json",
                JSON.writeValueAsBytes(Map.of("allowNoneAttestation", true, "rpId", "example")));
        assertThat(parent.status()).isEqualTo(200);
        resetPolicy();
    }

    void resetPolicy() throws Exception {
        server.send("PUT", "/v1/local/policy", key, "application/json",
                JSON.writeValueAsBytes(Map.of("allowNoneAttestation", true)));
    }

    // ---------------------------------------------------------------- hostile input

    @Test
    void malformedCborTruncatedObjectsAndWrongAlgorithmsGiveProblemsAndStoreNothing() throws Exception {
        EmulatedAuthenticator a = new EmulatedAuthenticator();
        JsonNode s = startRegistration(user);
        Map<String, Object> good = a.create(rpId, s.at("/options/challenge").asText(), origin);
        byte[] ao = Base64.getUrlDecoder().decode((String) good.get("attestationObject"));

        Map<String, Object> garbage = new LinkedHashMap<>(good);
        garbage.put("attestationObject", EmulatedAuthenticator.b64(new byte[] {(byte) 0xff, 0x00, 0x13, 0x37}));
        assertProblem(finishRegistrationWith(garbage), 400, "local-malformed-response", "malformed");

        Map<String, Object> truncated = new LinkedHashMap<>(good);
        truncated.put("attestationObject", EmulatedAuthenticator.b64(java.util.Arrays.copyOf(ao, ao.length - 20)));
        assertProblem(finishRegistrationWith(truncated), 400, "local-malformed-response", "malformed");

        Map<String, Object> notJson = new LinkedHashMap<>(good);
        notJson.put("clientDataJSON", EmulatedAuthenticator.b64("{not json".getBytes()));
        assertProblem(finishRegistrationWith(notJson), 400, "local-malformed-response", "malformed");

        Map<String, Object> notBase64 = new LinkedHashMap<>(good);
        notBase64.put("attestationObject", "***");
        assertProblem(finishRegistrationWith(notBase64), 400, "local-malformed-response", "malformed");

        EmulatedAuthenticator es512 = new EmulatedAuthenticator();
        es512.coseAlgorithm(-36); // claims ES512 on a P-256 key: not an offered algorithm
        Response wrongAlg = register(es512, user);
        assertThat(wrongAlg.status()).as(wrongAlg.body()).isBetween(400, 499);
        assertThat(wrongAlg.contentType()).startsWith("application/problem+json");

        Response bothFormats = post("/v1/local/registrations/x/finish", Map.of("webauthn", good, "agent", Map.of()));
        assertProblem(bothFormats, 400, "validation-failed", null);
        Response badJson = server.post("/v1/local/registrations/x/finish", key, "{\"webauthn\":");
        assertProblem(badJson, 400, "malformed-json", null);
        assertThat(credentialCount(user)).isZero();
    }

    Response finishRegistrationWith(Map<String, Object> webauthn) throws Exception {
        JsonNode s = startRegistration(user);
        return post("/v1/local/registrations/" + s.get("ceremonyId").asText() + "/finish", Map.of("webauthn", webauthn));
    }

    // ---------------------------------------------------------------- privacy (clause 10, B-P1)

    @Test
    void privacy_10_2_consentIsNeededBeforeTheFirstEnrolment() throws Exception {
        assertThat(post("/v1/users", Map.of("userId", "no-consent")).status()).isEqualTo(201);
        assertProblem(post("/v1/local/registrations", Map.of("userId", "no-consent", "format", "webauthn")), 403,
                "local-consent-required", "consent-required");
        assertProblem(post("/v1/local/users/no-consent/consent", Map.of("noticeVersion", "old")), 400,
                "validation-failed", null);
    }

    @Test
    void privacy_10_2_subjectCanListExportDeleteAndWithdraw() throws Exception {
        EmulatedAuthenticator a = registered();
        JsonNode data = server.get("/v1/local/users/" + user + "/data", key).json();
        assertThat(data.get("biometricDataHeldByServer").asBoolean()).isFalse();
        assertThat(data.get("consents").size()).isEqualTo(1);
        assertThat(data.at("/credentials/0/credentialId").asText()).isEqualTo(a.credentialIdB64());

        Response export = server.get("/v1/local/users/" + user + "/data/export", key);
        assertThat(export.header("Content-Disposition")).contains("attachment");
        assertThat(export.json().has("exportedAt")).isTrue();

        Response withdrawn = server.delete("/v1/local/users/" + user + "/consent", key);
        assertThat(withdrawn.status()).isEqualTo(200);
        assertThat(withdrawn.json().at("/deregistered/0/credentialId").asText()).isEqualTo(a.credentialIdB64());
        assertThat(credentialCount(user)).isZero();
        assertProblem(post("/v1/local/registrations", Map.of("userId", user, "format", "webauthn")), 403,
                "local-consent-required", "consent-required");

        consent(user);
        registered();
        Response deleted = server.delete("/v1/local/users/" + user + "/data", key);
        assertThat(deleted.json().get("deregistered").size()).isEqualTo(1);
        assertThat(credentialCount(user)).isZero();
    }

    @Test
    void tenantsCannotSeeEachOthersCredentials() throws Exception {
        EmulatedAuthenticator a = registered();
        String otherKey = server.createTenant("shop");
        assertThat(server.get("/v1/local/users/" + user + "/credentials", otherKey).status()).isEqualTo(404);
        assertThat(server.delete("/v1/local/users/" + user + "/credentials/" + a.credentialIdB64(), otherKey).status())
                .isEqualTo(404);
    }
}
