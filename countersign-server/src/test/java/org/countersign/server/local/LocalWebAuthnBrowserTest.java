package org.countersign.server.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonObject;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import java.util.List;
import java.util.Map;
import org.countersign.server.TestServer;
import org.countersign.testkit.TestBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The WebAuthn ceremonies in real headless Chromium with the DevTools virtual authenticator (a platform
 * authenticator with user verification, i.e. the biometric gate of 27553-1 A.3.3 e-g). The page is served by a
 * test relying party on {@code http://localhost}; Countersign checks origin, RP id, challenge, UV and counter.
 */
@Tag("integration")
@ExtendWith(TestBrowser.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalWebAuthnBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    TestServer server;
    TestRelyingParty rp;
    TestRelyingParty foreignRp;
    String key;
    Browser browser;
    BrowserContext context;
    Page page;
    CDPSession cdp;
    String authenticatorId;
    int users;
    String user;

    @BeforeAll
    void start(Browser browser) throws Exception {
        this.browser = browser;
        server = TestServer.onPostgres(c -> c);
        rp = new TestRelyingParty(server);
        foreignRp = new TestRelyingParty(server); // same API key, but its origin is not in allowedOrigins
        TestServer.Response t = server.post("/v1/admin/tenants", server.adminToken, JSON.writeValueAsString(Map.of(
                "id", "webrp", "displayName", "Web RP", "allowedOrigins", List.of(rp.origin()))));
        assertThat(t.status()).as(t.body()).isEqualTo(201);
        key = t.json().get("apiKey").asText();
        rp.apiKey = key;
        foreignRp.apiKey = key;
    }

    @AfterAll
    void stop() throws Exception {
        rp.close();
        foreignRp.close();
        server.close();
    }

    @BeforeEach
    void freshPageAndUser() throws Exception {
        user = "web-" + (++users);
        assertThat(server.post("/v1/users", key, "{\"userId\":\"" + user + "\"}").status()).isEqualTo(201);
        String version = server.get("/v1/local/privacy-notice", null).json().get("version").asText();
        assertThat(server.post("/v1/local/users/" + user + "/consent", key,
                "{\"noticeVersion\":\"" + version + "\"}").status()).isEqualTo(201);
        open(rp);
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    void open(TestRelyingParty which) {
        context = browser.newContext();
        page = context.newPage();
        page.navigate(which.origin() + "/");
        cdp = context.newCDPSession(page);
        cdp.send("WebAuthn.enable");
        authenticatorId = addAuthenticator();
    }

    String addAuthenticator() {
        return TestBrowser.addPlatformAuthenticator(cdp);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> js(String expression, Object arg) {
        return (Map<String, Object>) page.evaluate(expression, arg);
    }

    Map<String, Object> register() {
        return js("u => registerUser(u)", user);
    }

    Map<String, Object> authenticate(Map<String, Object> opts) {
        return js("([u, o]) => authenticateUser(u, o)", List.of(user, opts));
    }

    static int status(Map<String, Object> r) {
        return ((Number) r.get("status")).intValue();
    }

    @SuppressWarnings("unchecked")
    static String reason(Map<String, Object> r) {
        Map<String, Object> body = (Map<String, Object>) r.get("body");
        return body == null ? null : (String) body.get("reason");
    }

    // ---------------------------------------------------------------- tests

    @Test
    void A_3_2_and_A_3_3_browserRegistersAndAuthenticatesWithUserVerification() {
        Map<String, Object> reg = register();
        assertThat(status(reg)).as(reg.toString()).isEqualTo(201);
        Map<String, Object> auth = authenticate(Map.of());
        assertThat(status(auth)).as(auth.toString()).isEqualTo(200);
        assertThat(auth.get("body").toString()).contains("verified=true").contains("attestation=none");
    }

    @Test
    void A_3_3_g_withoutUserVerificationTheBrowserOrTheServerRefuses() {
        assertThat(status(register())).isEqualTo(201);
        JsonObject p = new JsonObject();
        p.addProperty("authenticatorId", authenticatorId);
        p.addProperty("isUserVerified", false);
        cdp.send("WebAuthn.setUserVerified", p);
        // A page that honestly asks for UV gets nothing from the authenticator ...
        Map<String, Object> honest = authenticate(Map.of());
        assertThat(status(honest)).as(honest.toString()).isIn(-1, 403);
        // ... and a page that lowers the requirement gets an assertion without UV, which the server refuses.
        Map<String, Object> lowered = authenticate(Map.of("uv", "discouraged"));
        assertThat(status(lowered)).as(lowered.toString()).isEqualTo(403);
        assertThat(reason(lowered)).isEqualTo("user-not-verified");
    }

    @Test
    void T_M_4_clonedAuthenticatorIsRefusedByCounterRegression() {
        assertThat(status(register())).isEqualTo(201);
        JsonObject q = new JsonObject();
        q.addProperty("authenticatorId", authenticatorId);
        JsonObject snapshot = cdp.send("WebAuthn.getCredentials", q).getAsJsonArray("credentials").get(0).getAsJsonObject();
        assertThat(status(authenticate(Map.of()))).isEqualTo(200);
        assertThat(status(authenticate(Map.of()))).isEqualTo(200);
        // The attacker's copy: same private key, counter as it was when copied.
        cdp.send("WebAuthn.removeVirtualAuthenticator", q);
        authenticatorId = addAuthenticator();
        JsonObject add = new JsonObject();
        add.addProperty("authenticatorId", authenticatorId);
        add.add("credential", snapshot);
        cdp.send("WebAuthn.addCredential", add);
        Map<String, Object> cloned = authenticate(Map.of());
        assertThat(status(cloned)).as(cloned.toString()).isEqualTo(403);
        assertThat(reason(cloned)).isEqualTo("counter-regression");
    }

    @Test
    void SR_C_3_pageFromAnOriginTheTenantDoesNotAllowIsRefused() {
        context.close();
        open(foreignRp);
        Map<String, Object> reg = register();
        assertThat(status(reg)).as(reg.toString()).isEqualTo(403);
        assertThat(reason(reg)).isEqualTo("bad-origin");
        assertThat(credentialCount()).isZero();
    }

    @Test
    void SR_C_4_replayedAssertionIsRefused() throws Exception {
        assertThat(status(register())).isEqualTo(201);
        assertThat(status(authenticate(Map.of()))).isEqualTo(200);
        String[] last = rp.lastAssertion.get();
        TestServer.Response replay = server.post(last[0], key, last[1]);
        assertThat(replay.status()).isEqualTo(410);
        assertThat(replay.json().get("reason").asText()).isEqualTo("ceremony-expired");
    }

    @Test
    void tamperedClientDataJsonIsRefused() {
        assertThat(status(register())).isEqualTo(201);
        Map<String, Object> r = authenticate(Map.of("tamper", true));
        assertThat(status(r)).as(r.toString()).isEqualTo(403);
        assertThat(reason(r)).isIn("bad-challenge", "bad-signature");
    }

    @Test
    void unknownCredentialIsRefused() throws Exception {
        assertThat(status(register())).isEqualTo(201);
        String credentialId = server.get("/v1/local/users/" + user + "/credentials", key).json()
                .at("/credentials/0/credentialId").asText();
        assertThat(((Number) page.evaluate("u => startAuth(u)", user)).intValue()).isEqualTo(201);
        assertThat(server.delete("/v1/local/users/" + user + "/credentials/" + credentialId, key).status()).isEqualTo(200);
        Map<String, Object> r = js("o => finishAuth(o)", Map.of());
        assertThat(status(r)).as(r.toString()).isEqualTo(403);
        assertThat(reason(r)).isEqualTo("unknown-credential");
    }

    @Test
    void C_1_2_attestationFromAnUntrustedRootIsRefused() throws Exception {
        try {
            server.send("PUT", "/v1/local/policy", key, "application/json",
                    JSON.writeValueAsBytes(Map.of("allowNoneAttestation", false)));
            Map<String, Object> reg = register();
            assertThat(status(reg)).as(reg.toString()).isEqualTo(403);
            assertThat(reason(reg)).isIn("untrusted-attestation", "none-attestation-refused");
            assertThat(credentialCount()).isZero();
        } finally {
            server.send("PUT", "/v1/local/policy", key, "application/json",
                    JSON.writeValueAsBytes(Map.of("allowNoneAttestation", true)));
        }
    }

    int credentialCount() {
        try {
            return server.get("/v1/local/users/" + user + "/credentials", key).json().get("credentials").size();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
