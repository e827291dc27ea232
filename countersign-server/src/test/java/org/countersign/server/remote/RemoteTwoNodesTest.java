package org.countersign.server.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import org.countersign.agent.remote.DeviceCredential;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.channel.ChannelKeys;
import org.countersign.core.channel.SealedMessage;
import org.countersign.core.channel.SecureChannel;
import org.countersign.core.remote.RemoteMessageType;
import org.countersign.core.remote.RemotePayload;
import org.countersign.core.replay.FreshnessPolicy;
import org.countersign.core.srp.SrpClientSession;
import org.countersign.core.srp.SrpParameters;
import org.countersign.server.Countersign;
import org.countersign.server.TestServer;
import org.countersign.server.config.ServerConfig;
import org.countersign.testkit.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two nodes on one PostgreSQL database: the SRP handshake starts on one node and finishes on the other, and a sealed
 * message accepted by one node is a replay for the other (DESIGN "nodes hold no session state in memory").
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteTwoNodesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    TestServer a;
    Countersign b;
    RemoteFixture fx;

    @BeforeAll
    void start() throws Exception {
        a = TestServer.onPostgres(c -> c);
        String url = a.database.url();
        // Same data folder: the nodes share the master key, as nodes of one deployment do.
        b = Countersign.start(ServerConfig.defaults().withDataDir(a.dataDir).withPort(0)
                .withDatabase(url, TestDatabase.USER, ""), Clock.systemUTC(),
                new PrintStream(OutputStream.nullOutputStream()));
        fx = new RemoteFixture(a, "nodes");
    }

    @AfterAll
    void stop() throws Exception {
        if (b != null) {
            b.close();
        }
        a.close();
    }

    private JsonNode post(String base, String path, String json) throws Exception {
        HttpResponse<String> r = a.http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
        return JSON.readTree(r.body());
    }

    private int postSealed(String base, String path, String client, ByteArray body) throws Exception {
        return a.http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/octet-stream").header("Countersign-Client", client)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void handshakeBeginsOnOneNodeAndEndsOnTheOther_sequenceStateIsShared() throws Exception {
        DeviceCredential d = fx.device("olga", "cli");
        String nodeA = "https://localhost:" + a.node.port();
        String nodeB = "https://localhost:" + b.port();
        JsonNode offer = post(nodeA, "/v1/remote/sessions", "{\"tenant\":\"nodes\",\"deviceId\":\"" + d.deviceId() + "\"}");
        String sid = offer.get("sessionId").asText();
        SrpClientSession srp = SrpClientSession.start(SrpParameters.DEFAULT, d.deviceId(), d.secret(),
                ByteArray.fromBase64Url(offer.get("salt").asText()), new SecureRandom());
        ByteArray m1 = srp.computeProof(ByteArray.fromBase64Url(offer.get("serverPublicB").asText()));
        JsonNode opened = post(nodeB, "/v1/remote/sessions/" + sid + "/proof", "{\"clientPublicA\":\""
                + srp.clientPublicA().toBase64Url() + "\",\"clientProofM1\":\"" + m1.toBase64Url() + "\"}");
        SecretBytes k = srp.verifyServer(ByteArray.fromBase64Url(opened.get("serverProofM2").asText()));
        SecureChannel ch = SecureChannel.client(ChannelKeys.derive(k, ByteArray.fromBase64Url(sid)),
                ByteArray.fromBase64Url(sid), Clock.systemUTC(), FreshnessPolicy.DEFAULT);
        String grant = fx.grant("olga", "REGISTER");
        String register = "{\"operation\":\"REGISTER\",\"userId\":\"olga\",\"grant\":\"" + grant + "\"}";
        SealedMessage m = ch.seal(RemoteMessageType.REQUEST.wire(), RemotePayload.of(register).encode());
        assertThat(postSealed(nodeB, "/v1/remote/sessions/" + sid + "/request", d.deviceId(), m.encode()))
                .isEqualTo(200);
        // The same message on the other node: already accepted there.
        assertThat(postSealed(nodeA, "/v1/remote/sessions/" + sid + "/request", d.deviceId(), m.encode()))
                .isEqualTo(400);
        SealedMessage next = ch.seal(RemoteMessageType.REQUEST.wire(), RemotePayload.of(register).encode());
        assertThat(postSealed(nodeA, "/v1/remote/sessions/" + sid + "/request", d.deviceId(), next.encode()))
                .isEqualTo(200);
    }
}
