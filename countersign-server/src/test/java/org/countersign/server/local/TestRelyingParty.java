package org.countersign.server.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.countersign.server.TestServer;

/**
 * A tiny relying-party server for browser tests: serves one page on {@code http://localhost:PORT} (a secure context
 * for WebAuthn) and relays its calls to Countersign with the tenant's API key, as 27553-1 A.3 steps b and h have the
 * RP server do. The page itself never sees the key.
 */
final class TestRelyingParty implements AutoCloseable {
    private final HttpServer http;
    private final TestServer countersign;
    /** Set once the tenant exists (its allowed origin is this server's origin). */
    volatile String apiKey;
    /** The last authentication response the page sent, kept so a test can replay it. */
    final AtomicReference<String[]> lastAssertion = new AtomicReference<>();

    TestRelyingParty(TestServer countersign) throws IOException {
        this.countersign = countersign;
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", this::handle);
        http.start();
    }

    String origin() {
        return "http://localhost:" + http.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/")) {
                send(ex, 200, "text/html; charset=utf-8", PAGE);
            } else if (path.equals("/helper.js")) {
                TestServer.Response r = countersign.get("/v1/local/webauthn.js", null);
                send(ex, r.status(), "text/javascript", r.body());
            } else if (path.equals("/rp/registrations") || path.equals("/rp/authentications")) {
                String userId = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String body = "{\"userId\":" + userId + ",\"format\":\"webauthn\"}";
                TestServer.Response r = countersign.post("/v1/local" + path.substring(3), apiKey, body);
                send(ex, r.status(), "application/json", r.body());
            } else if (path.startsWith("/rp/") && path.endsWith("/finish")) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String target = "/v1/local" + path.substring(3);
                if (path.startsWith("/rp/authentications/")) {
                    lastAssertion.set(new String[] {target, body});
                }
                TestServer.Response r = countersign.post(target, apiKey, body);
                send(ex, r.status(), "application/json", r.body());
            } else {
                send(ex, 404, "text/plain", "not found");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(ex, 500, "text/plain", "interrupted");
        } finally {
            ex.close();
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }

    /** The RP's login page: the Countersign helper plus a few test hooks (overrides and tampering). */
    static final String PAGE = """
            <!doctype html><html><head><meta charset="utf-8"><title>Test RP</title>
            <script src="/helper.js"></script></head><body><h1>Test relying party</h1>
            <script>
            async function call(path, body) {
              const r = await fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json'},
                body: typeof body === 'string' ? body : JSON.stringify(body)});
              let json = null;
              try { json = await r.json(); } catch (e) { }
              return {status: r.status, body: json};
            }
            async function registerUser(userId) {
              const s = await call('/rp/registrations', JSON.stringify(userId));
              if (s.status !== 201) return s;
              let resp;
              try { resp = await CountersignLocal.register(s.body.options); }
              catch (e) { return {status: -1, error: e.name}; }
              return call('/rp/registrations/' + s.body.ceremonyId + '/finish', resp);
            }
            async function startAuth(userId) {
              const s = await call('/rp/authentications', JSON.stringify(userId));
              window.pending = s.body;
              return s.status;
            }
            async function finishAuth(opts) {
              const o = Object.assign({}, window.pending.options);
              if (opts.uv) o.userVerification = opts.uv;
              let resp;
              try { resp = await CountersignLocal.authenticate(o); }
              catch (e) { return {status: -1, error: e.name}; }
              if (opts.tamper) {
                const cd = JSON.parse(new TextDecoder().decode(CountersignLocal.toBytes(resp.webauthn.clientDataJSON)));
                cd.challenge = CountersignLocal.toB64url(new Uint8Array(32));
                resp.webauthn.clientDataJSON = CountersignLocal.toB64url(new TextEncoder().encode(JSON.stringify(cd)));
              }
              return call('/rp/authentications/' + window.pending.ceremonyId + '/finish', resp);
            }
            async function authenticateUser(userId, opts) {
              const st = await startAuth(userId);
              if (st !== 201) return {status: st};
              return finishAuth(opts || {});
            }
            </script></body></html>
            """;
}
