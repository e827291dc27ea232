package org.countersign.bench;

import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.countersign.agent.remote.DeviceCredential;
import org.countersign.agent.remote.RemoteChallenge;
import org.countersign.agent.remote.RemoteClient;
import org.countersign.agent.remote.RemoteResult;
import org.countersign.agent.remote.RemoteSession;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.liveness.Action;
import org.countersign.biometrics.liveness.CapturedFrame;
import org.countersign.biometrics.liveness.InMemoryFrameHashStore;
import org.countersign.biometrics.liveness.JudgePolicy;
import org.countersign.biometrics.liveness.LivenessChallenge;
import org.countersign.biometrics.liveness.LivenessJudge;
import org.countersign.biometrics.liveness.LivenessJudgement;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.Countersign;
import org.countersign.server.config.ServerConfig;
import org.countersign.server.store.Store;
import org.countersign.testkit.TestData;
import org.countersign.testkit.emulators.CaptureFrames;

/**
 * Loopback measurements of the remote module (docs/remote.md, "Benchmarks"); not JMH, because two of the three
 * figures are whole-system figures over HTTPS.
 *
 * <pre>
 * java -cp countersign-bench/target/benchmarks.jar org.countersign.bench.RemoteLoad srp   [--threads 4] [--seconds 20]
 * java -cp …  RemoteLoad judge [--runs 10]
 * java -cp …  RemoteLoad auth  [--threads 2] [--seconds 60]
 * </pre>
 * {@code srp}: complete SRP-6a handshakes (two HTTPS round trips each) per second against a node on PostgreSQL.
 * {@code judge}: server judgement time of a 24-frame 640×480 capture (NUAA bona fide webcam frames, one subject).
 * {@code auth}: complete remote authentications per second (handshake, sealed request, sealed 24-frame capture of
 * the real blink clip's 2.4-4.8 s, judgement, protected comparison, sealed result); each capture's frames carry a one-pixel
 * mark so that no frame hash repeats. The server refuses a capture whose motion retraces one the same user sent
 * before (MOTION_REPLAYED), so each of {@code --users N} registered users (default 60) authenticates once: the run
 * ends when every user has, or after {@code --seconds}. Registering them (one judged capture each) comes first and
 * is not timed.
 *
 * <p>Every mode prints the CPU time per operation, split into the node's threads, the load generator's threads and
 * the rest of the machine (PostgreSQL and anything else running), from the JVM's per-thread CPU clocks and
 * {@code /proc/stat}; client and server share the machine, so the node's share is what a deployment pays.
 */
