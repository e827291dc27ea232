package org.countersign.server.oob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.oob.ApprovalStatement;
import org.countersign.core.oob.Offset;
import org.countersign.core.oob.ServerAuthCode;
import org.countersign.core.sig.EcP256Signer;
import org.countersign.core.sig.SignatureEncoding;
import org.countersign.server.TestServer;

/**
 * An emulated phone for the tests: makes its P-256 device key, enrols with a code, reads the push stream, decodes
 * the offset, computes the code with the verification key and signs its decision, all over the real HTTPS API.
 */
final class TestAuthenticator {
    static final ObjectMapper JSON = new ObjectMapper();

    final EcP256Signer deviceKey;
    final Clock clock;
    /** The PIN-protected approval key of X.1280 §9.2.3, when this phone registers one (the web authenticator does). */
    EcP256Signer approvalKey;
    String authenticatorId;
    String tenantId;
    String userId;
    SecretBytes verificationKey;
    int digits;
    JsonNode enrolment;

    TestAuthenticator(Clock clock) {
        this.clock = clock;
        this.deviceKey = EcP256Signer.generate(new SecureRandom());
    }

    String completeBody(String code, String deviceName) {
        ObjectNode b = JSON.createObjectNode();
        b.put("enrolmentCode", code);
        b.put("deviceName", deviceName);
        b.put("publicKeySpki", deviceKey.publicKey().spki().toBase64Url());
        if (approvalKey != null) {
            b.put("approvalKeySpki", approvalKey.publicKey().spki().toBase64Url());
        }
        return b.toString();
    }

    /** §8.1 steps 9–12. */
    TestServer.Response enrol(TestServer server, String code, String deviceName) throws Exception {
        TestServer.Response r = server.post("/v1/oob/authenticator/enrolments", null, completeBody(code, deviceName));
        if (r.status() == 201) {
            enrolment = r.json();
            enrolled(enrolment.get("authenticatorId").asText(), enrolment.get("tenantId").asText(),
                    enrolment.get("userId").asText(), enrolment.get("verificationKey").asText(),
                    enrolment.get("digits").asInt());
        }
        return r;
    }

    /** §8.1 step 12: keeps what the verifier returned (also for tests that call the service without HTTPS). */
    void enrolled(String authenticatorId, String tenantId, String userId, String verificationKeyBase64Url, int digits) {
        this.authenticatorId = authenticatorId;
        this.tenantId = tenantId;
        this.userId = userId;
        this.verificationKey = SecretBytes.copyOf(ByteArray.fromBase64Url(verificationKeyBase64Url).toByteArray());
        this.digits = digits;
    }

    String signedQuery(String method, String path) {
        long ts = clock.millis();
        ByteArray sig = deviceKey.sign(ByteArray.ofUtf8("countersign-oob-auth-v1\n" + method + "\n" + path + "\n"
                + authenticatorId + "\n" + ts), SignatureEncoding.P1363);
        return "?authenticatorId=" + enc(authenticatorId) + "&ts=" + ts + "&sig=" + sig.toBase64Url();
    }

    TestServer.Response pending(TestServer server) throws Exception {
        return server.get("/v1/oob/authenticator/pending" + signedQuery("GET", "/v1/oob/authenticator/pending"), null);
    }

    /** §8.3 step 6: the phone decodes the offset and computes the code itself. */
    String codeFor(String offsetBase64Url) {
        Offset offset = Offset.decode(ByteArray.fromBase64Url(offsetBase64Url));
        return ServerAuthCode.compute(verificationKey, offset, digits).value();
    }

    /** §8.4/§8.5: a signed decision for a pushed request. */
    String decisionBody(String requestId, String offsetBase64Url, String decision) {
        Offset offset = Offset.decode(ByteArray.fromBase64Url(offsetBase64Url));
        return decisionBody(requestId, offset.hash(), codeFor(offsetBase64Url), decision, clock.instant());
    }

