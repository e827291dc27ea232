package org.countersign.server.remote;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import org.countersign.agent.remote.DeviceCredential;
import org.countersign.agent.remote.RemoteClient;
import org.countersign.server.TestServer;

/** A tenant, users and enrolled devices on a real node, driven through the agent SDK over HTTPS. */
final class RemoteFixture {
    final TestServer server;
    final String tenant;
    final String apiKey;
    final RemoteClient client;

    RemoteFixture(TestServer server, String tenant) throws Exception {
        this.server = server;
        this.tenant = tenant;
        this.apiKey = server.createTenant(tenant);
        this.client = new RemoteClient(URI.create("https://localhost:" + server.node.port()), server.http,
                new SecureRandom(), Clock.systemUTC());
    }

    /** The RP creates the user, authenticates them its own way (assumed), and issues an enrolment code. */
    String enrolmentCode(String userId, String deviceType) throws Exception {
        var u = server.post("/v1/users", apiKey, "{\"userId\":\"" + userId + "\"}");
        if (u.status() != 201 && u.status() != 409) {
            throw new AssertionError(u.body());
        }
        consent(userId);
        var r = server.post("/v1/remote/enrolments", apiKey,
                "{\"userId\":\"" + userId + "\",\"deviceType\":\"" + deviceType + "\"}");
        if (r.status() != 201) {
            throw new AssertionError(r.status() + " " + r.body());
        }
        return r.json().get("enrolmentCode").asText();
    }

    /** The RP records the user's consent to the remote privacy notice (27553-1 10.2). */
    void consent(String userId) throws Exception {
        var r = server.post("/v1/remote/users/" + userId + "/consent", apiKey,
                "{\"noticeVersion\":\"" + RemotePrivacy.NOTICE.version() + "\"}");
        if (r.status() != 201) {
            throw new AssertionError(r.status() + " " + r.body());
        }
    }

    /** The RP's single-use grant for one reference write (REGISTER) or removal (DEREGISTER). */
    String grant(String userId, String operation) throws Exception {
        var r = server.post("/v1/remote/grants", apiKey,
                "{\"userId\":\"" + userId + "\",\"operation\":\"" + operation + "\"}");
        if (r.status() != 201) {
            throw new AssertionError(r.status() + " " + r.body());
        }
        return r.json().get("grant").asText();
    }

    /** The RP opens an authentication (user, transaction value, its own risk data) and gets the challenge id. */
    String open(String userId, Long value, String riskJson) throws Exception {
        var r = server.post("/v1/remote/authentications", apiKey, "{\"userId\":\"" + userId + "\""
                + (value == null ? "" : ",\"transactionValue\":" + value)
                + (riskJson == null ? "" : ",\"risk\":" + riskJson) + "}");
        if (r.status() != 201) {
            throw new AssertionError(r.status() + " " + r.body());
        }
        return r.json().get("challengeId").asText();
    }

    String open(String userId) throws Exception {
        return open(userId, null, null);
    }

    DeviceCredential device(String userId, String deviceType) throws Exception {
        return client.enrol(tenant, enrolmentCode(userId, deviceType));
    }

    void policy(String json) throws Exception {
        var r = server.send("PUT", "/v1/remote/policy", apiKey, "application/json", json.getBytes());
        if (r.status() != 200) {
            throw new AssertionError(r.status() + " " + r.body());
        }
    }

    /** Default policy with only these actions and exactly {@code count} of them. */
    static String onlyActions(int count, String... actions) {
        return "{\"baseActions\":" + count + ",\"minActions\":" + count + ",\"maxActions\":" + count
                + ",\"allowedActions\":[\"" + String.join("\",\"", actions) + "\"],\"baseTimeLimitMillis\":8000,"
                + "\"perActionMillis\":4000,\"minOsVersions\":{\"android\":\"12\"},\"failuresForExtraAction\":50,"
                + "\"failuresForSecondModality\":50,\"failureWindowMinutes\":1440,\"dormantAfterDays\":90,"
                + "\"highValue\":1000,\"secondModalityValue\":10000,\"refuseEmulators\":false}";
    }
}
