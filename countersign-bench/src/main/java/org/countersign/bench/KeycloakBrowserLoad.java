package org.countersign.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
 * Keycloak browser sign-ins per second, password only beside password + the Countersign step (issue 13), driven
 * over loopback HTTP the way a browser walks Keycloak's pages, without a browser: one HTTP client and cookie jar per
 * thread, emptied before each sign-in (a new browser, so Keycloak's SSO cookie never skips the password).
 *
 * <p>One sign-in: {@code GET} the authorization endpoint (PKCE, state, nonce) → the login form → {@code POST} its
 * fields with username and password → [Countersign realm: the step's page with the code; long-poll its
 * {@code data-status-url} as the page's script does until the request is no longer pending; the emulated phone has
 * approved the push meanwhile; then submit the page's form] → redirect to the client with {@code code} and
 * {@code state} → {@code POST} the token endpoint → the ID token must name the user, echo the nonce and carry
 * {@code amr} {@code pwd} (+ {@code countersign-oob} and {@code acr = countersign-oob} with the step). Only that
 * counts as a sign-in; anything else is counted as a failure under its reason and the sign-in is abandoned, never
 * retried.
 *
 * <p>Keycloak must be running with the countersign-keycloak provider and a file vault (see
 * scripts/keycloak-browser-flow.sh). This class starts a verifier node in-process on a fresh PostgreSQL database
 * (as {@link OobLoad} does), writes the realm's API key into the vault, imports the two realms of
 * src/main/resources/keycloak through the admin API with the same users in both, enrols one emulated phone per user
 * (approving every request it is pushed) and then runs interleaved pairs: password only, then with the step.
 *
 * <pre>
 * java -cp countersign-bench/target/benchmarks.jar org.countersign.bench.KeycloakBrowserLoad \
 *      --keycloak http://127.0.0.1:18880 --vault-dir DIR [--admin-password P] [--pairs 3] [--seconds 20]
 *      [--users 50] [--threads 4] [--warmup 10] [--pg jdbc:postgresql://127.0.0.1:5432/postgres] [--pg-user postgres]
 * </pre>
 */
public final class KeycloakBrowserLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD_REALM = "benchpwd";
    static final String COUNTERSIGN_REALM = "benchcs";
    static final String CLIENT = "bench";
    /** Not a timing: the number of HTTP requests one sign-in sent to Keycloak. */
    static final String REQUESTS = "requests to Keycloak";
    /** Never contacted: Keycloak redirects there with the code, the driver reads the Location header instead. */
    static final String CALLBACK = "http://127.0.0.1:9/callback";
    /** A browser's User-Agent: the step reports browser name and version in the offset (X.1280 §8.3). */
    static final String USER_AGENT =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String keycloak;
    private final int users;
    private final int threads;
    /** The code each user's phone last approved, to compare with the code the page showed (X.1280 §8.4). */
    private final Map<String, String> approvedCode = new ConcurrentHashMap<>();
    private final Set<String> seenRequests = ConcurrentHashMap.newKeySet();
    private final AtomicLong phoneFailures = new AtomicLong();

    private KeycloakBrowserLoad(String keycloak, int users, int threads) {
        this.keycloak = keycloak;
        this.users = users;
        this.threads = threads;
    }

    /** One run's outcome. */
    record Result(String flow, long signIns, double seconds, Map<String, Long> failures, Map<String, String> examples,
                  long[] sortedNanos, Map<String, long[]> steps, double load1) {
        double perSecond() {
            return signIns / seconds;
        }

        long failed() {
            return failures.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** A failed sign-in, with the reason it is counted under. */
    static final class Failed extends Exception {
        final String reason;

        Failed(String reason, String detail) {
            super(reason + ": " + detail);
            this.reason = reason;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String kc = opt.getOrDefault("keycloak", "http://127.0.0.1:18880");
        Path vault = Path.of(opt.getOrDefault("vault-dir", "vault"));
        int pairs = Integer.parseInt(opt.getOrDefault("pairs", "3"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "20"));
        int users = Integer.parseInt(opt.getOrDefault("users", "50"));
        int threads = Integer.parseInt(opt.getOrDefault("threads", "4"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "10"));
        if (threads > users) {
            throw new IllegalArgumentException("threads (" + threads + ") > users (" + users + "): a user signs in once at a time (C-S4)");
        }
        String pg = opt.getOrDefault("pg", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String pgUser = opt.getOrDefault("pg-user", "postgres");
        String database = "cs_kcb_" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
        Store.createDatabaseIfMissing(pg, pgUser, "", database);
        Path dataDir = Files.createTempDirectory("countersign-kc-browser-load");
        Countersign node = null;
        List<EmulatedPhone> phones = new ArrayList<>();
        int code = 1;
        try {
            // Rate limits lifted as in OobLoad: the benchmark measures work, not the limiter.
            ServerConfig cfg = ServerConfig.defaults().withDataDir(dataDir).withPort(0)
                    .withDatabase(pg.substring(0, pg.lastIndexOf('/') + 1) + database, pgUser, "")
                    .withRateLimits(1_000_000, 1_000_000).withTenantConcurrency(1_000);
            node = Countersign.start(cfg, Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream()));
            KeycloakBrowserLoad load = new KeycloakBrowserLoad(kc, users, threads);
            load.setUp(node, vault, opt.getOrDefault("admin-password", "admin-password-1"), phones);
            code = load.runPairs(pairs, Duration.ofSeconds(seconds), Duration.ofSeconds(warmup)) ? 0 : 2;
        } finally {
            phones.forEach(EmulatedPhone::close);
            if (node != null) {
                stopWithin(node, Duration.ofSeconds(30));
            }
            // "with (force)": dropped even when the node could not close its pool in time.
            Store.dropDatabase(pg, pgUser, "", database);
            try (var files = Files.walk(dataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
            }
        }
        System.exit(code);
    }

    /**
     * Closes the in-process verifier, giving up after {@code limit}: on this shared machine its HTTP server has been
     * seen to keep failing on push streams the phones had just closed while stopping, logging without end. The
     * figures are printed by then; the process exits right after, so nothing is left running.
     */
    private static void stopWithin(Countersign node, Duration limit) throws InterruptedException {
        Thread closer = new Thread(node::close, "verifier-close");
        closer.setDaemon(true);
        closer.start();
        closer.join(limit.toMillis());
        if (closer.isAlive()) {
            System.out.printf("the verifier did not stop within %d s; exiting without waiting for it%n", limit.toSeconds());
        }
    }

    // ------------------------------------------------------------------ set-up

    private void setUp(Countersign node, Path vault, String adminPassword, List<EmulatedPhone> phones) throws Exception {
        Path ca = node.caCertificatePath();
        HttpClient verifierHttp = RelyingPartyHttp.trusting(ca).connectTimeout(Duration.ofSeconds(10)).build();
        RelyingPartyHttp rp = new RelyingPartyHttp(node.baseUrl().replaceAll("/$", ""), Duration.ofSeconds(30));
        String apiKey = rp.call(verifierHttp, "POST", "/v1/admin/tenants", node.bootstrapAdminToken().orElseThrow(),
                "{\"id\":\"keycloak\",\"displayName\":\"Keycloak benchmark\",\"allowedOrigins\":[\"" + keycloak + "\"]}",
                201).get("apiKey").asText();
        // Keycloak's file vault reads <realm>_<key> when the step runs, so the key can arrive after Keycloak started.
        Files.writeString(vault.resolve(COUNTERSIGN_REALM + "_countersign-api-key"), apiKey, StandardCharsets.UTF_8);

        ServerTrust trust = ServerTrust.caPemFile(ca);
        long t0 = System.nanoTime();
        for (int i = 1; i <= users; i++) {
            String user = user(i);
            JsonNode e = rp.call(verifierHttp, "POST", "/v1/oob/enrolments", apiKey, "{\"userId\":\"" + user + "\"}", 201);
            EmulatedPhone phone = EmulatedPhone.enrol(EnrolmentTarget.fromUri(e.get("enrolmentUri").asText()),
                    "bench phone " + i, trust, Clock.systemUTC(), verifierHttp);
            phone.authenticator().openStream(new PushStream.Listener() {
                @Override
                public void onRequest(PendingRequest r) {
                    // The stream may deliver a request twice (docs/oob-api.md): answer it once.
                    if (!seenRequests.add(r.requestId())) {
                        return;
                    }
                    // Recorded before answering: once the verifier has the approval, the driver may read this
                    // before approve() has even returned.
                    approvedCode.put(r.userId(), r.code().value());
                    try {
                        phone.approve(r);
                    } catch (OobException ex) {
                        phoneFailures.incrementAndGet();
                    }
                }
            }, PushStream.Options.defaults());
            phones.add(phone);
        }
        System.out.printf("verifier %s: tenant keycloak, %d users enrolled with listening phones in %d ms%n",
                node.baseUrl(), users, (System.nanoTime() - t0) / 1_000_000);

        String pem = Files.readString(ca);
        String admin = adminToken(adminPassword);
        importRealm(admin, "bench-password-realm.json", Map.of());
        importRealm(admin, "bench-countersign-realm.json", Map.of("@VERIFIER_URL@", node.baseUrl().replaceAll("/$", ""),
                "\"@CA_PEM@\"", JSON.writeValueAsString(pem)));
        System.out.printf("Keycloak %s: realms %s (password only) and %s (password + Countersign), %d users each%n",
                keycloak, PASSWORD_REALM, COUNTERSIGN_REALM, users);
        Thread.sleep(1000); // let every push stream connect before the first sign-in
    }

    static String user(int i) {
        return "user" + i;
    }

    static String password(int i) {
        return "bench-password-" + i;
    }

    private String adminToken(String password) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(keycloak + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username=admin&password="
                        + LoginPage.enc(password))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("Keycloak admin token: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    private void importRealm(String admin, String resource, Map<String, String> replace) throws Exception {
        String text;
        try (InputStream in = KeycloakBrowserLoad.class.getResourceAsStream("/keycloak/" + resource)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        text = text.replace("@CALLBACK@", CALLBACK);
        for (Map.Entry<String, String> e : replace.entrySet()) {
            text = text.replace(e.getKey(), e.getValue());
        }
        ObjectNode realm = (ObjectNode) JSON.readTree(text);
        ArrayNode list = realm.putArray("users");
        for (int i = 1; i <= users; i++) {
            ObjectNode u = list.addObject().put("username", user(i)).put("enabled", true)
                    .put("email", user(i) + "@bench.example").put("emailVerified", true).put("firstName", "Bench")
                    .put("lastName", "User " + i);
            u.putArray("credentials").addObject().put("type", "password").put("value", password(i)).put("temporary", false);
        }
        // A realm left by an earlier run against the same Keycloak is replaced, so its users and settings are ours.
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(keycloak + "/admin/realms/" + realm.path("realm").asText()))
                .header("Authorization", "Bearer " + admin).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(keycloak + "/admin/realms"))
                .timeout(Duration.ofMinutes(10)).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(realm))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("import of " + resource + ": " + r.statusCode() + " " + r.body());
        }
    }

    // ------------------------------------------------------------------ runs

    /** Warm-up of both flows, then the pairs; prints each run and the pair table. False when any sign-in failed. */
    private boolean runPairs(int pairs, Duration duration, Duration warmup) throws Exception {
        boolean clean = true;
        if (!warmup.isZero()) {
            for (String realm : List.of(PASSWORD_REALM, COUNTERSIGN_REALM)) {
                Result w = run(realm, warmup);
                System.out.println("warm-up  " + line(w));
                clean &= w.failed() == 0;
            }
        }
        List<Result[]> results = new ArrayList<>();
        for (int p = 1; p <= pairs; p++) {
            Result pwd = run(PASSWORD_REALM, duration);
            System.out.println("pair " + p + "   " + line(pwd));
            Result cs = run(COUNTERSIGN_REALM, duration);
            System.out.println("pair " + p + "   " + line(cs));
            results.add(new Result[] {pwd, cs});
            clean &= pwd.failed() == 0 && cs.failed() == 0;
        }
        System.out.printf("%n%-5s %14s %6s %8s %8s %14s %6s %8s %8s %9s%n", "pair", "password /s", "load1", "p50 ms",
                "p99 ms", "countersign /s", "load1", "p50 ms", "p99 ms", "cs/pwd");
        for (int p = 0; p < results.size(); p++) {
            Result a = results.get(p)[0];
            Result b = results.get(p)[1];
            System.out.printf("%-5d %14.1f %6.2f %8.1f %8.1f %14.1f %6.2f %8.1f %8.1f %9.2f%n", p + 1, a.perSecond(),
                    a.load1(), pct(a.sortedNanos(), 0.50), pct(a.sortedNanos(), 0.99), b.perSecond(), b.load1(),
                    pct(b.sortedNanos(), 0.50), pct(b.sortedNanos(), 0.99),
                    a.perSecond() > 0 ? b.perSecond() / a.perSecond() : Double.NaN);
        }
        System.out.println();
        for (Result[] pair : results) {
            for (Result r : pair) {
                System.out.printf("steps of %-9s", r.flow());
                r.steps().forEach((k, v) -> {
                    if (k.equals(REQUESTS) && v.length > 0) {
                        System.out.printf("  %s %d-%d", k, v[0], v[v.length - 1]);
                    } else if (v.length > 0) {
                        System.out.printf("  %s p50 %.1f ms", k, pct(v, 0.50));
                    }
                });
                System.out.println();
            }
        }
        System.out.printf("phone answers that failed: %d%n", phoneFailures.get());
        return clean && phoneFailures.get() == 0;
    }

    private static String line(Result r) {
        StringBuilder examples = new StringBuilder();
        r.examples().forEach((k, v) -> examples.append(System.lineSeparator()).append("    first ").append(v));
        return String.format("%-11s %6d sign-ins in %5.1f s = %7.1f /s  p50 %7.1f ms  p99 %7.1f ms  failures %d%s  load1 %.2f",
                r.flow(), r.signIns(), r.seconds(), r.perSecond(), pct(r.sortedNanos(), 0.50), pct(r.sortedNanos(), 0.99),
                r.failed(), r.failures().isEmpty() ? "" : " " + r.failures(), r.load1()) + examples;
    }

    /** {@code threads} virtual browsers signing in users from a shared pool for {@code duration}. */
    private Result run(String realm, Duration duration) throws Exception {
        BlockingQueue<Integer> idle = new ArrayBlockingQueue<>(users);
        for (int i = 1; i <= users; i++) {
            idle.add(i);
        }
        ConcurrentLinkedQueue<Long> totals = new ConcurrentLinkedQueue<>();
        Map<String, ConcurrentLinkedQueue<Long>> steps = new ConcurrentHashMap<>();
        Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
        Map<String, String> examples = new ConcurrentHashMap<>();
        AtomicLong ok = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                Browser browser = new Browser();
                try {
                    while (System.nanoTime() < end) {
                        int i = idle.take();
                        long a = System.nanoTime();
                        try {
                            Map<String, Long> s = browser.signIn(realm, i);
                            totals.add(System.nanoTime() - a);
                            s.forEach((k, v) -> steps.computeIfAbsent(k, x -> new ConcurrentLinkedQueue<>()).add(v));
                            ok.incrementAndGet();
                        } catch (Failed f) {
                            failures.computeIfAbsent(f.reason, x -> new AtomicLong()).incrementAndGet();
                            examples.putIfAbsent(f.reason, f.getMessage());
                        } catch (IOException e) {
                            failures.computeIfAbsent("I/O " + e.getClass().getSimpleName(), x -> new AtomicLong())
                                    .incrementAndGet();
                        } finally {
                            idle.add(i);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    failures.computeIfAbsent("driver " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                            x -> new AtomicLong()).incrementAndGet();
                } finally {
                    done.countDown();
                }
            }, "kc-browser-" + t);
            th.start();
        }
        long start = System.nanoTime();
        done.await();
        double secs = (System.nanoTime() - start) / 1e9;
        Map<String, Long> f = new TreeMap<>();
        failures.forEach((k, v) -> f.put(k, v.get()));
        Map<String, long[]> st = new LinkedHashMap<>();
        for (String k : List.of("authorize", "password", "wait for phone", "step form", "token", REQUESTS)) {
            if (steps.containsKey(k)) {
                st.put(k, steps.get(k).stream().mapToLong(Long::longValue).sorted().toArray());
            }
        }
        return new Result(realm.equals(PASSWORD_REALM) ? "password" : "countersign", ok.get(), secs, f, new TreeMap<>(examples),
                totals.stream().mapToLong(Long::longValue).sorted().toArray(), st, load1());
    }

    static double load1() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p * sorted.length) - 1))] / 1e6;
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** One virtual browser: an HTTP/1.1 client (as browsers speak plain HTTP) with its own cookie jar. */
    final class Browser {
        private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        /** Requests this browser sent to Keycloak in the current sign-in (redirects followed included). */
        private long requests;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).cookieHandler(new LoopbackCookies(cookies))
                .connectTimeout(Duration.ofSeconds(10)).build();

        /** A complete sign-in of user {@code i} to {@code realm}'s client; the step timings in ns. */
        Map<String, Long> signIn(String realm, int i) throws Failed, IOException, InterruptedException {
            cookies.getCookieStore().removeAll(); // a fresh browser: no SSO cookie, no earlier authentication session
            requests = 0;
            Map<String, Long> t = new LinkedHashMap<>();
            String user = user(i);
            String state = random(12);
            String nonce = random(12);
            String verifier = random(32);
            String challenge;
            try {
                challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            String oidc = keycloak + "/realms/" + realm + "/protocol/openid-connect/";
            long a = System.nanoTime();
            HttpResponse<String> page = get(oidc + "auth?client_id=" + CLIENT + "&response_type=code&scope=openid"
                    + "&redirect_uri=" + LoginPage.enc(CALLBACK) + "&state=" + state + "&nonce=" + nonce
                    + "&code_challenge=" + challenge + "&code_challenge_method=S256");
            expect(page, 200, "authorize");
            LoginPage.Form login = LoginPage.form(page.body(), "kc-form-login")
                    .orElseThrow(() -> new Failed("no login form", page.uri().toString()));
            long b = System.nanoTime();
            t.put("authorize", b - a);
            HttpResponse<String> after = follow(post(login.action(),
                    login.body(Map.of("username", user, "password", password(i)))));
            long c = System.nanoTime();
            t.put("password", c - b);
            String shownCode = null;
            if (realm.equals(COUNTERSIGN_REALM)) {
                if (after.statusCode() != 200) {
                    throw new Failed("no Countersign page (HTTP " + after.statusCode() + ")", location(after));
                }
                String html = after.body();
                shownCode = LoginPage.text(html, "countersign-code").filter(s -> s.matches("\\d{6,10}"))
                        .orElseThrow(() -> new Failed("no Countersign code on the page", errorText(html)));
                String statusUrl = LoginPage.attribute(html, "countersign-oob", "data-status-url")
                        .orElseThrow(() -> new Failed("no status URL on the page", ""));
                LoginPage.Form step = LoginPage.form(html, "countersign-form")
                        .orElseThrow(() -> new Failed("no Countersign form on the page", ""));
                // As the page's script: long-poll until the request is no longer pending or queued, then submit.
                String status;
                while (true) {
                    requests++;
                    HttpResponse<String> s = http.send(HttpRequest.newBuilder(URI.create(statusUrl))
                            .timeout(Duration.ofSeconds(60)).header("User-Agent", USER_AGENT)
                            .header("Cache-Control", "no-store").GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (s.statusCode() != 200) {
                        throw new Failed("status endpoint HTTP " + s.statusCode(), s.body());
                    }
                    JsonNode j = JSON.readTree(s.body());
                    status = j.path("status").asText();
                    if (j.hasNonNull("code")) {
                        shownCode = j.path("code").asText(); // the script shows a renewed code (queued → pending)
                    }
                    if (!status.equals("pending") && !status.equals("queued")) {
                        break;
                    }
                }
                long d = System.nanoTime();
                t.put("wait for phone", d - c);
                if (!status.equals("approved")) {
                    throw new Failed("request " + status, user);
                }
                after = follow(post(step.action(), step.body(Map.of())));
                c = System.nanoTime();
                t.put("step form", c - d);
                if (!shownCode.equals(approvedCode.get(user))) {
                    throw new Failed("phone approved another code than the page showed", shownCode);
                }
            }
            String redirect = location(after);
            if (!redirect.startsWith(CALLBACK)) {
                throw new Failed("no redirect to the client (HTTP " + after.statusCode() + ")", errorText(after.body()));
            }
            if (!state.equals(LoginPage.queryParameter(redirect, "state").orElse(""))) {
                throw new Failed("state not echoed", redirect);
            }
            String code = LoginPage.queryParameter(redirect, "code")
                    .orElseThrow(() -> new Failed("no code in the redirect", redirect));
            HttpResponse<String> tokens = post(oidc + "token", "grant_type=authorization_code&client_id=" + CLIENT
                    + "&code=" + LoginPage.enc(code) + "&redirect_uri=" + LoginPage.enc(CALLBACK)
                    + "&code_verifier=" + verifier);
            expect(tokens, 200, "token");
            t.put("token", System.nanoTime() - c);
            checkIdToken(JSON.readTree(tokens.body()).path("id_token").asText(), realm, user, nonce);
            t.put(REQUESTS, requests);
            return t;
        }

        private void checkIdToken(String jwt, String realm, String user, String nonce) throws Failed, IOException {
            String[] parts = jwt.split("\\.");
            if (parts.length != 3) {
                throw new Failed("no ID token", jwt);
            }
            JsonNode id = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (!user.equals(id.path("preferred_username").asText()) || !nonce.equals(id.path("nonce").asText())) {
                throw new Failed("ID token for another sign-in", id.toString());
            }
            List<String> amr = new ArrayList<>();
            id.path("amr").forEach(n -> amr.add(n.asText()));
            boolean stepped = amr.contains("countersign-oob") || "countersign-oob".equals(id.path("acr").asText());
            if (!amr.contains("pwd")) {
                throw new Failed("amr without pwd", id.path("amr").toString());
            }
            if (realm.equals(COUNTERSIGN_REALM) && !(amr.contains("countersign-oob")
                    && "countersign-oob".equals(id.path("acr").asText()))) {
                throw new Failed("ID token does not name the Countersign step", "acr " + id.path("acr") + " amr " + amr);
            }
            if (realm.equals(PASSWORD_REALM) && stepped) {
                throw new Failed("password-only ID token names the Countersign step", amr.toString());
            }
        }

        private HttpResponse<String> get(String url) throws IOException, InterruptedException {
            requests++;
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .header("User-Agent", USER_AGENT).header("Accept", "text/html").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        private HttpResponse<String> post(String url, String form) throws IOException, InterruptedException {
            requests++;
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .header("User-Agent", USER_AGENT).header("Origin", keycloak)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Follows redirects inside Keycloak as a browser would; stops at the client's redirect URI. */
        private HttpResponse<String> follow(HttpResponse<String> r) throws Failed, IOException, InterruptedException {
            for (int hops = 0; hops < 5; hops++) {
                if (r.statusCode() / 100 != 3) {
                    return r;
                }
                String to = location(r);
                if (to.isEmpty() || to.startsWith(CALLBACK)) {
                    return r;
                }
                r = get(r.uri().resolve(to).toString());
            }
            throw new Failed("redirect loop", r.uri().toString());
        }
    }

    /**
     * Keycloak marks its cookies {@code Secure} (with {@code SameSite=None}) even over plain HTTP. Browsers treat
     * loopback addresses as secure origins and send such cookies to {@code http://127.0.0.1}; Java's
     * {@link CookieManager} sends them only over https. This handler asks the jar as if loopback were https, as the
     * browser does, and leaves every other address alone.
     */
    static final class LoopbackCookies extends java.net.CookieHandler {
        private final CookieManager jar;

        LoopbackCookies(CookieManager jar) {
            this.jar = jar;
        }

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws IOException {
            return jar.get(asSecureWhenLoopback(uri), headers);
        }

        @Override
        public void put(URI uri, Map<String, List<String>> headers) throws IOException {
            jar.put(asSecureWhenLoopback(uri), headers);
        }

        static URI asSecureWhenLoopback(URI uri) {
            String host = uri.getHost();
            boolean loopback = host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
            if (!"http".equalsIgnoreCase(uri.getScheme()) || !loopback) {
                return uri;
            }
            try {
                return new URI("https", uri.getRawAuthority(), uri.getRawPath(), null, null);
            } catch (java.net.URISyntaxException e) {
                return uri;
            }
        }
    }

    private static String location(HttpResponse<?> r) {
        return r.headers().firstValue("Location").orElse("");
    }

    private static void expect(HttpResponse<String> r, int status, String what) throws Failed {
        if (r.statusCode() != status) {
            throw new Failed(what + " HTTP " + r.statusCode(), r.body().length() > 300 ? r.body().substring(0, 300) : r.body());
        }
    }

    /** Keycloak's error message on a page, to name a failure (e.g. "Invalid username or password."). */
    static String errorText(String html) {
        for (String id : List.of("input-error", "kc-error-message")) {
            Optional<String> t = LoginPage.text(html, id);
            if (t.isPresent()) {
                return t.get();
            }
        }
        return "";
    }
}
