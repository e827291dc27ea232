package org.countersign.keycloak;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.countersign.agent.oob.PendingRequest;
import org.countersign.agent.oob.ServerTrust;
import org.countersign.testkit.emulators.EmulatedPhone;
import org.countersign.samplebank.VerifierClient;
import org.countersign.server.Countersign;
import org.countersign.server.config.ServerConfig;
import org.countersign.server.store.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The extension inside a real, unmodified Keycloak (issue 13, C-U1): a real verifier on its own PostgreSQL
 * database, Keycloak of the pinned version with the provider jar and the realm of
 * src/test/resources/keycloak/countersign-realm.json, headless Chromium signing in to an OIDC client of that realm,
 * and an emulated phone answering. Approve → signed in with acr/amr naming the step; reject and codes differ →
 * Keycloak's error page and no session; Cancel on the page withdraws the request at the verifier and returns
 * access_denied to the client; a fresh user sets up the authenticator on first sign-in; password-only
 * grants are refused for enrolled users (C-S1); the password is renewed after an approved sign-in (C-S5).
 */
@Tag("browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakOobIT {
    static final String PG_ADMIN_URL = System.getProperty("countersign.test.pg", "jdbc:postgresql://127.0.0.1:5432/postgres");
    static final String PG_USER = System.getProperty("countersign.test.pgUser", "postgres");
    static final String REALM = "countersign";
    static final String CLIENT = "countersign-test";
    static final Path WORK = Path.of("target", "keycloak-it");
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(90);

    static String database;
    static Path dataDir;
    static Countersign verifier;
    static VerifierClient rp;
    static ServerTrust trust;
    static KeycloakProcess keycloak;
    static HttpServer callback;
    static String callbackUrl;
    static final BlockingQueue<String> callbacks = new LinkedBlockingQueue<>();
    static Playwright playwright;
    static Browser browser;
    static EmulatedPhone alicePhone;
    static HttpClient http = HttpClient.newHttpClient();
    static long classStart;
    static int shots;
    static final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws Exception {
        classStart = System.nanoTime();
        String chromium = which("chromium");
        if (chromium == null) {
            KeycloakProcess.missing("chromium");
        }
        KeycloakProcess.home();
        KeycloakProcess.providerJar();
        KeycloakProcess.javaHome();
        Files.createDirectories(WORK);

        // The verifier, on a fresh database of its own.
        database = "cs_kc_" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
        Store.createDatabaseIfMissing(PG_ADMIN_URL, PG_USER, "", database);
        dataDir = Files.createTempDirectory("countersign-keycloak-test");
        String url = PG_ADMIN_URL.substring(0, PG_ADMIN_URL.lastIndexOf('/') + 1) + database;
        verifier = Countersign.start(ServerConfig.defaults().withDataDir(dataDir).withPort(0).withDatabase(url, PG_USER, ""),
                Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream()));
        HttpClient verifierHttp = VerifierClient.httpClientTrusting(verifier.caCertificatePath());
        URI base = URI.create(verifier.baseUrl());
        int kcPort = KeycloakProcess.freePort();
        String apiKey = VerifierClient.bootstrapTenant(base, verifierHttp, verifier.bootstrapAdminToken().orElseThrow(),
                "keycloak", "Keycloak test realm", "http://127.0.0.1:" + kcPort);
        rp = new VerifierClient(base, apiKey, verifierHttp);
        trust = ServerTrust.caPemFile(verifier.caCertificatePath());

        // Where the OIDC client lands: a tiny local page that records the authorization response.
        callback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        callback.createContext("/callback", ex -> {
            callbacks.add(ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
            byte[] body = "<!doctype html><title>client</title><h1 id=signed-in>Back at the client</h1>"
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        callback.start();
        callbackUrl = "http://127.0.0.1:" + callback.getAddress().getPort() + "/callback";

        // Alice has her phone before Keycloak starts; "fresh" sets one up through the required action.
        alicePhone = EmulatedPhone.enrol(rp.createEnrolment("alice").path("enrolmentUri").asText(), trust).listen();

        String pem = Files.readString(verifier.caCertificatePath());
        String realm;
        try (var in = KeycloakOobIT.class.getResourceAsStream("/keycloak/countersign-realm.json")) {
            realm = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        realm = realm.replace("@VERIFIER_URL@", verifier.baseUrl())
                .replace("\"@CA_PEM@\"", JSON.writeValueAsString(pem))
                .replace("@CALLBACK@", callbackUrl);
        keycloak = KeycloakProcess.start(WORK, REALM, realm, Map.of(REALM + "_countersign-api-key", apiKey), kcPort);
        System.out.println("Keycloak started in " + keycloak.startTime.toMillis() + " ms");
        Files.writeString(WORK.resolve("timing.txt"), "keycloak-start-ms=" + keycloak.startTime.toMillis() + "\n");

        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Paths.get(chromium))
                .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
        PlaywrightAssertions.setDefaultAssertionTimeout(WAIT.toMillis());
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (alicePhone != null) {
            alicePhone.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
        if (callback != null) {
            callback.stop(0);
        }
        if (verifier != null) {
            verifier.close();
            Store.dropDatabase(PG_ADMIN_URL, PG_USER, "", database);
        }
        if (dataDir != null) {
            try (var files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        if (classStart != 0) {
            long total = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - classStart);
            System.out.println("Keycloak test class took " + total + " ms");
            Files.writeString(WORK.resolve("timing.txt"), "class-total-ms=" + total + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
    }

    // ------------------------------------------------------------------ helpers

    static Page newTerminal() {
        BrowserContext ctx = browser.newContext(new Browser.NewContextOptions().setViewportSize(1000, 900));
        Page page = ctx.newPage();
        page.setDefaultTimeout(WAIT.toMillis());
        return page;
    }

    /** Opens the client's authorization request and signs in with the password; returns the page after the form. */
    static Page signInWithPassword(String user, String password) {
        Page page = newTerminal();
        callbacks.clear();
        page.navigate(keycloak.baseUrl + "/realms/" + REALM + "/protocol/openid-connect/auth?client_id=" + CLIENT
                + "&response_type=code&scope=openid&state=s" + System.nanoTime() + "&nonce=n1&redirect_uri="
                + URLEncoder.encode(callbackUrl, StandardCharsets.UTF_8));
        page.locator("#username").fill(user);
        page.locator("#password").fill(password);
        page.locator("#kc-login").click();
        return page;
    }

    /** The code the Keycloak page shows, once the Countersign step is on screen. */
    static String codeOnPage(Page page) {
        assertThat(page.locator("#countersign-code")).hasText(java.util.regex.Pattern.compile("^\\d{6,10}$"));
        shot(page, "code");
        return page.locator("#countersign-code").textContent().trim();
    }

    /** Screenshots of each page go to target/keycloak-it/shots/ for a look at the theme. */
    static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
                .setPath(WORK.resolve("shots").resolve(String.format("%02d-%s.png", ++shots, name))));
    }

    /** The next request the phone has not seen: the stream may deliver one twice (docs/oob-api.md). */
    static PendingRequest nextRequest(EmulatedPhone phone) throws InterruptedException {
        while (true) {
            PendingRequest r = phone.awaitRequest(WAIT).orElseThrow(() -> new AssertionError("the phone got no request"));
            if (seen.add(r.requestId())) {
                return r;
            }
        }
    }

    static JsonNode tokensFrom(String query) throws Exception {
        String code = null;
        for (String kv : query.split("&")) {
            if (kv.startsWith("code=")) {
                code = java.net.URLDecoder.decode(kv.substring(5), StandardCharsets.UTF_8);
            }
        }
        assertThat(code).as("authorization response " + query).isNotNull();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create(keycloak.baseUrl + "/realms/" + REALM + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&client_id=" + CLIENT + "&code="
                        + URLEncoder.encode(code, StandardCharsets.UTF_8) + "&redirect_uri="
                        + URLEncoder.encode(callbackUrl, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    static HttpResponse<String> passwordGrant(String user, String password) throws Exception {
        return http.send(HttpRequest.newBuilder(
                        URI.create(keycloak.baseUrl + "/realms/" + REALM + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=" + CLIENT + "&username="
                        + user + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&scope=openid"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** No Keycloak session: the authorization endpoint asks for the password again instead of answering at once. */
    static void assertNoSession(Page page) {
        page.navigate(keycloak.baseUrl + "/realms/" + REALM + "/protocol/openid-connect/auth?client_id=" + CLIENT
                + "&response_type=code&scope=openid&state=again&redirect_uri="
                + URLEncoder.encode(callbackUrl, StandardCharsets.UTF_8));
        assertThat(page.locator("#password")).isVisible();
        assertThat(callbacks).isEmpty();
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void C_S1_passwordGrantIsRefusedForUsersWithAnAuthenticator() throws Exception {
        HttpResponse<String> alice = passwordGrant("alice", "alice-password-1");
        assertThat(alice.statusCode()).as(alice.body()).isEqualTo(401);
        assertThat(JSON.readTree(alice.body()).path("error").asText()).isEqualTo("invalid_grant");
        HttpResponse<String> carol = passwordGrant("carol", "carol-password-1");
        assertThat(carol.statusCode()).as("a user without an authenticator keeps the password grant: " + carol.body())
                .isEqualTo(200);
    }

    @Test
    @Order(2)
    void X1280_8_4_rejectOnThePhoneShowsKeycloaksErrorPageAndNoSession() throws Exception {
        Page page = signInWithPassword("alice", "alice-password-1");
        String shown = codeOnPage(page);
        PendingRequest r = nextRequest(alicePhone);
        assertThat(r.code().value()).as("X.1280 §8.4: the phone derives the same code").isEqualTo(shown);
        assertThat(r.userId()).isEqualTo("alice");
        assertThat(r.offset().terminalPublicIp()).isEqualTo("127.0.0.1");
        assertThat(r.offset().browser()).containsIgnoringCase("chrom");
        alicePhone.reject(r);
        assertThat(page.locator("body")).containsText("rejected on your phone");
        shot(page, "rejected");
        assertNoSession(page);
        page.context().close();
    }

    @Test
    @Order(3)
    void X1280_8_4_codesDifferShowsThePhishingWarning() throws Exception {
        Page page = signInWithPassword("alice", "alice-password-1");
        codeOnPage(page);
        alicePhone.reportCodesDiffer(nextRequest(alicePhone));
        assertThat(page.locator("body")).containsText("codes were different");
        shot(page, "codes-differ");
        assertNoSession(page);
        page.context().close();
    }

    @Test
    @Order(4)
    void cancelOnThePageWithdrawsTheRequestAtTheVerifier() throws Exception {
        Page page = signInWithPassword("alice", "alice-password-1");
        codeOnPage(page);
        PendingRequest r = nextRequest(alicePhone);
        page.locator("#countersign-cancel").click();
        page.waitForURL("**/callback**");
        assertThat(callbacks.poll(30, TimeUnit.SECONDS)).contains("error=access_denied");
        assertThat(rp.request(r.requestId(), 0).path("status").asText()).isEqualTo("cancelled");
        page.context().close();
    }

    @Test
    @Order(4)
    void leavingThePageWithdrawsTheRequestAtTheVerifier() throws Exception {
        Page page = signInWithPassword("alice", "alice-password-1");
        codeOnPage(page);
        PendingRequest r = nextRequest(alicePhone);
        // pagehide sends a beacon to countersign/oob/cancel, which cancels at the verifier.
        page.navigate("about:blank");
        String status = "pending";
        for (int i = 0; i < 12 && "pending".equals(status); i++) {
            status = rp.request(r.requestId(), 5).path("status").asText();
        }
        assertThat(status).isEqualTo("cancelled");
        page.context().close();
    }

    @Test
    @Order(5)
    void X1280_8_5_approveSignsInAndTheIdTokenSaysHow_thenThePasswordIsRenewed() throws Exception {
        Page page = signInWithPassword("alice", "alice-password-1");
        String shown = codeOnPage(page);
        PendingRequest r = nextRequest(alicePhone);
        assertThat(r.code().value()).isEqualTo(shown);
        alicePhone.approve(r);
        page.waitForURL("**/callback**");
        String query = callbacks.poll(30, TimeUnit.SECONDS);
        JsonNode id = claims(tokensFrom(query).path("id_token").asText());
        assertThat(id.path("preferred_username").asText()).isEqualTo("alice");
        assertThat(id.path("acr").asText()).as("acr from the step's level of authentication").isEqualTo("countersign-oob");
        assertThat(id.path("amr").toString()).contains("\"pwd\"").contains("\"countersign-oob\"");
        page.context().close();

        // C-S5: the password that was just used no longer works.
        Page again = signInWithPassword("alice", "alice-password-1");
        assertThat(again.locator("body")).containsText("Invalid username or password");
        assertThat(again.locator("#countersign-code")).hasCount(0);
        again.context().close();
    }

    @Test
    @Order(6)
    void X1280_8_1_freshUserSetsUpTheAuthenticatorOnFirstSignIn() throws Exception {
        Page page = signInWithPassword("fresh", "fresh-password-1");
        assertThat(page.locator("#countersign-enrol-link")).isVisible();
        assertThat(page.locator("#countersign-enrol-code")).not().isEmpty();
        shot(page, "enrol");
        String link = page.locator("#countersign-enrol-link").getAttribute("href");
        try (EmulatedPhone phone = EmulatedPhone.enrol(link, trust)) {
            assertThat(phone.recoveryCodes()).as("first enrolment: the phone gets the recovery codes").isNotEmpty();
            // The page notices the finished enrolment by itself and continues to the client.
            page.waitForURL("**/callback**");
            assertThat(callbacks.poll(30, TimeUnit.SECONDS)).contains("code=");
            page.context().close();

            // From now on the phone is asked.
            phone.listen();
            Page next = signInWithPassword("fresh", "fresh-password-1");
            String shown = codeOnPage(next);
            PendingRequest r = nextRequest(phone);
            assertThat(r.code().value()).isEqualTo(shown);
            phone.approve(r);
            next.waitForURL("**/callback**");
            next.context().close();
        }
    }

    static String which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
