package org.countersign.server.oob;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.countersign.agent.oob.DecisionResult;
import org.countersign.agent.oob.PendingRequest;
import org.countersign.agent.oob.ServerTrust;
import org.countersign.core.oob.ApprovalStatement;
import org.countersign.server.TestServer;
import org.countersign.server.TestServer.Response;
import org.countersign.testkit.emulators.EmulatedPhone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The test kit's emulated phone against a real node, as an integrator's test would use it: enrol from the
 * enrolment URI (X.1280 §8.1), receive the request over the push stream, compute the same code as the terminal
 * shows (§8.3, §8.4) and answer (§8.5), by hand or by a policy.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmulatedPhoneTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    TestServer server;
    String key;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.onPostgres(c -> c);
        key = server.createTenant("emulated");
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    EmulatedPhone enrol(String userId) throws Exception {
        Response e = server.post("/v1/oob/enrolments", key, "{\"userId\":\"" + userId + "\"}");
        assertThat(e.status()).as(e.body()).isEqualTo(201);
        return EmulatedPhone.enrol(e.json().get("enrolmentUri").asText(),
                ServerTrust.caPemFile(server.node.caCertificatePath()));
    }

    Response createRequest(String userId) throws Exception {
        Response r = server.post("/v1/oob/requests", key, "{\"userId\":\"" + userId + "\",\"rpServerIp\":\"203.0.113.10\","
                + "\"rpSessionId\":\"s-1\",\"terminalPublicIp\":\"198.51.100.7\",\"browser\":\"Firefox\","
                + "\"browserVersion\":\"128.0\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r;
    }

    String status(Response request) throws Exception {
        Response r = server.get("/v1/oob/requests/" + request.json().get("requestId").asText() + "?waitSeconds=10", key);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("status").asText();
    }

    @Test
    void X1280_8_4_phoneShowsTheTerminalsCode_andItsApprovalSignsTheUserIn() throws Exception {
        try (EmulatedPhone phone = enrol("alice")) {
            phone.listen();
            Response request = createRequest("alice");
            PendingRequest shown = phone.awaitRequest(WAIT).orElseThrow();
            assertThat(shown.code().value()).isEqualTo(request.json().get("code").asText());
            assertThat(phone.approve(shown).status()).isEqualTo("approved");
            assertThat(status(request)).isEqualTo("approved");
        }
    }

    @Test
    void X1280_8_5_policyAnswersEveryRequest_rejectionRefusesTheTerminal() throws Exception {
        try (EmulatedPhone phone = enrol("bob")) {
            phone.listen().answerAutomatically(r -> ApprovalStatement.Decision.REJECT);
            Response request = createRequest("bob");
            DecisionResult answer = phone.awaitAnswer(WAIT).orElseThrow();
            assertThat(answer.status()).isEqualTo("rejected");
            assertThat(status(request)).isEqualTo("rejected");
        }
    }
}
