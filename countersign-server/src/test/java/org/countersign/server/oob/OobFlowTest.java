package org.countersign.server.oob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.oob.Offset;
import org.countersign.server.TestServer;
import org.countersign.server.TestServer.Response;
import org.junit.jupiter.api.Test;

/**
 * X.1280 out-of-band server authentication over real HTTPS against a real PostgreSQL, with an emulated phone. Test
 * names cite the clause they check; the attacks of §9.1 and D-1 must all fail without changing state.
 */
class OobFlowTest extends OobNodeTest {
    static final String USER_TERMINAL_IP = "198.51.100.7";
    static final String PHISHER_IP = "192.0.2.66";

    @Override
    String tenantPrefix() {
        return "rp";
    }

    // ---------------------------------------------------------------------------------------------- helpers

    Response settings(String key, int validity, String concurrency, boolean renewal) throws Exception {
        Response r = server.send("PUT", "/v1/oob/settings", key, "application/json", ("{\"codeDigits\":6,\"validitySeconds\":"
                + validity + ",\"concurrentRequests\":\"" + concurrency + "\",\"passwordRenewal\":" + renewal
                + ",\"enrolmentValiditySeconds\":3600}").getBytes());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }

    String issueCode(String key, String userId) throws Exception {
        Response r = server.post("/v1/oob/enrolments", key, "{\"userId\":\"" + userId + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("enrolmentCode").asText();
    }

    TestAuthenticator enrol(String key, String userId, String device) throws Exception {
        TestAuthenticator phone = new TestAuthenticator(clock);
        Response r = phone.enrol(server, issueCode(key, userId), device);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return phone;
    }

    static String requestBody(String userId, String terminalIp, String browser, String session) {
        ObjectNode b = TestAuthenticator.JSON.createObjectNode();
        b.put("userId", userId);
        b.put("rpServerIp", "203.0.113.10");
        b.put("rpSessionId", session);
        b.put("terminalPublicIp", terminalIp);
        b.put("terminalPrivateIp", "192.168.1.20");
        b.put("browser", browser);
        b.put("browserVersion", "156.0");
        return b.toString();
    }

    Response createRequest(String key, String userId) throws Exception {
        return server.post("/v1/oob/requests", key, requestBody(userId, USER_TERMINAL_IP, "Firefox", "s-" + System.nanoTime()));
    }

    JsonNode pendingOne(TestAuthenticator phone) throws Exception {
        Response p = phone.pending(server);
        assertThat(p.status()).as(p.body()).isEqualTo(200);
        assertThat(p.json().get("requests")).hasSize(1);
        return p.json().get("requests").get(0);
    }

    Response result(String key, String requestId) throws Exception {
        return server.get("/v1/oob/requests/" + requestId, key);
    }

    boolean auditIntact() throws Exception {
        return server.get("/v1/admin/audit/verify", server.adminToken).json().get("intact").asBoolean();
    }

    // ---------------------------------------------------------------------------------------------- flows

    @Test
    void X1280_8_fullFlow_pushedCodeEqualsShownCode_signedApproval_resultWithReplacementPassword() throws Exception {
        String key = newTenant();
        settings(key, 60, "block", true);
        // §8.1: registration information issued to the RP, completed by the phone.
        Response issued = server.post("/v1/oob/enrolments", key, "{\"userId\":\"alice\"}");
        assertThat(issued.status()).isEqualTo(201);
        assertThat(issued.json().get("enrolmentCode").asText()).matches("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}");
        assertThat(issued.json().get("enrolmentUri").asText()).contains("/authenticator/?enrol=");
        assertThat(ByteArray.fromBase64(issued.json().get("qrPngBase64").asText()).toByteArray()).startsWith(0x89, 'P', 'N', 'G');
        TestAuthenticator phone = new TestAuthenticator(clock);
        // the code is accepted in lower case and without dashes
        Response enrolled = phone.enrol(server, issued.json().get("enrolmentCode").asText().replace("-", "").toLowerCase(), "Alice's phone");
        assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
        assertThat(enrolled.json().get("recoveryCodes")).hasSize(8);
        assertThat(enrolled.json().get("ocraSuite").asText()).isEqualTo("OCRA-1:HOTP-SHA256-6:QH64");
        assertThat(phone.verificationKey.length()).isEqualTo(32);

        try (TestAuthenticator.EventStream stream = phone.openStream(server.http, server.url(""))) {
            assertThat(stream.status()).isEqualTo(200);
            // §8.2/§8.3: the RP asks; the verifier answers with the code for the terminal.
            Response created = createRequest(key, "alice");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String requestId = created.json().get("requestId").asText();
            String shownOnTerminal = created.json().get("code").asText();
            assertThat(created.json().get("status").asText()).isEqualTo("pending");
            assertThat(created.json().get("qrPayload").asText()).isEqualTo("countersign-oob:" + requestId + ":" + shownOnTerminal);

            // §8.3 steps 5–7: the offset is pushed; the phone computes the same code from it.
            JsonNode pushed = stream.nextRequest(requestId).data();
            assertThat(pushed.get("userId").asText()).isEqualTo("alice");
            assertThat(pushed.get("tenantName").asText()).startsWith("Tenant ");
            Offset offset = Offset.decode(ByteArray.fromBase64Url(pushed.get("offset").asText()));
            assertThat(offset.terminalPublicIp()).isEqualTo(USER_TERMINAL_IP);
            assertThat(phone.codeFor(pushed.get("offset").asText())).isEqualTo(shownOnTerminal);

            // C-F5: the RP long-polls while the user decides.
            CompletableFuture<HttpResponse<String>> poll = server.http.sendAsync(HttpRequest.newBuilder(
                    URI.create(server.url("/v1/oob/requests/" + requestId + "?waitSeconds=25")))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());

            // §8.4/§8.5: approval signed with the device key.
            Response decided = phone.respond(server, phone.decisionBody(requestId, pushed.get("offset").asText(), "approve"));
            assertThat(decided.status()).as(decided.body()).isEqualTo(200);
            assertThat(decided.json().get("status").asText()).isEqualTo("approved");

            JsonNode outcome = TestAuthenticator.JSON.readTree(poll.get(30, TimeUnit.SECONDS).body());
            assertThat(outcome.get("status").asText()).isEqualTo("approved");
            assertThat(outcome.get("authenticatorId").asText()).isEqualTo(phone.authenticatorId);
            assertThat(outcome.get("deviceName").asText()).isEqualTo("Alice's phone");
            // C-S5: a fresh complex password, handed out once.
            String password = outcome.get("replacementPassword").asText();
            assertThat(password).hasSizeGreaterThanOrEqualTo(24).matches(".*[A-Z].*").matches(".*[a-z].*")
                    .matches(".*[0-9].*").matches(".*[^A-Za-z0-9].*");
            assertThat(result(key, requestId).json().has("replacementPassword")).isFalse();
            // other devices are told the request is over
            assertThat(stream.next("resolved").data().get("status").asText()).isEqualTo("approved");
        }
        assertThat(auditIntact()).isTrue();
    }

    @Test
    void X1280_8_1_severalAuthenticatorsPerUser_shareTheKey_renameAndRevoke() throws Exception {
        String key = newTenant();
        TestAuthenticator first = enrol(key, "bob", "phone");
        TestAuthenticator backup = enrol(key, "bob", "tablet");
        assertThat(backup.enrolment.get("recoveryCodes")).isEmpty();
        assertThat(backup.verificationKey.constantTimeEquals(first.verificationKey)).isTrue();

        Response list = server.get("/v1/oob/users/bob/authenticators", key);
        assertThat(list.json().get("authenticators")).hasSize(2);

        Response renamed = server.post("/v1/oob/users/bob/authenticators/" + backup.authenticatorId + "/rename", key,
                "{\"deviceName\":\"old tablet\"}");
        assertThat(renamed.json().get("deviceName").asText()).isEqualTo("old tablet");

        assertThat(server.delete("/v1/oob/users/bob/authenticators/" + backup.authenticatorId, key).status()).isEqualTo(204);
        JsonNode after = server.get("/v1/oob/users/bob/authenticators", key).json().get("authenticators");
        assertThat(after.findValuesAsText("status")).containsExactlyInAnyOrder("active", "revoked");
        assertProblem(backup.pending(server), 403, "authenticator-revoked");
        // the remaining phone still works
        Response created = createRequest(key, "bob");
        assertThat(created.status()).isEqualTo(201);
        JsonNode pushed = pendingOne(first);
        assertThat(first.codeFor(pushed.get("offset").asText())).isEqualTo(created.json().get("code").asText());
        // another tenant sees none of this
        String other = newTenant();
        assertProblem(server.get("/v1/oob/users/bob/authenticators", other), 404, "not-found");
        assertProblem(result(other, created.json().get("requestId").asText()), 404, "not-found");
    }

    @Test
    void X1280_9_2_1_passwordLoginCanBeDisabledOnlyForUsersWithAnAuthenticator() throws Exception {
        String key = newTenant();
        server.post("/v1/users", key, "{\"userId\":\"carol\"}");
        assertProblem(server.send("PUT", "/v1/oob/users/carol/password-login", key, "application/json",
                "{\"disabled\":true}".getBytes()), 409, "no-authenticator");
        enrol(key, "carol", "phone");
        Response set = server.send("PUT", "/v1/oob/users/carol/password-login", key, "application/json", "{\"disabled\":true}".getBytes());
        assertThat(set.json().get("disabled").asBoolean()).isTrue();
        assertThat(server.get("/v1/oob/users/carol/password-login", key).json().get("disabled").asBoolean()).isTrue();
    }

    @Test
    void X1280_9_2_4_secondConcurrentRequestIsBlocked() throws Exception {
        String key = newTenant();
        TestAuthenticator phone = enrol(key, "dave", "phone");
        Response first = createRequest(key, "dave");
        assertThat(first.status()).isEqualTo(201);
        // §9.1.5: an attacker types the same user id on another terminal while the user's code is shown.
        Response second = server.post("/v1/oob/requests", key, requestBody("dave", PHISHER_IP, "Chrome", "s-attacker"));
        assertProblem(second, 409, "oob-request-pending");
        assertThat(phone.pending(server).json().get("requests")).hasSize(1);
    }

    @Test
    void X1280_9_2_4_queuedRequestGetsItsCodeWhenItReachesTheFront() throws Exception {
        String key = newTenant();
        settings(key, 60, "queue", false);
        TestAuthenticator phone = enrol(key, "erin", "phone");
        Response first = createRequest(key, "erin");
        Response second = createRequest(key, "erin");
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.json().get("status").asText()).isEqualTo("queued");
        assertThat(second.json().get("queuePosition").asInt()).isEqualTo(1);
        assertThat(second.json().has("code")).isFalse();
        String secondId = second.json().get("requestId").asText();
        // only the front request reaches the phone
        JsonNode shown = pendingOne(phone);
        assertThat(shown.get("requestId").asText()).isEqualTo(first.json().get("requestId").asText());
        assertThat(phone.respond(server, phone.decisionBody(shown.get("requestId").asText(), shown.get("offset").asText(), "reject"))
                .status()).isEqualTo(200);
        // now the queued one is shown, with its code for the RP
        JsonNode next = pendingOne(phone);
        assertThat(next.get("requestId").asText()).isEqualTo(secondId);
        JsonNode r = result(key, secondId).json();
        assertThat(r.get("status").asText()).isEqualTo("pending");
        assertThat(phone.codeFor(next.get("offset").asText())).isEqualTo(r.get("code").asText());
    }

