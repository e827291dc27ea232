package org.countersign.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.countersign.agent.oob.EnrolmentTarget;
import org.countersign.agent.oob.OobException;
import org.countersign.agent.oob.PendingRequest;
import org.countersign.agent.oob.PushStream;
import org.countersign.agent.oob.ServerTrust;
import org.countersign.testkit.emulators.EmulatedPhone;

/**
 * X.1280 sign-ins through a load balancer in front of several nodes, with an optional fault injected mid-run
 * (typically {@code kill -9} of one node). Unlike {@link OobLoad} every phone and every RP thread has its own
 * HTTP/1.1 client, so connections — and with TLS passthrough, nodes — are spread by the balancer rather than
 * multiplexed onto one HTTP/2 connection to one node.
 *
 * <p>It keeps a ledger and checks it at the end against the database: every request the RP got a 201 for exists
 * and reached {@code approved}; no request was approved twice (phone side: two successful approvals; server side:
 * two successful {@code oob.request.decide} audit events); every call saw at most one retryable error (connection
 * failure or 502/503/504) before it succeeded. It prints one {@code VERDICT} line.
 *
 * <pre>
 * java -cp countersign-bench/target/benchmarks.jar org.countersign.bench.ClusterLoad --target https://localhost:PORT \
 *      --ca ca.pem --admin-token TOKEN --jdbc jdbc:postgresql://127.0.0.1:5432/DB [--users 24] [--threads 6]
 *      [--seconds 30] [--fault-after 10 --fault-cmd 'kill -9 PID'] [--rate LOGINS_PER_S]
 * </pre>
 */
