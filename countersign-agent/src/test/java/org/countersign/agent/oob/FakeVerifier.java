package org.countersign.agent.oob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.oob.ApprovalStatement;
import org.countersign.core.oob.Offset;
import org.countersign.core.oob.ServerAuthCode;
import org.countersign.core.pki.LocalCertificateAuthority;
import org.countersign.core.pki.Pem;
import org.countersign.core.sig.EcP256PublicKey;
import org.countersign.core.sig.SignatureEncoding;

/**
 * A minimal verifier speaking the authenticator half of docs/oob-api.md over HTTPS with its own CA, so the SDK is
 * tested against the contract independently of the real server. It checks what the real one must check (request
 * signatures, approval signatures, code and offset hash) and records what it saw.
 */
final class FakeVerifier implements AutoCloseable {
    static final String CODE = "K7QXM2PA9TDE";
    private static final ObjectMapper JSON = new ObjectMapper();

    final String caPem;
    final SecretBytes verificationKey = SecretBytes.random(32, new SecureRandom());
    final Map<String, EcP256PublicKey> devices = new ConcurrentHashMap<>();
    final Map<String, ObjectNode> pending = new ConcurrentHashMap<>();
    final Map<String, ApprovalStatement> decisions = new ConcurrentHashMap<>();
    final List<String> refusals = new CopyOnWriteArrayList<>();
    private final Map<String, ServerAuthCode> codes = new ConcurrentHashMap<>();
    private final List<HttpExchange> streams = new CopyOnWriteArrayList<>();
    private final HttpsServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    volatile String userId = "alice";
    volatile String tenantId = "bank";
    private int seq;