    @Test
    void X1280_9_2_2_releaseRevokesAllAndReenrolmentGetsANewKey() throws Exception {
        String key = newTenant();
        TestAuthenticator a = enrol(key, "frank", "phone");
        enrol(key, "frank", "tablet");
        server.send("PUT", "/v1/oob/users/frank/password-login", key, "application/json", "{\"disabled\":true}".getBytes());
        Response pending = createRequest(key, "frank");
        Response released = server.post("/v1/oob/users/frank/release", key, "");
        assertThat(released.status()).as(released.body()).isEqualTo(200);
        assertThat(released.json().get("revokedAuthenticators").asInt()).isEqualTo(2);
        assertThat(released.json().get("passwordResetToken").asText()).hasSizeGreaterThan(30);
        assertThat(result(key, pending.json().get("requestId").asText()).json().get("status").asText()).isEqualTo("cancelled");
        assertThat(server.get("/v1/oob/users/frank/password-login", key).json().get("disabled").asBoolean()).isFalse();
        assertProblem(createRequest(key, "frank"), 409, "no-authenticator");
        assertProblem(a.pending(server), 403, "authenticator-revoked");
        TestAuthenticator again = enrol(key, "frank", "new phone");
        assertThat(again.verificationKey.constantTimeEquals(a.verificationKey)).isFalse();
        assertThat(again.enrolment.get("recoveryCodes")).hasSize(8);
    }

