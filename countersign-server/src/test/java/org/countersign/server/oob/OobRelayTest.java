package org.countersign.server.oob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.oob.Offset;
import org.countersign.server.TestServer;
import org.countersign.server.TestServer.Response;
import org.countersign.testkit.TestClock;
import org.countersign.testkit.emulators.EmulatedAuthenticator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * X.1280 §9.1.1 real-time relay. The code alone does not stop a relay (a relaying page copies the real code);
 * what these tests hold is: the phone and the relying party's result show the relay's network against the phone's,
 * and in mode {@code webauthn-bound} approval needs a WebAuthn assertion over the offset hash from an allowed origin.
 *
 * <p>The phone's connecting address is set with the test-only header of {@link AuthenticatorAddress}: on one machine
 * every party is on loopback.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OobRelayTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Real public addresses from the bundled database (see NetworkOriginsTest). */
    static final String PHONE_TELEKOM_DE = "80.128.0.1";
    static final String USER_LAPTOP_TELEKOM_DE = "87.128.0.1";
    static final String RELAY_ORANGE_FR = "90.0.0.1";

    final TestClock clock = TestClock.offsetFromSystem();
    final AtomicInteger tenants = new AtomicInteger();
    TestServer server;

    @BeforeAll
    void start() throws Exception {
        System.setProperty(AuthenticatorAddress.TEST_ONLY_PROPERTY, "true");
        server = TestServer.onPostgres(c -> c, clock);
    }

    @AfterAll
    void stop() throws Exception {
        System.clearProperty(AuthenticatorAddress.TEST_ONLY_PROPERTY);
        if (server != null) {
            server.close();
        }
    }

    record Rp(String tenant, String key) {}

    Rp newRp() throws Exception {
        String t = "relay" + tenants.incrementAndGet() + "x" + Long.toHexString(System.nanoTime() & 0xffffff);
        return new Rp(t, server.createTenant(t));
    }

    TestAuthenticator enrol(Rp rp, String userId) throws Exception {
        Response issued = server.post("/v1/oob/enrolments", rp.key(), "{\"userId\":\"" + userId + "\"}");
        TestAuthenticator phone = new TestAuthenticator(clock);
        Response r = phone.enrol(server, issued.json().get("enrolmentCode").asText(), "phone");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return phone;
    }

    Response create(Rp rp, String userId, String terminalIp, String mode) throws Exception {
        ObjectNode b = JSON.createObjectNode();
        b.put("userId", userId);
        b.put("rpServerIp", "203.0.113.10");
        b.put("rpSessionId", "s-" + System.nanoTime());
        b.put("terminalPublicIp", terminalIp);
        b.put("browser", "Chrome");
        b.put("browserVersion", "131.0");
        if (mode != null) {
            b.put("mode", mode);
        }
        return server.post("/v1/oob/requests", rp.key(), b.toString());
    }

    /** The phone polls from {@code phoneAddress}. */
    JsonNode pendingFrom(TestAuthenticator phone, String phoneAddress) throws Exception {
        String path = "/v1/oob/authenticator/pending";
        Response r = server.send(HttpRequest.newBuilder(URI.create(server.url(path + phone.signedQuery("GET", path))))
                .header(AuthenticatorAddress.TEST_ONLY_HEADER, phoneAddress).GET().build());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("requests")).hasSize(1);
        return r.json().get("requests").get(0);
    }

    Response respondFrom(TestAuthenticator phone, String phoneAddress, JsonNode pushed, String decision) throws Exception {
        String body = phone.decisionBody(pushed.get("requestId").asText(), pushed.get("offset").asText(), decision);
        return server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/oob/authenticator/responses")))
                .header("Content-Type", "application/json").header(AuthenticatorAddress.TEST_ONLY_HEADER, phoneAddress)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    JsonNode result(Rp rp, String requestId) throws Exception {
        return server.get("/v1/oob/requests/" + requestId, rp.key()).json();
    }

    static void assertProblem(Response r, int status, String slug) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("type").asText()).endsWith("/" + slug);
    }

    // ------------------------------------------------------------------------------------------ plain mode

    @Test
    void X1280_9_1_1_relayInAnotherCountryIsShownOnThePhoneAndInTheResult() throws Exception {
        Rp rp = newRp();
        TestAuthenticator phone = enrol(rp, "olga");
        // The phishing server relays olga's id to the real RP, which reports the relay's address as the terminal.
        Response relayed = create(rp, "olga", RELAY_ORANGE_FR, null);
        assertThat(relayed.status()).as(relayed.body()).isEqualTo(201);
        assertThat(relayed.json().get("mode").asText()).isEqualTo("plain");
        JsonNode pushed = pendingFrom(phone, PHONE_TELEKOM_DE);
        // The code does not expose the relay: the phone computes exactly the code the relay copied to its page.
        assertThat(phone.codeFor(pushed.get("offset").asText())).isEqualTo(relayed.json().get("code").asText());
        // The network does: the phone is told where the terminal is, where it is itself, and warned.
        JsonNode net = pushed.get("network");
        assertThat(net.at("/terminal/countryCode").asText()).isEqualTo("FR");
        assertThat(net.at("/terminal/operator").asText()).isEqualTo("Orange S.A.");
        assertThat(net.at("/authenticator/countryCode").asText()).isEqualTo("DE");
        assertThat(net.at("/authenticator/operator").asText()).isEqualTo("Deutsche Telekom AG");
        assertThat(net.get("verdict").asText()).isEqualTo("different-country");
        assertThat(net.get("mismatch").asBoolean()).isTrue();
        assertThat(net.get("warning").asText()).contains("France").contains("Germany");
        // Even if the fooled user approves, the RP reads the mismatch in the result and can refuse the session.
        assertThat(respondFrom(phone, PHONE_TELEKOM_DE, pushed, "approve").status()).isEqualTo(200);
        JsonNode result = result(rp, relayed.json().get("requestId").asText());
        assertThat(result.get("status").asText()).isEqualTo("approved");
        assertThat(result.at("/network/verdict").asText()).isEqualTo("different-country");
        assertThat(result.at("/network/mismatch").asBoolean()).isTrue();
        assertThat(result.at("/network/terminal/country").asText()).isEqualTo("France");
    }

    @Test
    void X1280_9_1_1_ownTerminalOnThePhonesNetworkIsNoWarning() throws Exception {
        Rp rp = newRp();
        TestAuthenticator phone = enrol(rp, "paul");
        Response own = create(rp, "paul", USER_LAPTOP_TELEKOM_DE, null);
        JsonNode pushed = pendingFrom(phone, PHONE_TELEKOM_DE);
        assertThat(pushed.at("/network/verdict").asText()).isEqualTo("same-network");
        assertThat(pushed.at("/network/mismatch").asBoolean()).isFalse();
        assertThat(pushed.get("network").has("warning")).isFalse();
        assertThat(respondFrom(phone, PHONE_TELEKOM_DE, pushed, "approve").status()).isEqualTo(200);
        assertThat(result(rp, own.json().get("requestId").asText()).at("/network/verdict").asText()).isEqualTo("same-network");
    }

    @Test
    void loopbackTerminalReadsAsThisComputerNotAnAddress() throws Exception {
        Rp rp = newRp();
        TestAuthenticator phone = enrol(rp, "lena");
        create(rp, "lena", "::1", null);
        JsonNode pushed = pendingFrom(phone, "127.0.0.1");
        assertThat(pushed.at("/network/terminal/label").asText()).isEqualTo("this computer");
        assertThat(pushed.at("/network/authenticator/label").asText()).isEqualTo("this computer");
        assertThat(pushed.get("network").toString()).doesNotContain("0:0:0:0:0:0:0:1").doesNotContain("127.0.0.1");
    }

    // ------------------------------------------------------------------------------------------ WebAuthn-bound mode

    /** A user with an out-of-band phone and a passkey registered for the RP's origin. */
    record BoundUser(Rp rp, String userId, TestAuthenticator phone, EmulatedAuthenticator passkey, String origin,
            String rpId) {}

    BoundUser boundUser(String userId) throws Exception {
        Rp rp = newRp();
        TestAuthenticator phone = enrol(rp, userId);
        String version = server.get("/v1/local/privacy-notice", null).json().get("version").asText();
        assertThat(server.post("/v1/local/users/" + userId + "/consent", rp.key(),
                JSON.writeValueAsString(Map.of("noticeVersion", version))).status()).isEqualTo(201);
        Response s = server.post("/v1/local/registrations", rp.key(),
                JSON.writeValueAsString(Map.of("userId", userId, "format", "webauthn")));
        assertThat(s.status()).as(s.body()).isEqualTo(201);
        String origin = "https://" + rp.tenant() + ".example";
        String rpId = rp.tenant() + ".example";
        EmulatedAuthenticator passkey = new EmulatedAuthenticator();
        Response reg = server.post("/v1/local/registrations/" + s.json().get("ceremonyId").asText() + "/finish", rp.key(),
                JSON.writeValueAsString(Map.of("webauthn", passkey.create(rpId, s.json().at("/options/challenge").asText(),
                        origin))));
        assertThat(reg.status()).as(reg.body()).isEqualTo(201);
        return new BoundUser(rp, userId, phone, passkey, origin, rpId);
    }

    Response bind(Rp rp, String requestId, Map<String, Object> assertion) throws Exception {
        return server.post("/v1/oob/requests/" + requestId + "/terminal-assertion", rp.key(),
                JSON.writeValueAsString(assertion));
    }

    @Test
    void X1280_9_1_1_boundModeOffersTheOffsetHashAsTheWebAuthnChallenge() throws Exception {
        BoundUser u = boundUser("bea");
        Response created = create(u.rp(), "bea", USER_LAPTOP_TELEKOM_DE, "webauthn-bound");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("mode").asText()).isEqualTo("webauthn-bound");
        JsonNode pushed = pendingFrom(u.phone(), PHONE_TELEKOM_DE);
        ByteArray hash = Offset.decode(ByteArray.fromBase64Url(pushed.get("offset").asText())).hash();
        assertThat(created.json().at("/webauthn/challenge").asText()).isEqualTo(hash.toBase64Url());
        assertThat(created.json().at("/webauthn/rpId").asText()).isEqualTo(u.rpId());
        assertThat(created.json().at("/webauthn/userVerification").asText()).isEqualTo("required");
        assertThat(created.json().at("/webauthn/allowCredentials/0/id").asText()).isEqualTo(u.passkey().credentialIdB64());
    }

    @Test
    void X1280_9_1_1_boundModeApprovalWithoutTheTerminalsAssertionIsRefused() throws Exception {
        BoundUser u = boundUser("bob");
        Response created = create(u.rp(), "bob", USER_LAPTOP_TELEKOM_DE, "webauthn-bound");
        String requestId = created.json().get("requestId").asText();
        JsonNode pushed = pendingFrom(u.phone(), PHONE_TELEKOM_DE);
        assertThat(pushed.get("mode").asText()).isEqualTo("webauthn-bound");
        assertThat(pushed.get("terminalBound").asBoolean()).isFalse();
        // The user approves on the phone, but no terminal proved itself: refused, request still open.
        assertProblem(respondFrom(u.phone(), PHONE_TELEKOM_DE, pushed, "approve"), 409, "terminal-not-bound");
        assertThat(result(u.rp(), requestId).get("status").asText()).isEqualTo("pending");
        assertThat(result(u.rp(), requestId).get("terminalBound").asBoolean()).isFalse();
        // Rejecting needs no binding.
        assertThat(respondFrom(u.phone(), PHONE_TELEKOM_DE, pushed, "reject").status()).isEqualTo(200);
    }

    @Test
    void X1280_9_1_1_relayingOriginCannotBindTheRequest() throws Exception {
        BoundUser u = boundUser("rita");
        Response created = create(u.rp(), "rita", RELAY_ORANGE_FR, "webauthn-bound");
        String requestId = created.json().get("requestId").asText();
        String challenge = created.json().at("/webauthn/challenge").asText();
        // The relay's page runs on its own origin; the browser writes that origin into clientDataJSON.
        Response relayed = bind(u.rp(), requestId, u.passkey().get(u.rpId(), challenge, "https://rita-bank.example.net"));
        assertProblem(relayed, 403, "local-verification-failed");
        assertThat(relayed.json().get("reason").asText()).isEqualTo("bad-origin");
        // An assertion over another challenge (say, from the relay's own earlier session) does not bind either.
        Response stale = bind(u.rp(), requestId, u.passkey().get(u.rpId(),
                ByteArray.copyOf(new byte[32]).toBase64Url(), u.origin()));
        assertProblem(stale, 403, "local-verification-failed");
        assertThat(stale.json().get("reason").asText()).isEqualTo("bad-challenge");
        JsonNode pushed = pendingFrom(u.phone(), PHONE_TELEKOM_DE);
        assertProblem(respondFrom(u.phone(), PHONE_TELEKOM_DE, pushed, "approve"), 409, "terminal-not-bound");
        assertThat(result(u.rp(), requestId).get("status").asText()).isEqualTo("pending");
    }

    @Test
    void X1280_9_1_1_genuineTerminalBindsOnceThenTheApprovalIsAccepted() throws Exception {
        BoundUser u = boundUser("gina");
        Response created = create(u.rp(), "gina", USER_LAPTOP_TELEKOM_DE, "webauthn-bound");
        String requestId = created.json().get("requestId").asText();
        String challenge = created.json().at("/webauthn/challenge").asText();
        Response bound = bind(u.rp(), requestId, u.passkey().get(u.rpId(), challenge, u.origin()));
        assertThat(bound.status()).as(bound.body()).isEqualTo(200);
        assertThat(bound.json().get("terminalBound").asBoolean()).isTrue();
        // single use: a second binding (a replayed assertion) is refused
        assertProblem(bind(u.rp(), requestId, u.passkey().get(u.rpId(), challenge, u.origin())), 409, "conflict");
        JsonNode pushed = pendingFrom(u.phone(), PHONE_TELEKOM_DE);
        assertThat(pushed.get("terminalBound").asBoolean()).isTrue();
        assertThat(respondFrom(u.phone(), PHONE_TELEKOM_DE, pushed, "approve").status()).isEqualTo(200);
        JsonNode result = result(u.rp(), requestId);
        assertThat(result.get("status").asText()).isEqualTo("approved");
        assertThat(result.get("terminalBound").asBoolean()).isTrue();
    }

    @Test
    void boundModeNeedsAPasskeyAndAKnownMode() throws Exception {
        Rp rp = newRp();
        enrol(rp, "nopk");
        assertProblem(create(rp, "nopk", USER_LAPTOP_TELEKOM_DE, "webauthn-bound"), 409, "conflict");
        assertProblem(create(rp, "nopk", USER_LAPTOP_TELEKOM_DE, "relay-proof-please"), 400, "validation-failed");
        Response plain = create(rp, "nopk", USER_LAPTOP_TELEKOM_DE, null);
        assertProblem(bind(rp, plain.json().get("requestId").asText(), Map.of("id", "AA", "clientDataJSON", "AA",
                "authenticatorData", "AA", "signature", "AA")), 409, "conflict");
    }
}
