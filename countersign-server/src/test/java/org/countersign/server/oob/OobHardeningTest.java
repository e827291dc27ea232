package org.countersign.server.oob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.sig.EcP256Signer;
import org.countersign.server.TestServer;
import org.countersign.server.TestServer.Response;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the out-of-band flow found by review, each run against the real server and PostgreSQL: the attacker
 * must fail and the state must stay as it was. Names cite the clause each control protects.
 */
class OobHardeningTest extends OobNodeTest {
    static final BigInteger N = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    @Override
    String tenantPrefix() {
        return "hd";
    }

    JsonNode issue(String key, String userId) throws Exception {
        Response r = server.post("/v1/oob/enrolments", key, "{\"userId\":\"" + userId + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    TestAuthenticator enrol(String key, String userId, boolean withApprovalKey) throws Exception {
        TestAuthenticator phone = new TestAuthenticator(clock);
        if (withApprovalKey) {
            phone.approvalKey = EcP256Signer.generate(new SecureRandom());
        }
        Response r = phone.enrol(server, issue(key, userId).get("enrolmentCode").asText(), "phone");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return phone;
    }

    static ObjectNode requestJson(String userId) {
        ObjectNode b = TestAuthenticator.JSON.createObjectNode();
        b.put("userId", userId);
        b.put("rpServerIp", "203.0.113.10");
        b.put("rpSessionId", "s-" + System.nanoTime());
        b.put("terminalPublicIp", "198.51.100.7");
        b.put("browser", "Firefox");
        b.put("browserVersion", "128.0");
        return b;
    }

    Response createRequest(String key, String userId) throws Exception {
        return server.post("/v1/oob/requests", key, requestJson(userId).toString());
    }

    JsonNode pendingOne(TestAuthenticator phone) throws Exception {
        Response p = phone.pending(server);
        assertThat(p.status()).as(p.body()).isEqualTo(200);
        assertThat(p.json().get("requests")).hasSize(1);
        return p.json().get("requests").get(0);
    }

    String status(String key, String requestId) throws Exception {
        return server.get("/v1/oob/requests/" + requestId, key).json().get("status").asText();
    }

    // ------------------------------------------------------------------------------------------- item 3, §9.2.3

    /** Whoever holds the device key (the browser profile) but not the PIN-protected approval key cannot approve. */
    @Test
    void X1280_9_2_3_deviceKeyAloneCannotApproveWhenAnApprovalKeyIsRegistered() throws Exception {
        String key = newTenant();
        TestAuthenticator phone = enrol(key, "ann", true);
        String id = createRequest(key, "ann").json().get("requestId").asText();
        JsonNode pushed = pendingOne(phone);
        EcP256Signer approvalKey = phone.approvalKey;
        phone.approvalKey = null; // the thief has everything stored in the browser, which does not include this key
        Response r = phone.respond(server, phone.decisionBody(id, pushed.get("offset").asText(), "approve"));
        assertProblem(r, 401, "authenticator-signature-invalid");
        assertThat(status(key, id)).isEqualTo("pending");
        // The enrolment response does not hand the approval key's public half back either.
        assertThat(phone.enrolment.has("approvalKeySpki")).isFalse();
        phone.approvalKey = approvalKey;
        assertThat(phone.respond(server, phone.decisionBody(id, pushed.get("offset").asText(), "approve")).status()).isEqualTo(200);
        assertThat(status(key, id)).isEqualTo("approved");
    }

    /** Wrong PINs (a key unwrapped with a wrong PIN is just another key) are counted and locked by the verifier. */
    @Test
    void X1280_9_2_3_wrongPinsAreCountedAndLockedAtTheServer() throws Exception {
        String key = newTenant();
        TestAuthenticator phone = enrol(key, "bob", true);
        String id = createRequest(key, "bob").json().get("requestId").asText();
        String offset = pendingOne(phone).get("offset").asText();
        EcP256Signer right = phone.approvalKey;
        for (int i = 1; i < OutOfBandService.MAX_PIN_FAILURES; i++) {
            phone.approvalKey = EcP256Signer.generate(new SecureRandom());
            Response r = phone.respond(server, phone.decisionBody(id, offset, "approve"));
            assertProblem(r, 403, "authenticator-pin-invalid");
            assertThat(r.json().get("attemptsLeft").asInt()).isEqualTo(OutOfBandService.MAX_PIN_FAILURES - i);
        }
        // a good PIN in between resets the count
        phone.approvalKey = right;
        assertThat(phone.respond(server, phone.decisionBody(id, offset, "reject")).status()).isEqualTo(200);
        String id2 = createRequest(key, "bob").json().get("requestId").asText();
        offset = pendingOne(phone).get("offset").asText();
        for (int i = 1; i <= OutOfBandService.MAX_PIN_FAILURES; i++) {
            phone.approvalKey = EcP256Signer.generate(new SecureRandom());
            Response r = phone.respond(server, phone.decisionBody(id2, offset, "approve"));
            assertProblem(r, 403, i < OutOfBandService.MAX_PIN_FAILURES ? "authenticator-pin-invalid" : "authenticator-revoked");
        }
        // locked: even the right PIN no longer helps, and the request stays unanswered
        phone.approvalKey = right;
        assertProblem(phone.respond(server, phone.decisionBody(id2, offset, "approve")), 403, "authenticator-revoked");
        assertThat(status(key, id2)).isEqualTo("pending");
        JsonNode list = server.get("/v1/oob/users/bob/authenticators", key).json().get("authenticators");
        assertThat(list.get(0).get("status").asText()).isEqualTo("revoked");
    }

    // ------------------------------------------------------------------------------------------- item 8, A-G3

    /** ECDSA's (r, n−s) twin of an accepted query signature verifies too; it must not open the stream again. */
    @Test
    void X1280_A_G3_highSTwinOfAUsedQuerySignatureIsRefused() throws Exception {
        String key = newTenant();
        TestAuthenticator phone = enrol(key, "cat", false);
        String path = "/v1/oob/authenticator/pending";
        String query = phone.signedQuery("GET", path);
        assertThat(server.get(path + query, null).status()).isEqualTo(200);
        String sig = query.substring(query.indexOf("&sig=") + 5);
        byte[] raw = ByteArray.fromBase64Url(sig).toByteArray();
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(raw, 32, 64));
        byte[] twinS = N.subtract(s).toByteArray();
        byte[] twin = Arrays.copyOf(raw, 64);
        Arrays.fill(twin, 32, 64, (byte) 0);
        int len = Math.min(32, twinS.length);
        System.arraycopy(twinS, twinS.length - len, twin, 64 - len, len);
        String replay = query.substring(0, query.indexOf("&sig=") + 5) + ByteArray.copyOf(twin).toBase64Url();
        assertProblem(server.get(path + replay, null), 401, "authenticator-signature-invalid");
    }

    // ------------------------------------------------------------------------------------------- item 11, §8.3

    @Test
    void X1280_8_3_requestTimeFarFromTheVerifiersClockIsRefused() throws Exception {
        String key = newTenant();
        enrol(key, "dan", false);
        for (Duration off : new Duration[] {Duration.ofHours(-1), Duration.ofDays(400), Duration.ofMinutes(10)}) {
            ObjectNode b = requestJson("dan");
            b.put("requestTime", clock.instant().plus(off).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
            assertProblem(server.post("/v1/oob/requests", key, b.toString()), 400, "validation-failed");
        }
        ObjectNode ok = requestJson("dan");
        ok.put("requestTime", clock.instant().minusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        Response r = server.post("/v1/oob/requests", key, ok.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    // ------------------------------------------------------------------------------------------- item 14, §9.2.4

    @Test
    void X1280_9_2_4_cancelFreesTheUserUnderBlockAndThePhoneCannotApproveTheCancelledRequest() throws Exception {
        String key = newTenant();
        TestAuthenticator phone = enrol(key, "eve", false);
        String id = createRequest(key, "eve").json().get("requestId").asText();
        JsonNode pushed = pendingOne(phone);
        assertProblem(createRequest(key, "eve"), 409, "oob-request-pending");
        Response c1 = server.post("/v1/oob/requests/" + id + "/cancel", key, "");
        assertThat(c1.status()).as(c1.body()).isEqualTo(200);
        assertThat(c1.json().get("status").asText()).isEqualTo("cancelled");
        // idempotent
        Response c2 = server.post("/v1/oob/requests/" + id + "/cancel", key, "");
        assertThat(c2.status()).as(c2.body()).isEqualTo(200);
        assertThat(c2.json().get("status").asText()).isEqualTo("cancelled");
        // the phone no longer offers it and cannot approve it
        assertThat(phone.pending(server).json().get("requests")).isEmpty();
        assertProblem(phone.respond(server, phone.decisionBody(id, pushed.get("offset").asText(), "approve")), 409,
                "request-already-decided");
        assertThat(status(key, id)).isEqualTo("cancelled");
        // block policy: the retry is allowed now
        assertThat(createRequest(key, "eve").status()).isEqualTo(201);
        // another tenant cannot cancel it; unknown ids are 404
        String other = newTenant();
        assertProblem(server.post("/v1/oob/requests/" + id + "/cancel", other, ""), 404, "not-found");
        assertProblem(server.post("/v1/oob/requests/req_AAAAAAAAAAAAAAAAAAAAAA/cancel", key, ""), 404, "not-found");
    }

    @Test
    void X1280_9_2_4_cancelOfADecidedRequestIsRefused() throws Exception {
        String key = newTenant();
        TestAuthenticator phone = enrol(key, "fay", false);
        String id = createRequest(key, "fay").json().get("requestId").asText();
        assertThat(phone.respond(server, phone.decisionBody(id, pendingOne(phone).get("offset").asText(), "approve")).status())
                .isEqualTo(200);
        assertProblem(server.post("/v1/oob/requests/" + id + "/cancel", key, ""), 409, "request-already-decided");
        assertThat(status(key, id)).isEqualTo("approved");
    }

    // ------------------------------------------------------------------------------------------- item 10, D-1

    /** Everybody behind one proxy shares an address: one user's wrong codes must not lock the others out. */
    @Test
    void X1280_8_1_wrongCodesAreChargedToTheEnrolmentTheyAimAtNotToEveryoneBehindTheAddress() throws Exception {
        String key = newTenant();
        // codes that outlive the lockout window, so the end of the lock can be seen
        assertThat(server.send("PUT", "/v1/oob/settings", key, "application/json", ("{\"codeDigits\":6,\"validitySeconds\":60,"
                + "\"concurrentRequests\":\"block\",\"passwordRenewal\":false,\"enrolmentValiditySeconds\":3600}").getBytes())
                .status()).isEqualTo(200);
        JsonNode gus = issue(key, "gus");
        JsonNode hal = issue(key, "hal");
        String gusCode = gus.get("enrolmentCode").asText();
        // Five wrong codes aimed at no enrolment at all, from the shared address.
        for (int i = 0; i < EnrolmentCodes.MAX_FAILURES; i++) {
            assertProblem(new TestAuthenticator(clock).enrol(server, "ZZZZ-ZZZZ-ZZZ" + i, "p"), 400, "enrolment-code-invalid");
        }
        // Five wrong codes aimed at gus's enrolment (its first symbols, wrong rest).
        String aimed = gusCode.replace("-", "").substring(0, 4);
        for (int i = 0; i < EnrolmentCodes.MAX_FAILURES; i++) {
            String wrong = aimed + "ZZZZZZZ" + i;
            assertProblem(new TestAuthenticator(clock).enrol(server, wrong, "p"), 400, "enrolment-code-invalid");
        }
        // hal, behind the same address, enrols with his right code.
        Response halOk = new TestAuthenticator(clock).enrol(server, hal.get("enrolmentCode").asText(), "p");
        assertThat(halOk.status()).as(halOk.body()).isEqualTo(201);
        // gus's enrolment is locked, even for the right code, until the window passes
        Response locked = new TestAuthenticator(clock).enrol(server, gusCode, "p");
        assertProblem(locked, 429, "enrolment-locked");
        assertThat(Long.parseLong(locked.header("Retry-After"))).isPositive();
        // and more blind guessing from the address is refused outright
        assertProblem(new TestAuthenticator(clock).enrol(server, "ZZZZ-ZZZZ-ZZZY", "p"), 429, "enrolment-locked");
        clock.advance(EnrolmentCodes.WINDOW.plusSeconds(1));
        assertThat(new TestAuthenticator(clock).enrol(server, gusCode, "p").status()).isEqualTo(201);
    }

    // ------------------------------------------------------------------------------------------- issue 10 item 9

    @Test
    void X1280_A_G1_disabledTenantsAuthenticatorsCannotApproveItsPendingRequests() throws Exception {
        String tenantId = "hd-dis" + Long.toHexString(System.nanoTime() & 0xffffff);
        String key = server.createTenant(tenantId);
        TestAuthenticator phone = enrol(key, "ivy", false);
        String id = createRequest(key, "ivy").json().get("requestId").asText();
        String offset = pendingOne(phone).get("offset").asText();
        assertThat(server.post("/v1/admin/tenants/" + tenantId + "/disable", server.adminToken, "").status()).isEqualTo(200);
        assertProblem(phone.respond(server, phone.decisionBody(id, offset, "approve")), 403, "tenant-disabled");
        assertProblem(phone.pending(server), 403, "tenant-disabled");
        assertThat(server.post("/v1/admin/tenants/" + tenantId + "/enable", server.adminToken, "").status()).isEqualTo(200);
        assertThat(status(key, id)).isIn("pending", "expired");
    }
}