public final class ClusterLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 4;

    private final String base;
    private final RelyingPartyHttp verifier;
    private final Path ca;
    private final ServerTrust trust;
    private final AtomicLong logins = new AtomicLong();
    private final AtomicLong hardFailures = new AtomicLong();
    private final AtomicLong retryableErrors = new AtomicLong();
    private final AtomicInteger worstErrorsInOneCall = new AtomicInteger();
    private final AtomicLong callsWithMoreThanOneError = new AtomicLong();
    private final AtomicLong createInDoubt = new AtomicLong();
    private final AtomicLong pushesDelivered = new AtomicLong();
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>(); // request id -> status the RP read
    private final Map<String, AtomicInteger> phoneApprovals = new ConcurrentHashMap<>();
    private final List<String> failureSamples = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong streamReconnects = new AtomicLong();
    private final AtomicLong streamDrops = new AtomicLong();
    private volatile long faultAtNanos;
    private volatile long firstLoginAfterFault;
    private String apiKey;
    private String tenant;

    private ClusterLoad(String base, Path ca) throws OobException {
        this.base = base;
        this.verifier = new RelyingPartyHttp(base, Duration.ofSeconds(30));
        this.ca = ca;
        this.trust = ServerTrust.caPemFile(ca);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        ClusterLoad load = new ClusterLoad(opt.get("target"), Path.of(opt.get("ca")));
        boolean pass = load.run(opt.get("admin-token"), Integer.parseInt(opt.getOrDefault("users", "24")),
                Integer.parseInt(opt.getOrDefault("threads", "6")),
                Duration.ofSeconds(Long.parseLong(opt.getOrDefault("seconds", "30"))),
                Long.parseLong(opt.getOrDefault("fault-after", "-1")), opt.get("fault-cmd"), opt.get("jdbc"),
                opt.getOrDefault("pg-user", "postgres"), opt.getOrDefault("label", "run"),
                Double.parseDouble(opt.getOrDefault("rate", "0")));
        System.exit(pass ? 0 : 1);
    }

    private boolean run(String adminToken, int users, int threads, Duration duration, long faultAfter, String faultCmd,
                        String jdbc, String pgUser, String label, double rate) throws Exception {
        tenant = "cl" + Long.toHexString(new SecureRandom().nextLong() & 0xffffffL);
        HttpClient admin = client();
        apiKey = verifier.call(admin, "POST", "/v1/admin/tenants", adminToken, "{\"id\":\"" + tenant + "\",\"displayName\":\"Cluster "
                + tenant + "\",\"allowedOrigins\":[\"https://" + tenant + ".example\"]}", 201).get("apiKey").asText();
        System.out.printf("[%s] target %s, tenant %s, %d users, %d threads, %d s%n", label, base, tenant, users, threads,
                duration.toSeconds());
        List<EmulatedPhone> phones = new ArrayList<>();
        BlockingQueue<String> idle = new ArrayBlockingQueue<>(users);
        for (int i = 0; i < users; i++) {
            String user = "user-" + i;
            JsonNode e = verifier.call(admin, "POST", "/v1/oob/enrolments", apiKey, "{\"userId\":\"" + user + "\"}", 201);
            EmulatedPhone phone = EmulatedPhone.enrol(EnrolmentTarget.fromUri(e.get("enrolmentUri").asText()),
                    "cluster phone " + i, trust, Clock.systemUTC(), client());
            phone.authenticator().openStream(new PushStream.Listener() {
                private volatile boolean wasConnected;

                @Override
                public void onRequest(PendingRequest r) {
                    pushesDelivered.incrementAndGet();
                    approveWithRetry(phone, r);
                }

                @Override
                public void onState(PushStream.State s, java.util.Optional<OobException> cause) {
                    if (s == PushStream.State.POLLING && wasConnected) {
                        if (streamDrops.incrementAndGet() % 100 == 1) {
                            sample("stream of " + user + " dropped: " + cause.map(ClusterLoad::describe).orElse("ended"));
                        }
                    }
                    if (s == PushStream.State.CONNECTED) {
                        if (wasConnected) {
                            streamReconnects.incrementAndGet();
                        }
                        wasConnected = true;
                    }
                }
            }, new PushStream.Options(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(1),
                    Duration.ofSeconds(60)));
            phones.add(phone);
            idle.add(user);
        }
        Thread.sleep(1500); // every stream connected before the clock starts

        long start = System.nanoTime();
        long end = start + duration.toNanos();
        if (faultCmd != null && faultAfter >= 0) {
            Thread f = new Thread(() -> {
                try {
                    Thread.sleep(faultAfter * 1000);
                    faultAtNanos = System.nanoTime();
                    int rc = new ProcessBuilder("sh", "-c", faultCmd).inheritIO().start().waitFor();
                    System.out.printf("[%s] fault at t=%.1f s: %s (rc %d)%n", label, (faultAtNanos - start) / 1e9,
                            faultCmd, rc);
                } catch (Exception ex) {
                    System.out.println("fault command failed: " + ex);
                }
            }, "fault");
            f.setDaemon(true);
            f.start();
        }
        // With --rate, logins start on a fixed schedule (open loop) instead of as fast as the threads go.
        AtomicLong nextSlot = new AtomicLong(start);
        long interval = rate > 0 ? (long) (1e9 / rate) : 0;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            HttpClient rp = client();
            Thread th = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        if (interval > 0) {
                            long slot = nextSlot.getAndAdd(interval);
                            long wait = slot - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                            if (slot >= end) {
                                break;
                            }
                        }
                        String user = idle.take();
                        try {
                            login(rp, user);
                        } catch (Exception ex) {
                            hardFailures.incrementAndGet();
                            sample("login " + user + ": " + ex);
                        } finally {
                            idle.add(user);
                        }
                    }
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "cluster-load-" + t);
            th.start();
        }
        done.await();
        double secs = (System.nanoTime() - start) / 1e9;
        Thread.sleep(3000); // let in-flight approvals settle before reading the database
        phones.forEach(EmulatedPhone::close);

        System.out.printf("[%s] logins: %d in %.1f s = %.1f logins/s; pushes delivered %d; streams dropped %d,"
                + " reconnected %d%n", label, logins.get(), secs, logins.get() / secs, pushesDelivered.get(), streamDrops.get(),
                streamReconnects.get());
        System.out.printf("[%s] retryable errors seen by clients: %d; worst in one call: %d; calls with >1: %d; "
                + "creates in doubt (retried create met the first one): %d; hard failures: %d%n", label,
                retryableErrors.get(), worstErrorsInOneCall.get(), callsWithMoreThanOneError.get(), createInDoubt.get(),
                hardFailures.get());
        if (faultAtNanos != 0 && firstLoginAfterFault != 0) {
            System.out.printf("[%s] recovery: first login created after the fault completed %.2f s after it%n", label,
                    (firstLoginAfterFault - faultAtNanos) / 1e9);
        }
        failureSamples.stream().limit(8).forEach(s -> System.out.println("  sample: " + s));

        // The ledger against the database.
        Set<String> missing = new HashSet<>(acknowledged.keySet());
        Map<String, String> dbStatus = new ConcurrentHashMap<>();
        long doubleDecides = 0;
        long notApproved = 0;
        try (var c = DriverManager.getConnection(jdbc, pgUser, "")) {
            try (var ps = c.prepareStatement("select request_id, status from oob_requests where tenant_id = ?")) {
                ps.setString(1, tenant);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        dbStatus.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            try (var ps = c.prepareStatement("select details->>'oobRequestId', count(*) from audit_events where tenant_id = ?"
                    + " and action = 'oob.request.decide' and outcome = 'success' group by 1 having count(*) > 1")) {
                ps.setString(1, tenant);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        doubleDecides++;
                        sample("decided twice in audit: " + rs.getString(1) + " x" + rs.getLong(2));
                    }
                }
            }
        }
        missing.removeAll(dbStatus.keySet());
        for (var e : acknowledged.entrySet()) {
            String s = dbStatus.get(e.getKey());
            if (s != null && !s.equals("approved")) {
                notApproved++;
                sample("acknowledged request " + e.getKey() + " ended " + s + " (RP read " + e.getValue() + ")");
            }
        }
        long phoneDoubles = phoneApprovals.values().stream().filter(n -> n.get() > 1).count();
        long orphans = dbStatus.values().stream().filter(s -> !s.equals("approved")).count();
        System.out.printf("[%s] ledger: %d creations acknowledged to the RP, %d of them in the database, %d not approved; "
                + "%d requests in the database (%d not approved); approved twice: phone %d, audit %d%n", label,
                acknowledged.size(), acknowledged.size() - missing.size(), notApproved, dbStatus.size(), orphans,
                phoneDoubles, doubleDecides);
        failureSamples.stream().skip(8).limit(8).forEach(s -> System.out.println("  sample: " + s));
        boolean pass = missing.isEmpty() && notApproved == 0 && phoneDoubles == 0 && doubleDecides == 0
                && callsWithMoreThanOneError.get() == 0 && hardFailures.get() == 0 && logins.get() > 0;
        System.out.printf("VERDICT [%s]: %s — logins %.1f/s, acknowledged but missing from the database %d, acknowledged but"
                + " not approved %d, approved twice %d, calls with >1 retryable error %d, hard failures %d%n", label,
                pass ? "PASS" : "FAIL", logins.get() / secs, missing.size(), notApproved,
                phoneDoubles + doubleDecides, callsWithMoreThanOneError.get(), hardFailures.get());
        return pass;
    }

    /** A phone approves; a connection failure or 5xx is retried (a real phone's UI would offer the same). */
    private void approveWithRetry(EmulatedPhone phone, PendingRequest r) {
        int errors = 0;
        String last = "";
        for (int i = 0; i < ATTEMPTS; i++) {
            try {
                phone.approve(r);
                phoneApprovals.computeIfAbsent(r.requestId(), k -> new AtomicInteger()).incrementAndGet();
                noteErrors(errors);
                return;
            } catch (OobException.ServerUnreachable e) {
                errors++;
                last = describe(e);
            } catch (OobException.ServerProblem e) {
                if (e.status() >= 500) {
                    errors++;
                    last = describe(e);
                } else if (errors > 0 && e.status() == 409) {
                    noteErrors(errors); // the first attempt had landed: decided exactly once
                    return;
                } else {
                    hardFailures.incrementAndGet();
                    sample("approve " + r.requestId() + ": " + e.status() + " " + e.type());
                    return;
                }
            } catch (OobException e) {
                hardFailures.incrementAndGet();
                sample("approve " + r.requestId() + ": " + e);
                return;
            }
            try {
                pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        noteErrors(errors);
        hardFailures.incrementAndGet();
        sample("approve " + r.requestId() + ": gave up after " + errors + " errors, last: " + last);
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            b.append(" <- ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return b.toString();
    }

    private void login(HttpClient rp, String user) throws Exception {
        long a = System.nanoTime();
        String body = "{\"userId\":\"" + user + "\",\"rpServerIp\":\"203.0.113.10\",\"rpSessionId\":\"s-" + a
                + "\",\"terminalPublicIp\":\"198.51.100.7\",\"browser\":\"Chromium\",\"browserVersion\":\"156.0\"}";
        int errors = 0;
        HttpResponse<String> r = null;
        while (r == null) {
            HttpResponse<String> x = attempt(rp, "POST", "/v1/oob/requests", body);
            if (x == null || x.statusCode() >= 502) {
                errors++;
            } else if (x.statusCode() == 409 && errors > 0) {
                // The create we lost the answer to had landed: the user's request exists, and its phone approves it.
                createInDoubt.incrementAndGet();
                noteErrors(errors);
                return;
            } else if (x.statusCode() == 409) {
                // The previous login's request is still being decided (the phone retrying after a fault): not an error.
                Thread.sleep(100);
                continue;
            } else {
                r = x;
            }
            if (errors >= ATTEMPTS) {
                noteErrors(errors);
                throw new IllegalStateException("create: gave up after " + errors + " errors");
            }
            if (r == null) {
                pause();
            }
        }
        noteErrors(errors);
        if (r.statusCode() != 201) {
            throw new IllegalStateException("create -> " + r.statusCode() + " " + r.body());
        }
        String id = JSON.readTree(r.body()).get("requestId").asText();
        acknowledged.put(id, "created");
        String status = "pending";
        errors = 0;
        while (status.equals("pending") || status.equals("queued")) {
            HttpResponse<String> x = attempt(rp, "GET", "/v1/oob/requests/" + id + "?waitSeconds=10", null);
            if (x == null || x.statusCode() >= 502) {
                errors++;
                if (errors >= ATTEMPTS) {
                    noteErrors(errors);
                    throw new IllegalStateException("poll " + id + ": gave up after " + errors + " errors");
                }
                pause();
                continue;
            }
            if (x.statusCode() != 200) {
                throw new IllegalStateException("poll " + id + " -> " + x.statusCode() + " " + x.body());
            }
            status = JSON.readTree(x.body()).get("status").asText();
        }
        noteErrors(errors);
        acknowledged.put(id, status);
        if (status.equals("approved")) {
            logins.incrementAndGet();
            if (faultAtNanos != 0 && a > faultAtNanos && firstLoginAfterFault == 0) {
                firstLoginAfterFault = System.nanoTime();
            }
        } else {
            hardFailures.incrementAndGet();
            sample("login " + id + " ended " + status);
        }
    }

    /** One HTTP call; null when the connection failed (a retryable error). */
    private HttpResponse<String> attempt(HttpClient http, String method, String path, String body)
            throws InterruptedException {
        try {
            return verifier.send(http, method, path, apiKey, body);
        } catch (IOException e) {
            return null;
        }
    }

    private void noteErrors(int errors) {
        retryableErrors.addAndGet(errors);
        worstErrorsInOneCall.accumulateAndGet(errors, Math::max);
        if (errors > 1) {
            callsWithMoreThanOneError.incrementAndGet();
        }
    }

    private void sample(String s) {
        if (failureSamples.size() < 64) {
            failureSamples.add(s);
        }
    }

    private static void pause() throws InterruptedException {
        Thread.sleep(250);
    }

    /** HTTP/1.1, so that each client's connections are placed by the balancer rather than multiplexed. */
    private HttpClient client() throws Exception {
        return RelyingPartyHttp.trusting(ca).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }
}
