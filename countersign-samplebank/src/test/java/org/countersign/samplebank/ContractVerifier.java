package org.countersign.samplebank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.oob.ApprovalStatement;
import org.countersign.core.oob.Offset;
import org.countersign.core.oob.ServerAuthCode;

/**
 * A stand-in for the verifier's out-of-band routes, written from docs/oob-api.md only, for browser tests while the
 * real routes are not in this build. It serves the real web authenticator files and uses the real core formats
 * (offset, code, approval statement), so the pages and the bank are exercised end to end; what it does not model
 * (persistence, rate limits, audit, multi-node push) is the verifier's own tests' job.
 */
final class ContractVerifier implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final int VALIDITY_SECONDS = 60;

    private record Authenticator(String id, String userId, String deviceName, PublicKey key, Instant createdAt,
            boolean[] revoked) {}

    private static final class Request {
        final String id;
        final String userId;
        final Offset offset;
        final String code;
        final Instant expiresAt;
        volatile String status = "pending";
        volatile String decidedBy;

        Request(String id, String userId, Offset offset, String code, Instant expiresAt) {
            this.id = id;
            this.userId = userId;
            this.offset = offset;
            this.code = code;
            this.expiresAt = expiresAt;
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, String> enrolmentCodes = new ConcurrentHashMap<>();
    private final Map<String, byte[]> verificationKeys = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> recoveryCodes = new ConcurrentHashMap<>();
    private final Map<String, Authenticator> authenticators = new ConcurrentHashMap<>();
    private final Map<String, Request> requests = new ConcurrentHashMap<>();
    private final Set<String> passwordLoginDisabled = ConcurrentHashMap.newKeySet();
    private final List<Map.Entry<String, SseClient>> streams = new CopyOnWriteArrayList<>();
    private final Javalin app;

    ContractVerifier() {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.staticFiles.add(sf -> {
                sf.hostedPath = "/authenticator";
                sf.directory = "/web/authenticator";
                sf.location = Location.CLASSPATH;
                sf.mimeTypes.add("application/manifest+json", "webmanifest");
            });
            var r = config.routes;
            r.post("/v1/oob/enrolments", this::createEnrolment);
            r.get("/v1/oob/users/{userId}/authenticators", this::listAuthenticators);
            r.delete("/v1/oob/users/{userId}/authenticators/{id}", ctx -> {
                Authenticator a = authenticators.get(ctx.pathParam("id"));
                if (a == null || !a.userId().equals(ctx.pathParam("userId"))) {
                    problem(ctx, 404, "not-found");
                    return;
                }
                a.revoked()[0] = true;
                ctx.status(204);
            });
            r.get("/v1/oob/users/{userId}/password-login", ctx -> ctx.contentType("application/json")
                    .result("{\"disabled\":" + passwordLoginDisabled.contains(ctx.pathParam("userId")) + "}"));
            r.put("/v1/oob/users/{userId}/password-login", ctx -> {
                boolean d = JSON.readTree(ctx.body()).path("disabled").asBoolean();
                if (d) {
                    passwordLoginDisabled.add(ctx.pathParam("userId"));
                } else {
                    passwordLoginDisabled.remove(ctx.pathParam("userId"));
                }
                ctx.contentType("application/json").result("{\"disabled\":" + d + "}");
            });
            r.post("/v1/oob/users/{userId}/release", ctx -> release(ctx, ctx.pathParam("userId")));
            r.post("/v1/oob/users/{userId}/recover", ctx -> {
                String user = ctx.pathParam("userId");
                String code = JSON.readTree(ctx.body()).path("recoveryCode").asText();
                Set<String> codes = recoveryCodes.getOrDefault(user, Set.of());
                if (!codes.remove(code)) {
                    problem(ctx, 400, "recovery-code-invalid");
                    return;
                }
                release(ctx, user);
            });
            r.post("/v1/oob/requests", this::createRequest);
            r.get("/v1/oob/requests/{id}", this::result);
            r.post("/v1/oob/authenticator/enrolments", this::completeEnrolment);
            r.sse("/v1/oob/authenticator/stream", client -> {
                Optional<Authenticator> a = signedCaller(client.ctx(), "/v1/oob/authenticator/stream");
                if (a.isEmpty()) {
                    client.close();
                    return;
                }
                Map.Entry<String, SseClient> entry = Map.entry(a.get().id(), client);
                streams.add(entry);
                client.onClose(() -> streams.remove(entry));
                client.keepAlive();
            });
            r.get("/v1/oob/authenticator/pending", ctx -> {
                Optional<Authenticator> a = signedCaller(ctx, "/v1/oob/authenticator/pending");
                if (a.isEmpty()) {
                    problem(ctx, 401, "unauthenticated");
                    return;
                }
                ArrayNode list = JSON.createArrayNode();
                requests.values().stream().filter(q -> q.userId.equals(a.get().userId()) && live(q))
                        .forEach(q -> list.add(event(q)));
                ObjectNode body = JSON.createObjectNode();
                body.set("requests", list);
                ctx.contentType("application/json").result(body.toString());
            });
            r.post("/v1/oob/authenticator/responses", this::respond);
        });
        app.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    // ---------------------------------------------------------------- RP side

    private void createEnrolment(Context ctx) throws Exception {
        String user = JSON.readTree(ctx.body()).path("userId").asText();
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            code.append(CROCKFORD.charAt(random.nextInt(32)));
        }
        enrolmentCodes.put(code.toString(), user);
        ObjectNode out = JSON.createObjectNode().put("enrolmentId", "enr_" + code.toString().toLowerCase())
                .put("userId", user)
                .put("enrolmentCode", code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8))
                .put("enrolmentUri", baseUrl() + "/authenticator/?enrol=" + code + "&tenant=samplebank")
                .put("expiresAt", Instant.now().plusSeconds(600).toString());
        ctx.status(201).contentType("application/json").result(out.toString());
    }

    private void listAuthenticators(Context ctx) {
        ArrayNode list = JSON.createArrayNode();
        authenticators.values().stream().filter(a -> a.userId().equals(ctx.pathParam("userId")))
                .forEach(a -> list.addObject().put("authenticatorId", a.id()).put("deviceName", a.deviceName())
                        .put("createdAt", a.createdAt().toString()).putNull("lastUsedAt")
                        .put("status", a.revoked()[0] ? "revoked" : "active"));
        ObjectNode body = JSON.createObjectNode();
        body.set("authenticators", list);
        ctx.contentType("application/json").result(body.toString());
    }

    private void release(Context ctx, String user) {
        int n = 0;
        for (Authenticator a : authenticators.values()) {
            if (a.userId().equals(user) && !a.revoked()[0]) {
                a.revoked()[0] = true;
                n++;
            }
        }
        verificationKeys.remove(user);
        ctx.contentType("application/json").result(JSON.createObjectNode().put("passwordResetToken", "prt_" + random.nextLong())
                .put("revokedAuthenticators", n).toString());
    }

    private void createRequest(Context ctx) throws Exception {
        JsonNode in = JSON.readTree(ctx.body());
        String user = in.path("userId").asText();
        boolean hasDevice = authenticators.values().stream().anyMatch(a -> a.userId().equals(user) && !a.revoked()[0]);
        if (!hasDevice) {
            problem(ctx, 409, "no-authenticator");
            return;
        }
        if (requests.values().stream().anyMatch(q -> q.userId.equals(user) && live(q))) {
            problem(ctx, 409, "oob-request-pending");
            return;
        }
        Offset offset = new Offset(in.path("rpServerIp").asText(), in.path("rpSessionId").asText(),
                in.path("terminalPublicIp").asText(), Optional.ofNullable(in.path("terminalPrivateIp").asText(null)),
                in.path("browser").asText(), in.path("browserVersion").asText(), user, Instant.now());
        String code = ServerAuthCode.compute(SecretBytes.copyOf(verificationKeys.get(user)), offset, 6).value();
        Request q = new Request("req_" + Long.toHexString(random.nextLong() & Long.MAX_VALUE), user, offset, code,
                Instant.now().plusSeconds(VALIDITY_SECONDS));
        requests.put(q.id, q);
        for (Map.Entry<String, SseClient> s : streams) {
            Authenticator a = authenticators.get(s.getKey());
            if (a != null && a.userId().equals(user) && !a.revoked()[0]) {
                s.getValue().sendEvent("request", event(q).toString());
            }
        }
        ctx.status(201).contentType("application/json").result(JSON.createObjectNode().put("requestId", q.id)
                .put("status", "pending").put("code", code).put("digits", 6).put("expiresAt", q.expiresAt.toString())
                .put("validitySeconds", VALIDITY_SECONDS).put("qrPayload", "countersign-oob:" + q.id + ":" + code).toString());
    }

    private void result(Context ctx) throws InterruptedException {
        Request q = requests.get(ctx.pathParam("id"));
        if (q == null) {
            problem(ctx, 404, "not-found");
            return;
        }
        int wait = Math.min(30, Integer.parseInt(Optional.ofNullable(ctx.queryParam("waitSeconds")).orElse("0")));
        long until = System.nanoTime() + wait * 1_000_000_000L;
        while (live(q) && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        live(q);
        ObjectNode out = JSON.createObjectNode().put("requestId", q.id).put("userId", q.userId).put("status", q.status);
        if (q.decidedBy != null) {
            out.put("authenticatorId", q.decidedBy).put("deviceName", authenticators.get(q.decidedBy).deviceName());
        }
        ctx.contentType("application/json").result(out.toString());
    }

    private boolean live(Request q) {
        if ("pending".equals(q.status) && Instant.now().isAfter(q.expiresAt)) {
            q.status = "expired";
        }
        return "pending".equals(q.status);
    }

    // ---------------------------------------------------------------- authenticator side

    private void completeEnrolment(Context ctx) throws Exception {
        JsonNode in = JSON.readTree(ctx.body());
        String code = in.path("enrolmentCode").asText().replace("-", "").toUpperCase();
        String user = enrolmentCodes.remove(code);
        if (user == null) {
            problem(ctx, 400, "enrolment-code-invalid");
            return;
        }
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(
                new X509EncodedKeySpec(Base64.getUrlDecoder().decode(in.path("publicKeySpki").asText())));
        boolean first = !verificationKeys.containsKey(user);
        byte[] vk = verificationKeys.computeIfAbsent(user, u -> {
            byte[] b = new byte[32];
            random.nextBytes(b);
            return b;
        });
        Authenticator a = new Authenticator("auth_" + Long.toHexString(random.nextLong() & Long.MAX_VALUE), user,
                in.path("deviceName").asText(), key, Instant.now(), new boolean[1]);
        authenticators.put(a.id(), a);
        ObjectNode out = JSON.createObjectNode().put("authenticatorId", a.id()).put("tenantId", "samplebank")
                .put("tenantName", "Sample Bank").put("userId", user)
                .put("verificationKey", Base64.getUrlEncoder().withoutPadding().encodeToString(vk))
                .put("ocraSuite", "OCRA-1:HOTP-SHA256-6:QH64").put("digits", 6);
        if (first) {
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                codes.add(Long.toString(random.nextLong() & 0xffffffffffL, 36));
            }
            recoveryCodes.put(user, ConcurrentHashMap.newKeySet());
            recoveryCodes.get(user).addAll(codes);
            codes.forEach(out.putArray("recoveryCodes")::add);
        }
        ctx.status(201).contentType("application/json").result(out.toString());
    }

    private Optional<Authenticator> signedCaller(Context ctx, String path) {
        try {
            String id = ctx.queryParam("authenticatorId");
            String ts = ctx.queryParam("ts");
            Authenticator a = authenticators.get(id);
            if (a == null || a.revoked()[0] || Math.abs(System.currentTimeMillis() - Long.parseLong(ts)) > 60_000) {
                return Optional.empty();
            }
            byte[] signed = ("countersign-oob-auth-v1\nGET\n" + path + "\n" + id + "\n" + ts).getBytes(StandardCharsets.UTF_8);
            return verify(a.key(), signed, ctx.queryParam("sig")) ? Optional.of(a) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean verify(PublicKey key, byte[] data, String sigB64u) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initVerify(key);
            s.update(data);
            return s.verify(Base64.getUrlDecoder().decode(sigB64u));
        } catch (Exception e) {
            return false;
        }
    }

    private ObjectNode event(Request q) {
        return JSON.createObjectNode().put("requestId", q.id).put("tenantId", "samplebank").put("tenantName", "Sample Bank")
                .put("userId", q.userId).put("offset", q.offset.encode().toBase64Url()).put("digits", 6)
                .put("expiresAt", q.expiresAt.toString());
    }

    private void respond(Context ctx) throws Exception {
        JsonNode in = JSON.readTree(ctx.body());
        Request q = requests.get(in.path("requestId").asText());
        Authenticator a = authenticators.get(in.path("authenticatorId").asText());
        if (q == null || a == null || a.revoked()[0] || !a.userId().equals(q.userId)) {
            problem(ctx, 403, "authenticator-not-allowed");
            return;
        }
        ApprovalStatement.Decision decision = switch (in.path("decision").asText()) {
            case "approve" -> ApprovalStatement.Decision.APPROVE;
            case "reject" -> ApprovalStatement.Decision.REJECT;
            case "codes_differ" -> ApprovalStatement.Decision.CODES_DIFFER;
            default -> null;
        };
        ByteArray offsetHash = ByteArray.fromBase64Url(in.path("offsetHash").asText());
        if (decision == null || !offsetHash.equals(q.offset.hash()) || !q.code.equals(in.path("code").asText())) {
            problem(ctx, 400, "response-mismatch");
            return;
        }
        ApprovalStatement st = new ApprovalStatement(q.id, offsetHash, q.code, decision,
                Instant.ofEpochMilli(in.path("signedAt").asLong()));
        if (!verify(a.key(), st.encode().toByteArray(), in.path("signature").asText())) {
            problem(ctx, 400, "signature-invalid");
            return;
        }
        synchronized (q) {
            if (!live(q)) {
                problem(ctx, 409, "request-not-pending");
                return;
            }
            q.status = switch (decision) {
                case APPROVE -> "approved";
                case REJECT -> "rejected";
                case CODES_DIFFER -> "codes_differ";
            };
            q.decidedBy = a.id();
        }
        ctx.contentType("application/json").result("{\"status\":\"" + q.status + "\"}");
    }

    private static void problem(Context ctx, int status, String slug) {
        ctx.status(status).contentType("application/problem+json").result(JSON.createObjectNode()
                .put("type", "https://countersign.dev/problems/" + slug).put("title", slug).put("status", status).toString());
    }
}
