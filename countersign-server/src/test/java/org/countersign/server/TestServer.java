package org.countersign.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.countersign.server.config.ServerConfig;
import org.countersign.testkit.TestDatabase;

/**
 * A real Countersign node for tests: HTTPS on a random port, a fresh data folder, and either its own database on
 * the machine's PostgreSQL (127.0.0.1:5432, created here and dropped on close) or the embedded store.
 */
public final class TestServer implements AutoCloseable {
    public final Countersign node;
    public final Path dataDir;
    public final TestDatabase database; // null for the embedded store
    public final HttpClient http;
    public final String adminToken;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestServer(Countersign node, Path dataDir, TestDatabase database, HttpClient http) {
        this.node = node;
        this.dataDir = dataDir;
        this.database = database;
        this.http = http;
        this.adminToken = node.bootstrapAdminToken().orElseThrow();
    }

    public static TestServer onPostgres(UnaryOperator<ServerConfig> tweak) throws Exception {
        return onPostgres(tweak, Clock.systemUTC());
    }

    /** As {@link #onPostgres(UnaryOperator)}, with a clock the test controls (expiry and lockout windows). */
    public static TestServer onPostgres(UnaryOperator<ServerConfig> tweak, Clock clock) throws Exception {
        TestDatabase db = TestDatabase.create();
        Path dir = Files.createTempDirectory("countersign-test");
        ServerConfig cfg = tweak.apply(ServerConfig.defaults().withDataDir(dir).withPort(0)
                .withDatabase(db.url(), db.user(), db.password()));
        return start(cfg, clock, dir, db);
    }

    public static TestServer embedded(UnaryOperator<ServerConfig> tweak) throws Exception {
        Path dir = Files.createTempDirectory("countersign-test");
        ServerConfig cfg = tweak.apply(ServerConfig.defaults().withDataDir(dir).withPort(0));
        return start(cfg, Clock.systemUTC(), dir, null);
    }

    private static TestServer start(ServerConfig cfg, Clock clock, Path dir, TestDatabase db) throws Exception {
        Countersign node;
        try {
            node = Countersign.start(cfg, clock, new PrintStream(OutputStream.nullOutputStream()));
        } catch (Exception | Error e) {
            if (db != null) {
                db.close();
            }
            throw e;
        }
        return new TestServer(node, dir, db, client(node.caCertificatePath()));
    }

    /** A client that trusts only the server's generated CA, as a relying party following the README would. */
    public static HttpClient client(Path caPem) throws Exception {
        return HttpClient.newBuilder().sslContext(sslContextTrusting(caPem)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static SSLContext sslContextTrusting(Path caPem) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate ca = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(caPem)));
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }

    public String url(String path) {
        return "https://localhost:" + node.port() + path;
    }

    public Response get(String path, String token) throws IOException, InterruptedException {
        return send(request(path, token).GET().build());
    }

    public Response delete(String path, String token) throws IOException, InterruptedException {
        return send(request(path, token).DELETE().build());
    }

    public Response post(String path, String token, String json) throws IOException, InterruptedException {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public Response send(String method, String path, String token, String contentType, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path, token);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method.toUpperCase(Locale.ROOT), body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        return send(b.build());
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    public Response send(HttpRequest req) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""), r);
    }

    public record Response(int status, String body, String contentType, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    /** Creates a tenant through the admin API and returns its API key. */
    public String createTenant(String id) throws Exception {
        Response r = post("/v1/admin/tenants", adminToken,
                "{\"id\":\"" + id + "\",\"displayName\":\"Tenant " + id + "\",\"allowedOrigins\":[\"https://" + id + ".example\"]}");
        if (r.status() != 201) {
            throw new AssertionError("tenant creation failed: " + r.status() + " " + r.body());
        }
        return r.json().get("apiKey").asText();
    }

    @Override
    public void close() throws Exception {
        node.close();
        if (database != null) {
            database.close();
        }
        try (var files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
