package org.countersign.samplebank;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.countersign.server.Countersign;
import org.countersign.server.config.ServerConfig;
import org.countersign.server.store.Store;
import org.junit.jupiter.api.Assumptions;

/**
 * What every browser test of the bank needs: a real verifier on a fresh PostgreSQL database of its own, the bank
 * registered with it as tenant {@code samplebank}, and one headless Debian Chromium. Skips without chromium, except
 * under {@code CI=true}, where a missing browser is a failure.
 */
final class BankTestBed implements AutoCloseable {
    static final String PG_ADMIN_URL = System.getProperty("countersign.test.pg", "jdbc:postgresql://127.0.0.1:5432/postgres");
    static final String PG_USER = System.getProperty("countersign.test.pgUser", "postgres");

    final Countersign node;
    final SampleBank bank;
    final String bankUrl;
    final Playwright playwright;
    final Browser browser;
    private final String database;
    private final Path dataDir;

    private BankTestBed(Countersign node, SampleBank bank, String bankUrl, Playwright playwright, Browser browser,
            String database, Path dataDir) {
        this.node = node;
        this.bank = bank;
        this.bankUrl = bankUrl;
        this.playwright = playwright;
        this.browser = browser;
        this.database = database;
        this.dataDir = dataDir;
    }

    /**
     * @param host the bank's host name as the browser will use it; WebAuthn needs {@code localhost} (an RP id must
     *             be a domain), the out-of-band tests use {@code 127.0.0.1} so the terminal address is predictable
     */
    static BankTestBed start(String host) throws Exception {
        return start(host, Optional.empty());
    }

    /** As {@link #start(String)}, with the bank trusting {@code X-Forwarded-For} from {@code trustedProxy}. */
    static BankTestBed start(String host, Optional<String> trustedProxy) throws Exception {
        String chromium = which("chromium").orElse(null);
        if (chromium == null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("chromium is required for the browser tests in CI");
            }
            Assumptions.abort("chromium is not installed: browser test skipped");
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String bankUrl = "http://" + host + ":" + port;

        String database = "cs_bank_" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
        Store.createDatabaseIfMissing(PG_ADMIN_URL, PG_USER, "", database);
        Path dataDir = Files.createTempDirectory("countersign-bank-test");
        String url = PG_ADMIN_URL.substring(0, PG_ADMIN_URL.lastIndexOf('/') + 1) + database;
        Countersign node = Countersign.start(ServerConfig.defaults().withDataDir(dataDir).withPort(0)
                .withDatabase(url, PG_USER, ""), Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream()));
        HttpClient http = VerifierClient.httpClientTrusting(node.caCertificatePath());
        URI base = URI.create(node.baseUrl());
        String key = VerifierClient.bootstrapTenant(base, http, node.bootstrapAdminToken().orElseThrow(),
                "samplebank", "Sample Bank", bankUrl);
        SampleBank bank = SampleBank.start(new VerifierClient(base, key, http),
                new SampleBank.Settings("127.0.0.1", port, false, trustedProxy), Clock.systemUTC());

        Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Paths.get(chromium)).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
        return new BankTestBed(node, bank, bankUrl, playwright, browser, database, dataDir);
    }

    @Override
    public void close() throws Exception {
        browser.close();
        playwright.close();
        bank.close();
        node.close();
        Store.dropDatabase(PG_ADMIN_URL, PG_USER, "", database);
        try (var files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    static Optional<String> which(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }
}