    FakeVerifier() throws Exception {
        LocalCertificateAuthority ca = LocalCertificateAuthority.create("Fake verifier CA", Duration.ofDays(1));
        var issued = ca.issueServerCertificate(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("tls", issued.privateKey(), new char[0], issued.chain().toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
        caPem = Pem.writeCertificate(ca.certificate());
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    String enrolmentUri() {
        return url() + "/authenticator/?enrol=" + CODE + "&tenant=" + tenantId;
    }

    /** The relying party's request (X.1280 §8.2–8.3): stores it, pushes it to open streams, returns the code. */
    synchronized ServerAuthCode createRequest(Offset offset, int digits) {
        String id = "req_" + (++seq);
        ServerAuthCode code = ServerAuthCode.compute(verificationKey, offset, digits);
        codes.put(id, code);
        ObjectNode n = JSON.createObjectNode();
        n.put("requestId", id);
        n.put("tenantId", tenantId);
        n.put("tenantName", "Bank");
        n.put("userId", offset.userId());
        n.put("offset", offset.encode().toBase64Url());
        n.put("digits", digits);
        n.put("expiresAt", Instant.now().plusSeconds(60).toString());
        pending.put(id, n);
        push("request", n.toString());
        return code;
    }

    String lastRequestId() {
        return "req_" + seq;
    }

    /** Pushes a raw event (tests that tamper with the push). */
    void push(String event, String data) {
        for (HttpExchange ex : streams) {
            try {
                OutputStream out = ex.getResponseBody();
                out.write((": keep-alive\nevent: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                streams.remove(ex);
            }
        }
    }

    int openStreams() {
        return streams.size();
    }

    /** Drops every stream, as a verifier restart or a network change would. */
    void dropStreams() {
        for (HttpExchange ex : streams) {
            streams.remove(ex);
            ex.close();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            switch (ex.getRequestMethod() + " " + path) {
                case "POST /v1/oob/authenticator/enrolments" -> enrol(ex);
                case "GET /v1/oob/authenticator/stream" -> {
                    if (!signed(ex)) {
                        return;
                    }
                    ex.getResponseHeaders().add("Content-Type", "text/event-stream");
                    ex.sendResponseHeaders(200, 0);
                    ex.getResponseBody().write(": hello\n\n".getBytes(StandardCharsets.UTF_8));
                    ex.getResponseBody().flush();
                    streams.add(ex);
                }
                case "GET /v1/oob/authenticator/pending" -> {
                    if (!signed(ex)) {
                        return;
                    }
                    ObjectNode r = JSON.createObjectNode();
                    pending.values().forEach(r.putArray("requests")::add);
                    if (!r.has("requests")) {
                        r.putArray("requests");
                    }
                    send(ex, 200, r.toString());
                }
                case "POST /v1/oob/authenticator/responses" -> respond(ex);
                default -> send(ex, 404, "{\"type\":\"not-found\"}");
            }
        } catch (Exception e) {
            refusals.add("exception " + e);
            send(ex, 500, "{\"type\":\"internal\"}");
        }
    }

    private void enrol(HttpExchange ex) throws Exception {
        JsonNode b = JSON.readTree(ex.getRequestBody());
        if (!CODE.equals(b.path("enrolmentCode").asText())) {
            send(ex, 400, "{\"type\":\"https://countersign.example/problems/enrolment-code-invalid\",\"detail\":\"unknown code\"}");
            return;
        }
        String id = "auth_" + (devices.size() + 1);
        devices.put(id, EcP256PublicKey.fromSpki(ByteArray.fromBase64Url(b.path("publicKeySpki").asText())));
        ObjectNode r = JSON.createObjectNode();
        r.put("authenticatorId", id);
        r.put("tenantId", tenantId);
        r.put("tenantName", "Bank");
        r.put("userId", userId);
        r.put("verificationKey", ByteArray.copyOf(verificationKey.revealForCrypto()).toBase64Url());
        r.put("ocraSuite", "OCRA-1:HOTP-SHA256-6:QH64");
        r.put("digits", 6);
        r.putArray("recoveryCodes").add("RC1").add("RC2");
        send(ex, 201, r.toString());
    }

    /** Checks the query signature of docs/oob-api.md "Authenticator signatures". */
    private boolean signed(HttpExchange ex) throws Exception {
        Map<String, String> q = new HashMap<>();
        for (String p : ex.getRequestURI().getRawQuery().split("&")) {
            int eq = p.indexOf('=');
            q.put(p.substring(0, eq), URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        EcP256PublicKey key = devices.get(q.get("authenticatorId"));
        String text = "countersign-oob-auth-v1\n" + ex.getRequestMethod() + "\n" + ex.getRequestURI().getPath() + "\n"
                + q.get("authenticatorId") + "\n" + q.get("ts");
        if (key == null || !key.verify(ByteArray.ofUtf8(text), ByteArray.fromBase64Url(q.get("sig")), SignatureEncoding.P1363)) {
            refusals.add("bad query signature");
            send(ex, 401, "{\"type\":\"authenticator-signature-invalid\"}");
            return false;
        }
        return true;
    }

    private void respond(HttpExchange ex) throws Exception {
        JsonNode b = JSON.readTree(ex.getRequestBody());
        String id = b.path("requestId").asText();
        ServerAuthCode code = codes.get(id);
        EcP256PublicKey key = devices.get(b.path("authenticatorId").asText());
        var decision = switch (b.path("decision").asText()) {
            case "approve" -> ApprovalStatement.Decision.APPROVE;
            case "reject" -> ApprovalStatement.Decision.REJECT;
            default -> ApprovalStatement.Decision.CODES_DIFFER;
        };
        ApprovalStatement st = new ApprovalStatement(id, ByteArray.fromBase64Url(b.path("offsetHash").asText()),
                b.path("code").asText(), decision, Instant.ofEpochMilli(b.path("signedAt").asLong()));
        if (code == null || key == null || !code.matches(st.code()) || !code.offsetHash().equals(st.offsetHash())
                || !key.verify(st.encode(), ByteArray.fromBase64Url(b.path("signature").asText()), SignatureEncoding.P1363)) {
            refusals.add("bad response for " + id);
            send(ex, 400, "{\"type\":\"https://countersign.example/problems/oob-response-invalid\",\"detail\":\"refused\"}");
            return;
        }
        if (decisions.putIfAbsent(id, st) != null) {
            send(ex, 409, "{\"type\":\"oob-request-decided\"}");
            return;
        }
        pending.remove(id);
        String status = switch (decision) {
            case APPROVE -> "approved";
            case REJECT -> "rejected";
            case CODES_DIFFER -> "codes_differ";
        };
        send(ex, 200, "{\"status\":\"" + status + "\"}");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        dropStreams();
        server.stop(0);
        pool.shutdownNow();
    }
}
