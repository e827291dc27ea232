package org.countersign.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.countersign.agent.oob.EnrolmentTarget;
import org.countersign.agent.oob.OobException;
import org.countersign.agent.oob.PendingRequest;
import org.countersign.agent.oob.PushStream;
import org.countersign.agent.oob.ServerTrust;
import org.countersign.server.Countersign;
import org.countersign.server.config.ServerConfig;
import org.countersign.server.store.Store;
import org.countersign.testkit.emulators.EmulatedPhone;

/**
 * Loopback load generator for X.1280 sign-ins (not JMH: it measures a whole system over HTTPS). It starts a node on
 * a fresh PostgreSQL database (or targets a running one), creates a tenant and N users each with an emulated phone
 * holding a push stream, then drives complete logins from T threads for a fixed time:
 * RP {@code POST /v1/oob/requests} → push reaches the phone → phone signs and {@code POST}s its approval →
 * RP long-polls {@code GET /v1/oob/requests/{id}} until {@code approved}.
 *
 * <pre>
 * java -cp countersign-bench/target/benchmarks.jar org.countersign.bench.OobLoad \
 *      [--users 32] [--threads 8] [--seconds 30] [--pg jdbc:postgresql://127.0.0.1:5432/postgres] [--pg-user postgres]
 * java -cp … OobLoad --target https://host:8443 --ca ca.pem --admin-token TOKEN [...]
 * </pre>
 * Each user is driven by one thread at a time, since a user has at most one pending request (C-S4).
 */
public final class OobLoad {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ConcurrentLinkedQueue<Long>> timings = new LinkedHashMap<>();
    private final Map<String, Long> createdAt = new ConcurrentHashMap<>();
    private final Map<String, Long> pushedAt = new ConcurrentHashMap<>();
    private final AtomicLong logins = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final String base;
    private final HttpClient http;
    private final RelyingPartyHttp rp;
    private final ServerTrust trust;
    private String apiKey;

