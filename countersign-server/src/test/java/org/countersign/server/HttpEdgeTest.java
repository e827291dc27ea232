package org.countersign.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP edge: strict JSON (docs/api.md "Requests"), control characters refused before they reach the store,
 * validation failures as 400 problems on every route, and the HTTP-layer refusals (oversized headers, long URIs,
 * undecodable paths, unknown methods, unread bodies) typed, identified and well-formed. /metrics is per route and
 * needs the admin key.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpEdgeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A Java class or JDK internals in a detail: package names, exception names, helpful-NPE wording. */
    static final Pattern JAVA_INTERNALS = Pattern.compile(
            "java\\.|javax\\.|org\\.countersign|com\\.fasterxml|Exception|\\$|because \"|Cannot invoke|`");

    TestServer server;
    String bankKey;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.onPostgres(c -> c.withRateLimits(100_000, 100_000));
        bankKey = server.createTenant("bank");
        assertThat(server.post("/v1/users", bankKey, "{\"userId\":\"alice\",\"displayName\":\"Alice\"}").status())
                .isEqualTo(201);
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    // ---- item 7: strict JSON ----

    @Test
    void strictJson_scalarsAreNotCoercedAndDetailsNameFieldAndType() throws Exception {
        TestServer.Response r = server.post("/v1/users", bankKey, "{\"userId\":12,\"displayName\":\"Twelve\"}");
        assertProblem(r, 400, "validation-failed");
        assertThat(r.json().get("detail").asText()).isEqualTo("userId must be a string");
        r = server.post("/v1/users", bankKey, "{\"userId\":true,\"displayName\":\"T\"}");
        assertProblem(r, 400, "validation-failed");
        assertThat(r.json().get("detail").asText()).isEqualTo("userId must be a string");
        r = server.post("/v1/users", bankKey, "{\"userId\":[\"a\"],\"displayName\":\"T\"}");
        assertProblem(r, 400, "validation-failed");
        assertThat(r.json().get("detail").asText()).isEqualTo("userId must be a string");
        String settings = "{\"codeDigits\":%s,\"validitySeconds\":60,\"concurrentRequests\":\"block\","
                + "\"passwordRenewal\":true,\"enrolmentValiditySeconds\":600}";
        for (String number : new String[] {"6.0", "\"6\"", "true", "6.5", "1e999"}) {
            r = server.send("PUT", "/v1/oob/settings", bankKey, "application/json",
                    String.format(settings, number).getBytes(StandardCharsets.UTF_8));
            assertProblem(r, 400, "validation-failed");
            assertThat(r.json().get("detail").asText()).as(number)
                    .isIn("codeDigits must be an integer", "codeDigits is out of range");
        }
        r = server.send("PUT", "/v1/oob/settings", bankKey, "application/json",
                String.format(settings, "6").replace("true", "\"yes\"").getBytes(StandardCharsets.UTF_8));
        assertProblem(r, 400, "validation-failed");
        assertThat(r.json().get("detail").asText()).isEqualTo("passwordRenewal must be true or false");
        assertThat(server.get("/v1/users/12", bankKey).status()).isEqualTo(404);
    }

    @Test
    void strictJson_duplicateKeysTrailingTokensAndNonUtf8AreRefused() throws Exception {
        assertProblem(server.post("/v1/users", bankKey, "{\"userId\":\"dup1\",\"userId\":\"dup2\",\"displayName\":\"D\"}"),
                400, "malformed-json");
        assertProblem(server.post("/v1/users", bankKey, "{\"userId\":\"trail\",\"displayName\":\"T\"} {}"), 400,
                "malformed-json");
        byte[] utf16 = "{\"userId\":\"wide\",\"displayName\":\"W\"}".getBytes(StandardCharsets.UTF_16);
        assertProblem(server.send("POST", "/v1/users", bankKey, "application/json", utf16), 400, "malformed-json");
        byte[] latin1 = "{\"userId\":\"latin\",\"displayName\":\"Zo\u00eb\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertProblem(server.send("POST", "/v1/users", bankKey, "application/json", latin1), 400, "malformed-json");
        assertThat(server.get("/v1/users/dup2", bankKey).status()).isEqualTo(404);
        assertThat(server.get("/v1/users/wide", bankKey).status()).isEqualTo(404);
    }

    @Test
    void strictJson_onlyApplicationJsonInUtf8IsAccepted() throws Exception {
        byte[] body = "{\"userId\":\"ct%d\",\"displayName\":\"C\"}".getBytes(StandardCharsets.UTF_8);
        String[] refused = {"application/json-patch+json", "application/json; charset=latin1",
            "application/json;charset=iso-8859-1", "application/jsonx", "text/json", "application/json; charset=utf-16"};
        for (int i = 0; i < refused.length; i++) {
            TestServer.Response r = server.send("POST", "/v1/users", bankKey, refused[i],
                    new String(body, StandardCharsets.UTF_8).replace("%d", "r" + i).getBytes(StandardCharsets.UTF_8));
            assertProblem(r, 415, "unsupported-media-type");
        }
        String[] accepted = {"application/json", "application/json; charset=utf-8", "Application/JSON;Charset=\"UTF-8\""};
        for (int i = 0; i < accepted.length; i++) {
            TestServer.Response r = server.send("POST", "/v1/users", bankKey, accepted[i],
                    new String(body, StandardCharsets.UTF_8).replace("%d", "a" + i).getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as(accepted[i] + " " + r.body()).isEqualTo(201);
        }
    }

    @Test
    void strictJson_noJavaClassNameInAnyDetail() throws Exception {
        String[] bodies = {"{\"userId\":{},\"displayName\":\"x\"}", "{\"userId\":null,\"displayName\":\"x\"}",
            "{\"displayName\":\"x\"}", "[]", "\"x\"", "{\"userId\":\"a\",\"displayName\":\"x\",\"extra\":1}",
            "{\"userId\":\"a\",\"displayName\":[1]}", "{\"userId\":99999999999999999999999,\"displayName\":\"x\"}"};
        for (String b : bodies) {
            TestServer.Response r = server.post("/v1/users", bankKey, b);
            assertThat(r.status()).as(b).isEqualTo(400);
            assertThat(r.json().path("detail").asText()).as(b).doesNotContainPattern(JAVA_INTERNALS);
        }
        String settings = "{\"codeDigits\":6,\"validitySeconds\":60,\"concurrentRequests\":%s,"
                + "\"passwordRenewal\":true,\"enrolmentValiditySeconds\":600}";
        for (String v : new String[] {"\"sometimes\"", "7", "{}", "null"}) {
            TestServer.Response r = server.send("PUT", "/v1/oob/settings", bankKey, "application/json",
                    String.format(settings, v).getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as(v).isEqualTo(400);
            assertThat(r.json().path("detail").asText()).as(v).doesNotContainPattern(JAVA_INTERNALS);
        }
    }

    // ---- item 8: control characters never reach the store ----

    @Test
    void controlCharacters_inQueryPathAndBodyAre400() throws Exception {
        assertProblem(server.get("/v1/users?after=%00", bankKey), 400, "validation-failed");
        assertProblem(server.get("/v1/users/a;%00", bankKey), 400, "validation-failed");
        assertProblem(server.get("/v1/users/a%01b", bankKey), 400, "validation-failed");
        assertProblem(server.get("/v1/users?after=a%7Fb", bankKey), 400, "validation-failed");
        TestServer.Response r = server.post("/v1/oob/requests", bankKey, "{\"userId\":\"alice\",\"rpServerIp\":"
                + "\"203.0.113.10\",\"rpSessionId\":\"s\\u0000\",\"terminalPublicIp\":\"198.51.100.7\","
                + "\"browser\":\"Chromium\",\"browserVersion\":\"156.0\"}");
        assertProblem(r, 400, "validation-failed");
        assertThat(r.json().get("detail").asText()).contains("rpSessionId");
        // the database is up: these were refusals, not an outage
        assertThat(server.get("/health/ready", null).status()).isEqualTo(200);
    }

    // ---- item 5: validation failures inside handlers are 400, not 500 ----

    @Test
    void validationInHandlers_remoteRoutesAnswer400() throws Exception {
        TestServer.Response r = server.post("/v1/remote/sessions", null, "{\"tenant\":\"bank\"}");
        assertProblem(r, 400, "validation-failed");
        assertThat(r.json().get("detail").asText()).doesNotContainPattern(JAVA_INTERNALS);
        r = server.post("/v1/remote/devices", null, "{\"tenant\":\"bank\",\"enrolmentCode\":\"x\",\"srpGroup\":\"g\","
                + "\"srpHash\":\"h\",\"salt\":\"s\",\"verifier\":\"v\"}");
        assertThat(r.status()).isBetween(400, 499);
        assertThat(r.body()).doesNotContainPattern(JAVA_INTERNALS);
        r = server.post("/v1/remote/sessions/abc/proof", null, "{\"clientPublicA\":\"%%%\",\"clientProofM1\":\"!!\"}");
        assertThat(r.status()).isBetween(400, 499);
        assertThat(r.body()).doesNotContainPattern(JAVA_INTERNALS);
        r = server.post("/v1/remote/enrolments", bankKey, "{\"deviceType\":\"phone\"}");
        assertThat(r.status()).isBetween(400, 499);
        assertThat(r.body()).doesNotContainPattern(JAVA_INTERNALS);
    }

    // ---- item 13: the HTTP layer's own refusals ----

    @Test
    void httpLayer_oversizedHeadersAndUrisHaveTheirOwnTypesAndARequestId() throws Exception {
        Raw r = raw("GET /v1/users HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
        assertThat(r.status).isEqualTo(431);
        assertRawProblem(r, "request-header-too-large");
        r = raw("GET /v1/users?" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(r.status).isEqualTo(414);
        assertRawProblem(r, "uri-too-long");
        r = raw("GET /v1/users HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n");
        assertThat(r.status).isEqualTo(400);
        assertRawProblem(r, "bad-request");
    }

    @Test
    void httpLayer_undecodablePathIsAProblem() throws Exception {
        // Jetty writes error bodies only for GET, POST and HEAD by default: PUT and DELETE got an empty 400
        for (String method : new String[] {"GET", "PUT", "DELETE"}) {
            Raw r = raw(method + " /v1/users/%ff HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n");
            assertThat(r.status).as(method).isEqualTo(400);
            assertRawProblem(r, null);
        }
    }

    @Test
    void httpLayer_unsupportedMethodsAre405WithAllow() throws Exception {
        for (String method : new String[] {"TRACE", "OPTIONS", "PATCH"}) {
            Raw r = raw(method + " /v1/users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + bankKey
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            assertThat(r.status).as(method).isEqualTo(405);
            assertThat(r.headers.get("allow")).as(method).contains("GET").contains("POST");
            assertRawProblem(r, "method-not-allowed");
        }
        Raw r = raw("PUT /v1/users/alice HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(r.status).isEqualTo(405);
        assertThat(r.headers.get("allow")).contains("GET").contains("DELETE");
        assertThat(raw("TRACE /no/such/thing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").status)
                .isEqualTo(404);
    }

    @Test
    void httpLayer_anUnreadBodyClosesTheConnectionAndSaysSo() throws Exception {
        // refused before the body is read (no credentials): the server will not drain 200 KB, so it must say it closes
        String head = "POST /v1/users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 200000\r\n\r\n";
        Raw r = raw(head + "{\"a\":\"" + "x".repeat(1000));
        assertThat(r.status).isEqualTo(401);
        assertThat(r.headers.get("connection")).isEqualToIgnoringCase("close");
        // over the size limit, declared
        r = raw("POST /v1/users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + bankKey
                + "\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{");
        assertThat(r.status).isEqualTo(413);
        assertThat(r.headers.get("connection")).isEqualToIgnoringCase("close");
    }

    @Test
    void metrics_needTheAdminKeyAndArePerRoute() throws Exception {
        assertThat(server.get("/v1/users/alice", bankKey).status()).isEqualTo(200);
        assertProblem(server.get("/metrics", null), 401, "unauthenticated");
        assertProblem(server.get("/metrics", bankKey), 403, "forbidden");
        TestServer.Response m = server.get("/metrics", server.adminToken);
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.body()).contains("route=\"/v1/users/{userId}\"").doesNotContain("route=\"*\"");
    }

    // ---- helpers ----

    private static void assertProblem(TestServer.Response r, int status, String slug) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("type").asText()).isEqualTo("https://countersign.dev/problems/" + slug);
        assertThat(p.path("detail").asText()).doesNotContainPattern(JAVA_INTERNALS);
        assertThat(p.get("requestId").asText()).isNotEqualTo("-");
    }

    private static void assertRawProblem(Raw r, String slug) throws IOException {
        assertThat(r.headers.get("content-type")).as(r.toString()).startsWith("application/problem+json");
        JsonNode p = JSON.readTree(r.body);
        if (slug != null) {
            assertThat(p.get("type").asText()).isEqualTo("https://countersign.dev/problems/" + slug);
        }
        assertThat(p.get("status").asInt()).isEqualTo(r.status);
        String id = p.get("requestId").asText();
        assertThat(id).isNotEqualTo("-").isNotBlank();
        assertThat(r.headers.get("x-request-id")).isEqualTo(id);
    }

    record Raw(int status, Map<String, String> headers, String body) {}

    /** One request written byte for byte over TLS (the JDK client would refuse or normalise these). */
    private Raw raw(String request) throws Exception {
        try (SSLSocket s = (SSLSocket) TestServer.sslContextTrusting(server.node.caCertificatePath())
                .getSocketFactory().createSocket("localhost", server.node.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int headerEnd = -1;
            int contentLength = -1;
            while (true) {
                int n;
                try {
                    n = in.read(chunk);
                } catch (SocketTimeoutException | javax.net.ssl.SSLException e) {
                    break;
                } catch (IOException e) {
                    break; // reset after the answer: the server closed while we were still "sending"
                }
                if (n < 0) {
                    break;
                }
                buf.write(chunk, 0, n);
                String sofar = buf.toString(StandardCharsets.ISO_8859_1);
                if (headerEnd < 0 && (headerEnd = sofar.indexOf("\r\n\r\n")) >= 0) {
                    var m = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(sofar.substring(0, headerEnd));
                    contentLength = m.find() ? Integer.parseInt(m.group(1)) : -1;
                }
                if (headerEnd >= 0 && contentLength >= 0 && buf.size() >= headerEnd + 4 + contentLength) {
                    break;
                }
            }
            String text = buf.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            assertThat(end).as("no complete response head: " + text).isPositive();
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                headers.merge(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
            String body = text.substring(end + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = dechunk(body);
            }
            return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
        }
    }

    private static String dechunk(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int eol = s.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(s.substring(i, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(s, eol + 2, Math.min(s.length(), eol + 2 + size));
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