    @Test
    void X1280_9_2_2_recoveryCodeWorksOnceAndGuessingLocksRecovery() throws Exception {
        String key = newTenant();
        TestAuthenticator a = enrol(key, "gina", "phone");
        String code = a.enrolment.get("recoveryCodes").get(0).asText();
        String other = a.enrolment.get("recoveryCodes").get(1).asText();
        Response ok = server.post("/v1/oob/users/gina/recover", key, "{\"recoveryCode\":\"" + code.toLowerCase() + "\"}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("revokedAuthenticators").asInt()).isEqualTo(1);
        // used once; and the release discarded the others
        assertProblem(server.post("/v1/oob/users/gina/recover", key, "{\"recoveryCode\":\"" + code + "\"}"), 400, "recovery-code-invalid");
        assertProblem(server.post("/v1/oob/users/gina/recover", key, "{\"recoveryCode\":\"" + other + "\"}"), 400, "recovery-code-invalid");

        TestAuthenticator b = enrol(key, "gina", "phone 2");
        String fresh = b.enrolment.get("recoveryCodes").get(0).asText();
        for (int i = 0; i < 3; i++) {
            assertProblem(server.post("/v1/oob/users/gina/recover", key, "{\"recoveryCode\":\"AAAAA-AAAAA\"}"), 400, "recovery-code-invalid");
        }
        // 2 + 3 wrong within the window: locked, even for a right code
        Response locked = server.post("/v1/oob/users/gina/recover", key, "{\"recoveryCode\":\"" + fresh + "\"}");
        assertProblem(locked, 429, "recovery-locked");
        assertThat(locked.header("Retry-After")).isNotNull();
        assertThat(server.get("/v1/oob/users/gina/authenticators", key).json().get("authenticators").findValuesAsText("status"))
                .contains("active");
    }

    // ---------------------------------------------------------------------------------------------- attacks

    /** An enrolled user with a pending request shown on the phone. */
    record Shown(String key, TestAuthenticator phone, String requestId, String code, JsonNode pushed) {
        String offset() {
            return pushed.get("offset").asText();
        }
    }

    Shown shown(String user) throws Exception {
        String key = newTenant();
        TestAuthenticator phone = enrol(key, user, "phone");
        Response created = createRequest(key, user);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new Shown(key, phone, created.json().get("requestId").asText(), created.json().get("code").asText(), pendingOne(phone));
    }

    @Test
    void A_G3_replayedApprovalIsRefusedAndStateUnchanged() throws Exception {
        Shown s = shown("henry");
        String body = s.phone().decisionBody(s.requestId(), s.offset(), "approve");
        assertThat(s.phone().respond(server, body).status()).isEqualTo(200);
        assertProblem(s.phone().respond(server, body), 409, "request-already-decided");
        assertThat(result(s.key(), s.requestId()).json().get("status").asText()).isEqualTo("approved");
        assertThat(auditIntact()).isTrue();
    }

    @Test
    void X1280_8_3_approvalAfterExpiryIsRefused() throws Exception {
        String key = newTenant();
        settings(key, 10, "block", false);
        TestAuthenticator phone = enrol(key, "ivan", "phone");
        Response created = createRequest(key, "ivan");
        String id = created.json().get("requestId").asText();
        JsonNode pushed = pendingOne(phone);
        clock.advance(Duration.ofSeconds(11));
        assertProblem(phone.respond(server, phone.decisionBody(id, pushed.get("offset").asText(), "approve")), 410, "request-expired");
        assertThat(result(key, id).json().get("status").asText()).isEqualTo("expired");
        assertThat(phone.pending(server).json().get("requests")).isEmpty();
        // and a new request is possible again
        assertThat(createRequest(key, "ivan").status()).isEqualTo(201);
    }

    @Test
    void X1280_9_1_3_revokedAuthenticatorCannotApprove() throws Exception {
        Shown s = shown("judy");
        TestAuthenticator second = enrol(s.key(), "judy", "stolen phone");
        assertThat(server.delete("/v1/oob/users/judy/authenticators/" + second.authenticatorId, s.key()).status()).isEqualTo(204);
        assertProblem(second.respond(server, second.decisionBody(s.requestId(), s.offset(), "approve")), 403, "authenticator-revoked");
        assertThat(result(s.key(), s.requestId()).json().get("status").asText()).isEqualTo("pending");
    }

    @Test
    void X1280_8_5_anotherUsersAuthenticatorCannotApprove() throws Exception {
        Shown s = shown("kate");
        TestAuthenticator mallory = enrol(s.key(), "mallory", "phone");
        // Mallory even knows the offset and the code (e.g. shoulder-surfed), but her key is not Kate's.
        String body = mallory.decisionBody(s.requestId(), Offset.decode(ByteArray.fromBase64Url(s.offset())).hash(), s.code(),
                "approve", clock.instant());
        assertProblem(mallory.respond(server, body), 403, "authenticator-mismatch");
        // an authenticator of another tenant is not even found for this request
        String otherKey = newTenant();
        TestAuthenticator outsider = enrol(otherKey, "kate", "phone");
        assertProblem(outsider.respond(server, outsider.decisionBody(s.requestId(),
                Offset.decode(ByteArray.fromBase64Url(s.offset())).hash(), s.code(), "approve", clock.instant())), 404, "not-found");
        assertThat(result(s.key(), s.requestId()).json().get("status").asText()).isEqualTo("pending");
    }

    @Test
    void X1280_8_5_tamperedOffsetHashOrWrongCodeIsRefused() throws Exception {
        Shown s = shown("leo");
        ByteArray real = Offset.decode(ByteArray.fromBase64Url(s.offset())).hash();
        byte[] tampered = real.toByteArray();
        tampered[0] ^= 1;
        assertProblem(s.phone().respond(server, s.phone().decisionBody(s.requestId(), ByteArray.copyOf(tampered), s.code(),
                "approve", clock.instant())), 400, "offset-mismatch");
        String wrongCode = s.code().equals("000000") ? "000001" : "000000";
        assertProblem(s.phone().respond(server, s.phone().decisionBody(s.requestId(), real, wrongCode, "approve", clock.instant())),
                400, "offset-mismatch");
        assertThat(result(s.key(), s.requestId()).json().get("status").asText()).isEqualTo("pending");
    }

    @Test
    void A_G8_signatureByAnotherKeyOrMalformedSignatureIsRefused() throws Exception {
        Shown s = shown("mia");
        TestAuthenticator impostor = new TestAuthenticator(clock);
        impostor.authenticatorId = s.phone().authenticatorId; // claims to be the phone
        impostor.verificationKey = s.phone().verificationKey;
        impostor.digits = s.phone().digits;
        assertProblem(impostor.respond(server, impostor.decisionBody(s.requestId(), s.offset(), "approve")), 401,
                "authenticator-signature-invalid");

        JsonNode good = TestAuthenticator.JSON.readTree(s.phone().decisionBody(s.requestId(), s.offset(), "approve"));
        byte[] sig = ByteArray.fromBase64Url(good.get("signature").asText()).toByteArray();
        String[] malformed = {
            "not base64!", // not base64url
            ByteArray.copyOf(java.util.Arrays.copyOf(sig, 63)).toBase64Url(), // truncated
            ByteArray.copyOf(java.util.Arrays.copyOf(sig, 72)).toBase64Url(), // DER-sized
            good.get("signature").asText() + "==", // padded
        };
        for (String bad : malformed) {
            assertProblem(s.phone().respond(server, TestAuthenticator.body(s.requestId(), s.phone().authenticatorId, "approve",
                    good.get("code").asText(), good.get("offsetHash").asText(), good.get("signedAt").asLong(), bad)), 400,
                    "signature-malformed");
        }
        // well-formed but zero r and s: invalid, not malformed
        assertProblem(s.phone().respond(server, TestAuthenticator.body(s.requestId(), s.phone().authenticatorId, "approve",
                good.get("code").asText(), good.get("offsetHash").asText(), good.get("signedAt").asLong(),
                ByteArray.copyOf(new byte[64]).toBase64Url())), 401, "authenticator-signature-invalid");
        // a signature for "reject" does not approve
        JsonNode reject = TestAuthenticator.JSON.readTree(s.phone().decisionBody(s.requestId(), s.offset(), "reject"));
        assertProblem(s.phone().respond(server, TestAuthenticator.body(s.requestId(), s.phone().authenticatorId, "approve",
                reject.get("code").asText(), reject.get("offsetHash").asText(), reject.get("signedAt").asLong(),
                reject.get("signature").asText())), 401, "authenticator-signature-invalid");
        assertThat(result(s.key(), s.requestId()).json().get("status").asText()).isEqualTo("pending");
        // the genuine answer still works afterwards
        assertThat(s.phone().respond(server, good.toString()).status()).isEqualTo(200);
    }

    @Test
    void X1280_8_4_approveTwiceOrApproveARejectedRequestIsRefused() throws Exception {
        Shown s = shown("nina");
        assertThat(s.phone().respond(server, s.phone().decisionBody(s.requestId(), s.offset(), "reject")).status()).isEqualTo(200);
        assertProblem(s.phone().respond(server, s.phone().decisionBody(s.requestId(), s.offset(), "approve")), 409,
                "request-already-decided");
        assertThat(result(s.key(), s.requestId()).json().get("status").asText()).isEqualTo("rejected");
        assertThat(auditIntact()).isTrue();
    }

    @Test
    void X1280_9_1_1_realTimeRelayCopiesTheRealCodeButThePhoneShowsTheRelaysTerminal() throws Exception {
        String key = newTenant();
        TestAuthenticator phone = enrol(key, "olga", "phone");
        // The victim is on a phishing page; the phisher's server relays her user id to the real RP in real time, and
        // the RP reports the phisher's address and browser in the offset.
        Response relayed = server.post("/v1/oob/requests", key, requestBody("olga", PHISHER_IP, "HeadlessChrome", "s-relay"));
        assertThat(relayed.status()).isEqualTo(201);
        JsonNode pushed = pendingOne(phone);
        // The code does NOT expose the relay: the relay copies the RP's code to its page, and the phone computes the
        // very same code, because the offset it hashes is the one the relay's session produced.
        assertThat(phone.codeFor(pushed.get("offset").asText())).isEqualTo(relayed.json().get("code").asText());
        // What differs is the context the phone displays: the relay's terminal and browser, not the victim's own.
        Offset shownOnPhone = Offset.decode(ByteArray.fromBase64Url(pushed.get("offset").asText()));
        assertThat(shownOnPhone.terminalPublicIp()).isEqualTo(PHISHER_IP).isNotEqualTo(USER_TERMINAL_IP);
        assertThat(shownOnPhone.browser()).isEqualTo("HeadlessChrome").isNotEqualTo("Firefox");
        // A user who notices reports it; the RP learns of a suspected relay. (Network warning and the WebAuthn-bound
        // mode that stops the relay outright: OobRelayTest.)
        assertThat(phone.respond(server, phone.decisionBody(pushed.get("requestId").asText(), pushed.get("offset").asText(),
                "codes_differ")).status()).isEqualTo(200);
        assertThat(result(key, relayed.json().get("requestId").asText()).json().get("status").asText()).isEqualTo("codes_differ");
    }

    @Test
    void X1280_9_1_1_fakeSiteThatDoesNotRelayInRealTimeShowsACodeThePhoneDoesNot() throws Exception {
        String key = newTenant();
        TestAuthenticator phone = enrol(key, "omar", "phone");
        // A look-alike site without a live relay can only show a code it got earlier (here: from its own request a
        // moment ago, now finished) or one it made up. Neither is the code of the user's current login.
        Response earlier = server.post("/v1/oob/requests", key, requestBody("omar", PHISHER_IP, "HeadlessChrome", "s-old"));
        String fakeSitesCode = earlier.json().get("code").asText();
        JsonNode first = pendingOne(phone);
        assertThat(phone.respond(server, phone.decisionBody(first.get("requestId").asText(), first.get("offset").asText(),
                "reject")).status()).isEqualTo(200);
        Response own = createRequest(key, "omar");
        assertThat(own.status()).isEqualTo(201);
        JsonNode pushed = pendingOne(phone);
        String onPhone = phone.codeFor(pushed.get("offset").asText());
        assertThat(onPhone).isEqualTo(own.json().get("code").asText()).isNotEqualTo(fakeSitesCode);
        // And a code the fake site shows cannot be approved: the phone signs only the code of the pushed offset.
        Offset offset = Offset.decode(ByteArray.fromBase64Url(pushed.get("offset").asText()));
        assertProblem(phone.respond(server, phone.decisionBody(pushed.get("requestId").asText(), offset.hash(), fakeSitesCode,
                "approve", clock.instant())), 400, "offset-mismatch");
    }

    @Test
    void A_G3_streamAndPollingNeedAFreshSingleUseSignature() throws Exception {
        String key = newTenant();
        TestAuthenticator phone = enrol(key, "pete", "phone");
        String query = phone.signedQuery("GET", "/v1/oob/authenticator/pending");
        assertThat(server.get("/v1/oob/authenticator/pending" + query, null).status()).isEqualTo(200);
        assertProblem(server.get("/v1/oob/authenticator/pending" + query, null), 401, "authenticator-signature-invalid");
        // signed for another path
        assertProblem(server.get("/v1/oob/authenticator/pending" + phone.signedQuery("GET", "/v1/oob/authenticator/stream"), null),
                401, "authenticator-signature-invalid");
        assertProblem(server.get("/v1/oob/authenticator/pending", null), 401, "authenticator-signature-invalid");
        // stale
        clock.advance(Duration.ofSeconds(-120));
        String old = phone.signedQuery("GET", "/v1/oob/authenticator/pending");
        clock.advance(Duration.ofSeconds(120));
        assertProblem(server.get("/v1/oob/authenticator/pending" + old, null), 401, "authenticator-signature-invalid");
        // the stream needs the SSE Accept header
        assertProblem(server.get("/v1/oob/authenticator/stream" + phone.signedQuery("GET", "/v1/oob/authenticator/stream"), null),
                400, "validation-failed");
    }

    @Test
    void X1280_8_1_guessingEnrolmentCodesLocksTheAddress() throws Exception {
        String key = newTenant();
        settings(key, 60, "block", false);
        String right = issueCode(key, "quinn");
        TestAuthenticator phone = new TestAuthenticator(clock);
        // wrong codes aimed at this enrolment (its first symbols) lock it, even for the right code
        for (int i = 0; i < EnrolmentCodes.MAX_FAILURES; i++) {
            assertProblem(phone.enrol(server, right.substring(0, 4) + "-ZZZZ-ZZZ" + i, "phone"), 400, "enrolment-code-invalid");
        }
        Response locked = phone.enrol(server, right, "phone");
        assertProblem(locked, 429, "enrolment-locked");
        assertThat(Long.parseLong(locked.header("Retry-After"))).isPositive();
        // after the window the right code works (it was not spent by the refused attempt)
        clock.advance(EnrolmentCodes.WINDOW.plusSeconds(1));
        assertThat(phone.enrol(server, right, "phone").status()).isEqualTo(201);
        // and it is single use
        assertProblem(new TestAuthenticator(clock).enrol(server, right, "phone"), 400, "enrolment-code-invalid");
    }

    @Test
    void badInputIsRefusedWithProblems() throws Exception {
        String key = newTenant();
        assertProblem(createRequest(key, "nobody"), 409, "no-authenticator");
        enrol(key, "rita", "phone");
        assertProblem(server.post("/v1/oob/requests", key, requestBody("rita", "999.1.1.1", "Firefox", "s")), 400, "validation-failed");
        assertProblem(server.post("/v1/oob/requests", key, requestBody("rita", USER_TERMINAL_IP, "x".repeat(500), "s")), 400,
                "validation-failed");
        assertProblem(server.get("/v1/oob/requests/req_AAAAAAAAAAAAAAAAAAAAAA", key), 404, "not-found");
        assertProblem(server.get("/v1/oob/requests/req_AAAAAAAAAAAAAAAAAAAAAA?waitSeconds=99", key), 400, "validation-failed");
        assertProblem(server.post("/v1/oob/authenticator/enrolments", null,
                "{\"enrolmentCode\":\"AAAA\",\"deviceName\":\"p\",\"publicKeySpki\":\"AAAA\"}"), 400, "signature-malformed");
        assertProblem(server.send("PUT", "/v1/oob/settings", key, "application/json",
                "{\"codeDigits\":5,\"validitySeconds\":60,\"concurrentRequests\":\"block\",\"passwordRenewal\":false,\"enrolmentValiditySeconds\":600}".getBytes()),
                400, "validation-failed");
        assertProblem(server.get("/v1/oob/settings", null), 401, "unauthenticated");
    }
    @Test
    void X1280_8_3_streamIsToldWhenARequestExpiresAndClosedWhenTheAuthenticatorIsRevoked() throws Exception {
        String key = newTenant();
        settings(key, 10, "block", false);
        TestAuthenticator phone = enrol(key, "sara", "phone");
        try (TestAuthenticator.EventStream stream = phone.openStream(server.http, server.url(""))) {
            String id = createRequest(key, "sara").json().get("requestId").asText();
            stream.nextRequest(id);
            clock.advance(Duration.ofSeconds(11));
            // nobody asks: the periodic sweep notices the lapse and the phone hears of it
            JsonNode resolved = stream.next("resolved").data();
            assertThat(resolved.get("requestId").asText()).isEqualTo(id);
            assertThat(resolved.get("status").asText()).isEqualTo("expired");
            assertThat(server.delete("/v1/oob/users/sara/authenticators/" + phone.authenticatorId, key).status()).isEqualTo(204);
            assertThat(stream.ended().get(20, TimeUnit.SECONDS)).isTrue();
        }
        // a refused stream is a problem document, not an event stream
        Response refused = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/oob/authenticator/stream"
                + phone.signedQuery("GET", "/v1/oob/authenticator/stream")))).header("Accept", "text/event-stream").GET().build());
        assertProblem(refused, 403, "authenticator-revoked");
    }
}