    String decisionBody(String requestId, ByteArray offsetHash, String code, String decision, Instant signedAt) {
        ApprovalStatement.Decision d = switch (decision) {
            case "approve" -> ApprovalStatement.Decision.APPROVE;
            case "reject" -> ApprovalStatement.Decision.REJECT;
            default -> ApprovalStatement.Decision.CODES_DIFFER;
        };
        ApprovalStatement st = new ApprovalStatement(requestId, offsetHash, code, d, signedAt);
        ByteArray sig = deviceKey.sign(st.encode(), SignatureEncoding.P1363);
        String b = body(requestId, authenticatorId, decision, code, offsetHash.toBase64Url(), st.signedAt().toEpochMilli(),
                sig.toBase64Url());
        return approvalKey == null ? b : withApprovalSignature(b, approvalKey.sign(st.encode(), SignatureEncoding.P1363));
    }

    static String withApprovalSignature(String body, ByteArray approvalSignature) {
        try {
            ObjectNode b = (ObjectNode) JSON.readTree(body);
            b.put("approvalSignature", approvalSignature.toBase64Url());
            return b.toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String body(String requestId, String authenticatorId, String decision, String code, String offsetHash,
            long signedAt, String signature) {
        ObjectNode b = JSON.createObjectNode();
        b.put("requestId", requestId);
        b.put("authenticatorId", authenticatorId);
        b.put("decision", decision);
        b.put("code", code);
        b.put("offsetHash", offsetHash);
        b.put("signedAt", signedAt);
        b.put("signature", signature);
        return b.toString();
    }

    TestServer.Response respond(TestServer server, String body) throws Exception {
        return server.post("/v1/oob/authenticator/responses", null, body);
    }

    /** Opens the push stream (C-F3) on {@code baseUrl} and reads its events on a background thread. */
    EventStream openStream(HttpClient http, String baseUrl) throws Exception {
        String path = "/v1/oob/authenticator/stream";
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + path + signedQuery("GET", path)))
                .header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> resp = http.send(req, HttpResponse.BodyHandlers.ofLines());
        return new EventStream(resp);
    }

    /** Server-sent events as they arrive. */
    static final class EventStream implements AutoCloseable {
        record Event(String name, JsonNode data) {}

        final HttpResponse<Stream<String>> response;
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
        private final Thread reader;
        private final CompletableFuture<Boolean> ended = new CompletableFuture<>();

        EventStream(HttpResponse<Stream<String>> response) {
            this.response = response;
            this.reader = new Thread(this::read, "test-sse-reader");
            this.reader.setDaemon(true);
            if (response.statusCode() == 200) {
                reader.start();
            }
        }

        int status() {
            return response.statusCode();
        }

        private void read() {
            String name = null;
            StringBuilder data = new StringBuilder();
            try {
                for (var it = response.body().iterator(); it.hasNext(); ) {
                    String line = it.next();
                    if (line.startsWith(":")) {
                        comments.add(line.substring(1).trim());
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    } else if (line.isEmpty() && name != null) {
                        events.add(new Event(name, JSON.readTree(data.toString())));
                        name = null;
                        data.setLength(0);
                    }
                }
            } catch (Exception e) {
                // stream closed
            }
            ended.complete(true);
        }

        /** Completes when the server ends the stream. */
        CompletableFuture<Boolean> ended() {
            return ended;
        }

        /** The next event named {@code name}, skipping others; fails the test after a generous bound. */
        Event next(String name) throws InterruptedException {
            while (true) {
                Event e = events.poll(20, TimeUnit.SECONDS);
                if (e == null) {
                    throw new AssertionError("no '" + name + "' event arrived");
                }
                if (e.name().equals(name)) {
                    return e;
                }
            }
        }

        /** The next request event for one request id (a request may be delivered twice: on connect and by push). */
        Event nextRequest(String requestId) throws InterruptedException {
            while (true) {
                Event e = next("request");
                if (e.data().get("requestId").asText().equals(requestId)) {
                    return e;
                }
            }
        }

        @Override
        public void close() {
            response.body().close();
            reader.interrupt();
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