    private OobLoad(String base, HttpClient http, ServerTrust trust) {
        this.base = base;
        this.http = http;
        this.rp = new RelyingPartyHttp(base, Duration.ofSeconds(40));
        this.trust = trust;
        for (String k : List.of("POST /v1/oob/requests", "push delivery (RP answer -> phone)",
                "POST /v1/oob/authenticator/responses", "GET /v1/oob/requests/{id} (long poll)", "complete login")) {
            timings.put(k, new ConcurrentLinkedQueue<>());
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int users = Integer.parseInt(opt.getOrDefault("users", "32"));
        int threads = Integer.parseInt(opt.getOrDefault("threads", "8"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "30"));
        Countersign node = null;
        String database = null;
        String pg = opt.getOrDefault("pg", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String pgUser = opt.getOrDefault("pg-user", "postgres");
        Path dataDir = null;
        String base;
        Path ca;
        String adminToken;
        if (opt.containsKey("target")) {
            base = opt.get("target");
            ca = Path.of(opt.get("ca"));
            adminToken = opt.get("admin-token");
        } else {
            database = "cs_bench_" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
            Store.createDatabaseIfMissing(pg, pgUser, "", database);
            dataDir = Files.createTempDirectory("countersign-oob-load");
            ServerConfig cfg = ServerConfig.defaults().withDataDir(dataDir).withPort(0)
                    .withDatabase(pg.substring(0, pg.lastIndexOf('/') + 1) + database, pgUser, "")
                    .withRateLimits(1_000_000, 1_000_000).withTenantConcurrency(1_000);
            node = Countersign.start(cfg, Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream()));
            base = "https://localhost:" + node.port();
            ca = node.caCertificatePath();
            adminToken = node.bootstrapAdminToken().orElseThrow();
        }
        ServerTrust trust = ServerTrust.caPemFile(ca);
        // One client for the RP calls and all phones: the verifier sees many streams over few connections (HTTP/2).
        HttpClient http = RelyingPartyHttp.trusting(ca).connectTimeout(Duration.ofSeconds(10)).build();
        OobLoad load = new OobLoad(base, http, trust);
        try {
            load.run(adminToken, users, threads, Duration.ofSeconds(seconds), node != null);
        } finally {
            if (node != null) {
                node.close();
                Store.dropDatabase(pg, pgUser, "", database);
            }
        }
        System.exit(0);
    }

    /** {@code nodeInProcess}: the node runs in this JVM, so its threads' CPU can be told from the generator's. */
    private void run(String adminToken, int users, int threads, Duration duration, boolean nodeInProcess)
            throws Exception {
        String tenant = "load" + Long.toHexString(System.nanoTime() & 0xffffff);
        apiKey = rp.call(http, "POST", "/v1/admin/tenants", adminToken, "{\"id\":\"" + tenant + "\",\"displayName\":\"Load "
                + tenant + "\",\"allowedOrigins\":[\"https://" + tenant + ".example\"]}", 201).get("apiKey").asText();
        System.out.printf("target %s, tenant %s, %d users, %d threads, %d s%n", base, tenant, users, threads,
                duration.toSeconds());
        List<EmulatedPhone> phones = new ArrayList<>();
        BlockingQueue<String> idle = new ArrayBlockingQueue<>(users);
        long t0 = System.nanoTime();
        for (int i = 0; i < users; i++) {
            String user = "user-" + i;
            JsonNode e = rp.call(http, "POST", "/v1/oob/enrolments", apiKey, "{\"userId\":\"" + user + "\"}", 201);
            EmulatedPhone phone = EmulatedPhone.enrol(EnrolmentTarget.fromUri(e.get("enrolmentUri").asText()),
                    "load phone " + i, trust, Clock.systemUTC(), http);
            phone.authenticator().openStream(new PushStream.Listener() {
                @Override
                public void onRequest(PendingRequest r) {
                    long now = System.nanoTime();
                    pushedAt.put(r.requestId(), now);
                    Long created = createdAt.get(r.requestId());
                    if (created != null) {
                        timings.get("push delivery (RP answer -> phone)").add(now - created);
                    }
                    try {
                        long a = System.nanoTime();
                        phone.approve(r);
                        timings.get("POST /v1/oob/authenticator/responses").add(System.nanoTime() - a);
                    } catch (OobException ex) {
                        failures.incrementAndGet();
                    }
                }
            }, PushStream.Options.defaults());
            phones.add(phone);
            idle.add(user);
        }
        System.out.printf("setup: %d users enrolled with streams in %d ms%n", users, (System.nanoTime() - t0) / 1_000_000);
        Thread.sleep(1000); // let every stream connect before the clock starts

        long end = System.nanoTime() + duration.toNanos();
        CountDownLatch done = new CountDownLatch(threads);
        // The drivers stay alive until the CPU clocks are read (a finished thread's CPU time can no longer be read).
        CountDownLatch measured = new CountDownLatch(1);
        CpuSplit cpu = CpuSplit.start();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        String user = idle.take();
                        try {
                            login(user);
                        } catch (Exception ex) {
                            failures.incrementAndGet();
                        } finally {
                            idle.add(user);
                        }
                    }
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
                try {
                    measured.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }, "pool-oob-load-" + t);
            th.start();
        }
        long start = System.nanoTime();
        done.await();
        double secs = (System.nanoTime() - start) / 1e9;
        CpuSplit.Used used = cpu.stop();
        measured.countDown();
        System.out.printf("%nlogins: %d in %.1f s = %.1f logins/s; failures: %d%n", logins.get(), secs,
                logins.get() / secs, failures.get());
        System.out.printf("%-42s %8s %8s %8s %8s%n", "step", "count", "p50 ms", "p99 ms", "max ms");
        timings.forEach((k, q) -> {
            long[] v = q.stream().mapToLong(Long::longValue).sorted().toArray();
            if (v.length > 0) {
                System.out.printf("%-42s %8d %8.1f %8.1f %8.1f%n", k, v.length, pct(v, 0.50), pct(v, 0.99),
                        v[v.length - 1] / 1e6);
            }
        });
        if (nodeInProcess) {
            // The emulated phones' threads count as "other threads of this JVM" with garbage collection and JIT.
            System.out.println(used.perOperation(logins.get() + failures.get()));
        }
        phones.forEach(EmulatedPhone::close);
    }

    /** One complete sign-in for {@code user}; counts it when the RP reads {@code approved}. */
    private void login(String user) throws Exception {
        long a = System.nanoTime();
        HttpResponse<String> r = rp.send(http, "POST", "/v1/oob/requests", apiKey, "{\"userId\":\"" + user
                + "\",\"rpServerIp\":\"203.0.113.10\",\"rpSessionId\":\"s-" + a + "\",\"terminalPublicIp\":\"198.51.100.7\","
                + "\"browser\":\"Chromium\",\"browserVersion\":\"156.0\"}");
        long b = System.nanoTime();
        if (r.statusCode() != 201) {
            failures.incrementAndGet();
            return;
        }
        timings.get("POST /v1/oob/requests").add(b - a);
        String id = JSON.readTree(r.body()).get("requestId").asText();
        createdAt.put(id, b);
        Long early = pushedAt.get(id); // the push may beat the RP's own response
        if (early != null) {
            timings.get("push delivery (RP answer -> phone)").add(Math.max(0, early - b));
        }
        String status = "pending";
        long c = System.nanoTime();
        while (status.equals("pending") || status.equals("queued")) {
            status = rp.call(http, "GET", "/v1/oob/requests/" + id + "?waitSeconds=10", apiKey, null, 200).get("status").asText();
        }
        long d = System.nanoTime();
        timings.get("GET /v1/oob/requests/{id} (long poll)").add(d - c);
        createdAt.remove(id);
        pushedAt.remove(id);
        if (status.equals("approved")) {
            logins.incrementAndGet();
            timings.get("complete login").add(d - a);
        } else {
            failures.incrementAndGet();
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