public final class RemoteLoad {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/postgres";

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "srp";
        int threads = intArg(args, "--threads", mode.equals("auth") ? 2 : 4);
        int seconds = intArg(args, "--seconds", 20);
        int runs = intArg(args, "--runs", 10);
        int users = mode.equals("auth") ? intArg(args, "--users", 60) : threads;
        if (mode.equals("judge")) {
            judge(runs);
            return;
        }
        String database = "cs_bench_" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
        Store.createDatabaseIfMissing(PG, "postgres", "", database);
        Path dir = Files.createTempDirectory("countersign-remote-bench");
        ServerConfig cfg = ServerConfig.defaults().withDataDir(dir).withPort(0)
                .withDatabase(PG.substring(0, PG.lastIndexOf('/') + 1) + database, "postgres", "")
                .withRateLimits(1_000_000, 1_000_000).withTenantConcurrency(1_000);
        try (Countersign node = Countersign.start(cfg, Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream()))) {
            HttpClient http = RemoteClient.httpClient(Optional.of(node.caCertificatePath()));
            String admin = node.bootstrapAdminToken().orElseThrow();
            String key = json(http, node, "POST", "/v1/admin/tenants", admin, "{\"id\":\"bench\",\"displayName\":\"B\","
                    + "\"allowedOrigins\":[\"https://b.example\"]}").replaceAll(".*\"apiKey\":\"([^\"]+)\".*", "$1");
            json(http, node, "PUT", "/v1/remote/policy", key, "{\"baseActions\":1,\"minActions\":1,\"maxActions\":1,"
                    + "\"allowedActions\":[\"BLINK\"],\"baseTimeLimitMillis\":8000,\"perActionMillis\":4000,"
                    + "\"minOsVersions\":{},\"failuresForExtraAction\":1000000,\"failuresForSecondModality\":1000000,"
                    + "\"failureWindowMinutes\":1440,\"dormantAfterDays\":90,\"highValue\":1000,"
                    + "\"secondModalityValue\":10000,\"refuseEmulators\":false}");
            RemoteClient client = new RemoteClient(URI.create(node.baseUrl()), http, new SecureRandom(),
                    Clock.systemUTC());
            List<DeviceCredential> devices = new ArrayList<>();
            for (int t = 0; t < users; t++) {
                String user = "u" + t;
                json(http, node, "POST", "/v1/users", key, "{\"userId\":\"" + user + "\"}");
                json(http, node, "POST", "/v1/remote/users/" + user + "/consent", key,
                        "{\"noticeVersion\":\"2026-12-remote-1\"}");
                String code = json(http, node, "POST", "/v1/remote/enrolments", key, "{\"userId\":\"" + user
                        + "\",\"deviceType\":\"bench\"}").replaceAll(".*\"enrolmentCode\":\"([^\"]+)\".*", "$1");
                devices.add(client.enrol("bench", code));
            }
            // Registration sees 0-2.4 s of the clip and authentication 2.4-4.8 s (two blinks each): a capture overlapping the
            // registration's motion would be a partial replay of it.
            List<BufferedImage> clip = clip("blink_frontal_male1", 1, 48);
            AtomicLong mark = new AtomicLong();
            if (mode.equals("auth")) {
                for (DeviceCredential d : devices) {
                    RemoteSession s = client.login(d);
                    String grant = json(http, node, "POST", "/v1/remote/grants", key, "{\"userId\":\"" + d.userId()
                            + "\",\"operation\":\"REGISTER\"}").replaceAll(".*\"grant\":\"([^\"]+)\".*", "$1");
                    RemoteChallenge c = s.request("REGISTER", d.userId(), null, null, null, grant);
                    RemoteResult r = s.capture(c, frames(clip.subList(0, 24), mark.incrementAndGet()), List.of());
                    if (!r.accepted()) {
                        throw new IllegalStateException("registration refused: " + r);
                    }
                }
            }
            // Auth: each registered user authenticates once (a second capture of the same clip is a motion replay).
            ConcurrentLinkedQueue<DeviceCredential> unused =
                    new ConcurrentLinkedQueue<>(devices);
            AtomicLong done = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            // Every failure is counted by its reason and shown: a refusal is a result, not noise to hide.
            ConcurrentHashMap<String, AtomicLong> reasons = new ConcurrentHashMap<>();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            Instant end = Instant.now().plusSeconds(seconds);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            CpuSplit cpu = CpuSplit.start();
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                DeviceCredential own = devices.get(t);
                futures.add(pool.submit(() -> {
                    while (Instant.now().isBefore(end)) {
                        DeviceCredential d = own;
                        if (mode.equals("auth")) {
                            d = unused.poll();
                            if (d == null) {
                                break;
                            }
                        }
                        long s0 = System.nanoTime();
                        try {
                            RemoteSession s = client.login(d);
                            if (mode.equals("auth")) {
                                // The RP opens each authentication (one more API call, as a real RP makes).
                                String opened = json(http, node, "POST", "/v1/remote/authentications", key,
                                        "{\"userId\":\"" + d.userId() + "\"}")
                                        .replaceAll(".*\"challengeId\":\"([^\"]+)\".*", "$1");
                                RemoteChallenge c = s.request("AUTHENTICATE", d.userId(), null, null, opened, null);
                                RemoteResult r = s.capture(c, frames(clip.subList(24, 48), mark.incrementAndGet()),
                                        List.of());
                                if (!r.accepted()) {
                                    failed.incrementAndGet();
                                    reasons.computeIfAbsent(r.outcome() + " " + r.reasons(), k -> new AtomicLong())
                                            .incrementAndGet();
                                    continue;
                                }
                            }
                            done.incrementAndGet();
                            latencies.add(System.nanoTime() - s0);
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            reasons.computeIfAbsent(e.getClass().getSimpleName() + ": " + e.getMessage(),
                                    k -> new AtomicLong()).incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            CpuSplit.Used used = cpu.stop();  // while the generator's threads are still alive to be read
            pool.shutdown();
            long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("%s: %d ok, %d failed in %.1f s with %d threads: %.1f per second; latency p50 %.1f ms,"
                    + " p95 %.1f ms%n", mode, done.get(), failed.get(), secs, threads, done.get() / secs,
                    pct(l, 0.5), pct(l, 0.95));
            reasons.forEach((reason, n) -> System.out.printf("  failed %d x: %s%n", n.get(), reason));
            System.out.println(used.perOperation(done.get() + failed.get()));
        } finally {
            Store.dropDatabase(PG, "postgres", "", database);
        }
    }

    private static void judge(int runs) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(TestData.require("pad/nuaa/bona-fide/0004"))) {
            files = s.sorted().limit(24).toList();
        }
        List<ByteArray> bytes = new ArrayList<>();
        for (Path f : files) {
            bytes.add(ByteArray.copyOf(Files.readAllBytes(f)));
        }
        BufferedImage first = ImageIO.read(files.get(0).toFile());
        System.out.println("capture: " + bytes.size() + " frames " + first.getWidth() + "x" + first.getHeight()
                + ", " + bytes.stream().mapToInt(ByteArray::length).sum() / 1024 + " KiB");
        try (FaceAnalyzer analyzer = FaceAnalyzer.open()) {
            double[] ms = new double[runs];
            for (int r = -2; r < runs; r++) {   // two warm-up runs
                LivenessJudge judge = new LivenessJudge(analyzer, new InMemoryFrameHashStore(Duration.ofHours(1)),
                        Clock.systemUTC());
                List<CapturedFrame> frames = new ArrayList<>();
                for (int i = 0; i < bytes.size(); i++) {
                    frames.add(CapturedFrame.of(bytes.get(i), i * 100L, i));
                }
                LivenessChallenge c = new LivenessChallenge(List.of(Action.BLINK), Duration.ofSeconds(10),
                        ByteArray.copyOf(new byte[32]), Instant.now());
                long t0 = System.nanoTime();
                var j = judge.judge(c, frames, Optional.empty(), JudgePolicy.defaults());
                if (r >= 0) {
                    ms[r] = (System.nanoTime() - t0) / 1e6;
                } else {
                    System.out.println("warm-up verdict: " + (j instanceof LivenessJudgement.Refused f
                            ? "refused " + f.reasons() : "live"));
                }
            }
            Arrays.sort(ms);
            System.out.printf("judge: median %.0f ms, min %.0f ms, max %.0f ms over %d runs%n", ms[runs / 2], ms[0],
                    ms[runs - 1], runs);
        }
    }

    static List<BufferedImage> clip(String name, int from, int to) {
        return CaptureFrames.clip(TestData.require("liveness/clips/" + name), from, to);
    }

    /** A capture of {@code images} whose bytes no other mark repeats (the server refuses frames it has seen). */
    static List<CapturedFrame> frames(List<BufferedImage> images, long mark) {
        return CaptureFrames.capture(CaptureFrames.marked(images, mark));
    }

    private static String json(HttpClient http, Countersign node, String method, String path, String token,
            String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private static double pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
    }

    private static int intArg(String[] args, String name, int dflt) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return dflt;
    }
}
