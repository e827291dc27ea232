package org.countersign.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.countersign.server.Countersign;
import org.countersign.server.config.ServerConfig;
import org.countersign.server.store.Store;
import org.countersign.testkit.LoopbackClient;

/**
 * Abuse scenarios of issue 10 (a load scenario, not a test: it prints figures and the bar, it asserts nothing).
 * A legitimate tenant calls from 127.0.0.1 (write a user, read it back, short pause, repeat) on 2 connections;
 * its rate and latency are measured alone (baseline), then under a flood:
 * <ul>
 *   <li>{@code keys}: wrong API keys (a real key id, wrong secret) from {@code --flood-addresses} loopback addresses
 *       (127.0.0.10, .11, ...) with {@code --flood-connections} keep-alive connections each, as fast as answered;</li>
 *   <li>{@code tenants}: a second tenant floods {@code POST /v1/oob/enrolments} (Argon2id of enrolment codes) from
 *       its own address with {@code --flood-connections} connections.</li>
 * </ul>
 * Bar (issue 10 items 1 and 6): the legitimate tenant keeps at least 90 % of its baseline rate and p95 under 200 ms.
 * <pre>
 * java -cp countersign-bench/target/benchmarks.jar org.countersign.bench.AbuseLoad keys \
 *      [--flood-addresses 1] [--flood-connections 16] [--seconds 20] [--pg jdbc:postgresql://127.0.0.1:5432/postgres]
 * java -cp … AbuseLoad tenants [--flood-connections 16] [--seconds 20]
 * </pre>
 */
