package org.countersign.agent.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.countersign.biometrics.liveness.Action;
import org.countersign.biometrics.liveness.CapturedFrame;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.channel.ChannelException;
import org.countersign.core.channel.ChannelKeys;
import org.countersign.core.channel.SealedMessage;
import org.countersign.core.channel.SecureChannel;
import org.countersign.core.remote.RemoteMessageType;
import org.countersign.core.remote.RemotePayload;
import org.countersign.core.replay.FreshnessPolicy;

/**
 * An open secure channel to the verifier (A-G7..A-G9): every message is sealed under this client's
 * direction key with a sequence number, the challenge nonce when it answers one, a timestamp and its type.
 * Not thread-safe across concurrent captures: one capture at a time per session.
 */
public final class RemoteSession {
    private final RemoteClient client;
    private final String deviceId;
    private final String sessionId;
    private final SecureChannel channel;

    RemoteSession(RemoteClient client, String deviceId, String sessionId, ChannelKeys keys, Clock clock) {
        this.client = client;
        this.deviceId = deviceId;
        this.sessionId = sessionId;
        this.channel = SecureChannel.client(keys, ByteArray.fromBase64Url(sessionId), clock, FreshnessPolicy.DEFAULT);
    }

    public String sessionId() {
        return sessionId;
    }

    public String deviceId() {
        return deviceId;
    }

    /**
     * Step 3: sends the request with risk data; returns the decision logic's challenge (step 4).
     *
     * @param device risk data about this device ({@code emulator}, {@code rooted}, {@code osName}, {@code osVersion})
     * @param value  transaction value, or {@code null}
     */
    public RemoteChallenge request(String operation, String userId, ObjectNode device, Long value)
            throws RemoteException {
        return request(operation, userId, device, value, null, null);
    }

    /**
     * Step 3 with what the relying party handed the user: for AUTHENTICATE the challenge id of the authentication
     * the RP opened; for REGISTER and DEREGISTER the RP's single-use grant (a REGISTER without one is a replacement
     * that must match the current reference).
     *
     * @param challengeId the RP-opened authentication, or {@code null}
     * @param grant       the RP's grant, or {@code null}
     */
    public RemoteChallenge request(String operation, String userId, ObjectNode device, Long value, String challengeId,
            String grant) throws RemoteException {
        ObjectNode req = RemoteClient.JSON.createObjectNode().put("operation", operation).put("userId", userId);
        if (challengeId != null) {
            req.put("challengeId", challengeId);
        }
        if (grant != null) {
            req.put("grant", grant);
        }
        if (device != null) {
            req.set("device", device);
        }
        if (value != null) {
            req.put("transactionValue", value);
        }
        ByteArray sealed = seal(RemoteMessageType.REQUEST, ByteArray.empty(), RemotePayload.of(req.toString()));
        JsonNode c = json(openReply(exchange("request", sealed), RemoteMessageType.CHALLENGE, null));
        List<Action> actions = new ArrayList<>();
        c.path("actions").forEach(a -> actions.add(Action.valueOf(a.asText())));
        List<String> rules = new ArrayList<>();
        c.path("rules").forEach(r -> rules.add(r.path("id").asText()));
        return new RemoteChallenge(c.path("challengeId").asText(), c.path("operation").asText(), actions,
                c.path("timeLimitMillis").asInt(), ByteArray.fromBase64Url(c.path("nonce").asText()), rules,
                c.path("limits").path("minFrames").asInt(8), c.path("limits").path("maxFrames").asInt(64),
                c.path("secondModalityRequired").asBoolean(), c);
    }

    /** Step 8: sends the frames and client measurements, sealed and bound to the challenge; returns the result. */
    public RemoteResult capture(RemoteChallenge challenge, List<CapturedFrame> frames, List<Action> clientActions)
            throws RemoteException {
        ByteArray sealed = seal(RemoteMessageType.CAPTURE, challenge.nonce(),
                capturePayload(challenge.challengeId(), frames, clientActions));
        JsonNode r = json(openReply(exchange("capture", sealed), RemoteMessageType.RESULT, challenge.nonce()));
        List<String> reasons = new ArrayList<>();
        r.path("reasons").forEach(x -> reasons.add(x.asText()));
        return new RemoteResult(r.path("challengeId").asText(), r.path("outcome").asText(), reasons,
                r.path("assurance"));
    }

    /** The capture plaintext: a JSON manifest and the frames as attachments in the same order. */
    public static RemotePayload capturePayload(String challengeId, List<CapturedFrame> frames,
            List<Action> clientActions) {
        ObjectNode m = RemoteClient.JSON.createObjectNode().put("challengeId", challengeId);
        ArrayNode list = m.putArray("frames");
        List<ByteArray> parts = new ArrayList<>();
        for (CapturedFrame f : frames) {
            ObjectNode n = list.addObject().put("sequence", f.sequence()).put("capturedAtMillis", f.capturedAtMillis());
            f.client().ifPresent(c -> n.putObject("client").put("yaw", c.yaw()).put("pitch", c.pitch())
                    .put("eyesClosed", c.eyesClosed()).put("mouthAspect", c.mouthAspect()));
            parts.add(f.encoded());
        }
        ArrayNode acts = m.putArray("clientActions");
        clientActions.forEach(a -> acts.add(a.name()));
        return new RemotePayload(m.toString(), parts);
    }

    // ---- low level (tests and other clients build on these) ----

    /** Seals the next client message. */
    public ByteArray seal(RemoteMessageType type, ByteArray serverNonce, RemotePayload payload) throws RemoteException {
        try {
            return channel.seal(type.wire(), serverNonce, payload.encode()).encode();
        } catch (ChannelException e) {
            throw RemoteException.local(e.getMessage());
        }
    }

    /** Posts sealed bytes to {@code /v1/remote/sessions/{id}/{route}} as this device. */
    public HttpResponse<byte[]> post(String route, ByteArray sealed, String asClient) throws RemoteException {
        return client.postBytes("/v1/remote/sessions/" + sessionId + "/" + route, asClient, sealed.toByteArray());
    }

    private HttpResponse<byte[]> exchange(String route, ByteArray sealed) throws RemoteException {
        HttpResponse<byte[]> r = post(route, sealed, deviceId);
        if (r.statusCode() != 200) {
            throw RemoteClient.problem(r);
        }
        return r;
    }

    /** Opens a server reply: type, nonce (when given), freshness, sequence and tag must all check out. */
    public RemotePayload openReply(HttpResponse<byte[]> r, RemoteMessageType type, ByteArray nonce)
            throws RemoteException {
        try {
            return RemotePayload.decode(channel.open(SealedMessage.decode(ByteArray.copyOf(r.body())), type.wire(),
                    nonce));
        } catch (ChannelException e) {
            throw RemoteException.local("server reply refused: " + e.reason());
        } catch (IllegalArgumentException e) {
            throw RemoteException.local("server reply malformed: " + e.getMessage());
        }
    }

    private static JsonNode json(RemotePayload p) throws RemoteException {
        try {
            return RemoteClient.JSON.readTree(p.json());
        } catch (IOException e) {
            throw RemoteException.local("server reply is not JSON");
        }
    }
}