public final class AbuseLoad {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String scenario = args.length > 0 ? args[0] : "keys";
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int addresses = Integer.parseInt(opt.getOrDefault("flood-addresses", "1"));
        int connections = Integer.parseInt(opt.getOrDefault("flood-connections", "16"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "20"));
        String pg = opt.getOrDefault("pg", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String pgUser = opt.getOrDefault("pg-user", "postgres");
        String database = "cs_bench_" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
        Store.createDatabaseIfMissing(pg, pgUser, "", database);
        Path dataDir = Files.createTempDirectory("countersign-abuse-load");
        ServerConfig cfg = ServerConfig.defaults().withDataDir(dataDir).withPort(0)
                .withDatabase(pg.substring(0, pg.lastIndexOf('/') + 1) + database, pgUser, "");
        Countersign node = Countersign.start(cfg, Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream()));
        try {
            SSLContext tls = trusting(node.caCertificatePath());
            new AbuseLoad(tls, node.port(), node.bootstrapAdminToken().orElseThrow())
                    .run(scenario, addresses, connections, seconds);
        } finally {
            node.close();
            Store.dropDatabase(pg, pgUser, "", database);
        }
        System.exit(0);
    }

    private final SSLContext tls;
    private final int port;
    private final String adminToken;

    private AbuseLoad(SSLContext tls, int port, String adminToken) {
        this.tls = tls;
        this.port = port;
        this.adminToken = adminToken;
    }

    private String tenant(String id) throws Exception {
        try (LoopbackClient c = new LoopbackClient(tls, "127.0.0.1", port)) {
            var r = c.send("POST", "/v1/admin/tenants", adminToken, "{\"id\":\"" + id + "\",\"displayName\":\"" + id
                    + "\",\"allowedOrigins\":[\"https://" + id + ".example\"]}");
            if (r.status() != 201) {
                throw new IllegalStateException("tenant creation: " + r.status() + " " + r.body());
            }
            return JSON.readTree(r.body()).get("apiKey").asText();
        }
    }

    private record Phase(long calls, double seconds, double p50, double p95, long errors) {
        double rate() {
            return calls / seconds;
        }
    }

    private void run(String scenario, int addresses, int connections, int seconds) throws Exception {
        String legit = tenant("legit");
        System.out.printf("scenario %s: flood of %d connection(s) from each of %d address(es), %d s per phase%n",
                scenario, connections, addresses, seconds);
        Phase warm = legitimate(legit, 3, "warm");
        Phase base = legitimate(legit, seconds, "base");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong floodCalls = new AtomicLong();
        Map<Integer, AtomicLong> floodStatus = new java.util.concurrent.ConcurrentHashMap<>();
        List<Thread> flood = new ArrayList<>();
        if (scenario.equals("keys")) {
            String wrong = legit.substring(0, legit.length() - 4) + (legit.endsWith("AAAA") ? "BBBB" : "AAAA");
            for (int a = 0; a < addresses; a++) {
                for (int c = 0; c < connections; c++) {
                    flood.add(floodThread("127.0.0." + (10 + a), stop, floodCalls, floodStatus,
                            cl -> cl.send("GET", "/v1/users", wrong, null)));
                }
            }
        } else {
            String noisy = tenant("noisy");
            AtomicLong n = new AtomicLong();
            for (int c = 0; c < connections; c++) {
                flood.add(floodThread("127.0.0.10", stop, floodCalls, floodStatus, cl -> cl.send("POST",
                        "/v1/oob/enrolments", noisy, "{\"userId\":\"flood-" + n.incrementAndGet() + "\"}")));
            }
        }
        flood.forEach(Thread::start);
        Thread.sleep(2000); // let the flood reach its steady state
        Phase under = legitimate(legit, seconds, "flood");
        stop.set(true);
        for (Thread t : flood) {
            t.join(10_000);
        }
        System.out.printf("%-8s %10s %10s %10s %10s %8s%n", "phase", "calls", "calls/s", "p50 ms", "p95 ms", "errors");
        for (var e : Map.of("baseline", base, "flood", under).entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).toList()) {
            Phase p = e.getValue();
            System.out.printf("%-8s %10d %10.1f %10.1f %10.1f %8d%n", e.getKey(), p.calls(), p.rate(), p.p50(), p.p95(), p.errors());
        }
        System.out.printf("flood: %d calls answered (%.0f/s), by status %s%n", floodCalls.get(),
                floodCalls.get() / (seconds + 2.0), floodStatus);
        double kept = under.rate() / base.rate();
        System.out.printf("legitimate tenant kept %.0f %% of its baseline rate, p95 %.1f ms -> bar (>= 90 %%, < 200 ms): %s%n",
                kept * 100, under.p95(), kept >= 0.9 && under.p95() < 200 ? "MET" : "NOT MET");
        if (warm.calls() < 0) {
            throw new IllegalStateException();
        }
    }

    @FunctionalInterface
    private interface Call {
        LoopbackClient.Reply send(LoopbackClient c) throws Exception;
    }

    private Thread floodThread(String address, AtomicBoolean stop, AtomicLong calls, Map<Integer, AtomicLong> byStatus,
            Call call) {
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                try (LoopbackClient c = new LoopbackClient(tls, address, port)) {
                    while (!stop.get()) {
                        int s = call.send(c).status();
                        calls.incrementAndGet();
                        byStatus.computeIfAbsent(s, k -> new AtomicLong()).incrementAndGet();
                    }
                } catch (Exception e) {
                    byStatus.computeIfAbsent(-1, k -> new AtomicLong()).incrementAndGet(); // connection dropped
                }
            }
        }, "flood-" + address);
        t.setDaemon(true);
        return t;
    }

    /** Two connections from 127.0.0.1, each: create a user, read it back, pause 20 ms; for {@code seconds}. */
    private Phase legitimate(String key, int seconds, String tag) throws Exception {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try (LoopbackClient c = new LoopbackClient(tls, "127.0.0.1", port)) {
                    for (int n = 0; System.nanoTime() < end; n++) {
                        String user = tag + "-" + id + "-" + n;
                        long a = System.nanoTime();
                        int s1 = c.send("POST", "/v1/users", key, "{\"userId\":\"" + user + "\"}").status();
                        long b = System.nanoTime();
                        int s2 = c.send("GET", "/v1/users/" + user, key, null).status();
                        long d = System.nanoTime();
                        latencies.add(b - a);
                        latencies.add(d - b);
                        if (s1 != 201) {
                            errors.incrementAndGet();
                        }
                        if (s2 != 200) {
                            errors.incrementAndGet();
                        }
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
            });
            th.start();
            threads.add(th);
        }
        long start = System.nanoTime();
        for (Thread th : threads) {
            th.join();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        long[] v = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Phase(v.length, secs, pct(v, 0.5), pct(v, 0.95), errors.get());
    }

    /** TLS that trusts only the node's generated CA. */
    static SSLContext trusting(Path caPem) throws Exception {
        var ca = java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(Files.readAllBytes(caPem)));
        var ts = java.security.KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca);
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
