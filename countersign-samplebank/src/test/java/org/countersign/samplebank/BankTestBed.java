package org.countersign.samplebank;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.countersign.server.Countersign;
import org.countersign.server.config.ServerConfig;
import org.countersign.testkit.TestBrowser;
import org.countersign.testkit.TestDatabase;

/**
 * What every browser test of the bank needs: a real verifier on a fresh PostgreSQL database of its own, the bank
 * registered with it as tenant {@code samplebank}, and one headless Debian Chromium. Without chromium or PostgreSQL
 * the test is skipped, except under {@code CI=true}, where it fails (the test kit's rule).
 */
final class BankTestBed implements AutoCloseable {
    final Countersign node;
    final SampleBank bank;
    final String bankUrl;
    final Browser browser;
    private final TestBrowser chromium;
    private final TestDatabase database;
    private final Path dataDir;

    private BankTestBed(Countersign node, SampleBank bank, String bankUrl, TestBrowser chromium,
            TestDatabase database, Path dataDir) {
        this.node = node;
        this.bank = bank;
        this.bankUrl = bankUrl;
        this.chromium = chromium;
        this.browser = chromium.browser();
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
        TestBrowser.chromium(); // skip (or fail in CI) before starting a node when there is no browser
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String bankUrl = "http://" + host + ":" + port;

        TestDatabase database = TestDatabase.create();
        Path dataDir = Files.createTempDirectory("countersign-bank-test");
        Countersign node = Countersign.start(ServerConfig.defaults().withDataDir(dataDir).withPort(0)
                .withDatabase(database.url(), database.user(), database.password()), Clock.systemUTC(),
                new PrintStream(OutputStream.nullOutputStream()));
        HttpClient http = VerifierClient.httpClientTrusting(node.caCertificatePath());
        URI base = URI.create(node.baseUrl());
        String key = VerifierClient.bootstrapTenant(base, http, node.bootstrapAdminToken().orElseThrow(),
                "samplebank", "Sample Bank", bankUrl);
        SampleBank bank = SampleBank.start(new VerifierClient(base, key, http),
                new SampleBank.Settings("127.0.0.1", port, false, trustedProxy), Clock.systemUTC());

        return new BankTestBed(node, bank, bankUrl, TestBrowser.launch(List.of()), database, dataDir);
    }

    /**
     * Opens an account for {@code user} on a new terminal page and sets up a web authenticator for it on a new page
     * of {@code phone} (X.1280 §8.1), then signs the terminal out. Tests that are not about enrolment start here,
     * each with a user and contexts of its own, so that none depends on another having run first.
     */
    Page enrolled(BrowserContext terminal, BrowserContext phone, String user, String pin) {
        Page a = terminal.newPage();
        a.navigate(bankUrl + "/signup");
        a.getByLabel("User id").fill(user);
        a.getByLabel("Password (at least 10 characters)").fill("correct horse battery");
        a.getByText("Open account").click();
        a.locator("#enrol").click();
        Locator link = a.locator("#enrol-link");
        assertThat(link).isVisible();
        Page phonePage = phone.newPage();
        phonePage.navigate(link.getAttribute("href"));
        phonePage.getByLabel("Device name").fill(user + "'s test phone");
        phonePage.getByLabel("New PIN").fill(pin);
        phonePage.getByLabel("Repeat the PIN").fill(pin);
        phonePage.getByText("Set up authenticator").click();
        phonePage.getByText("I have stored them").click();
        assertThat(phonePage.locator("#connection")).containsText("Connected");
        a.getByText("Sign out").click();
        assertThat(a.locator("header")).not().containsText("Signed in as");
        a.close();
        return phonePage;
    }

    @Override
    public void close() throws Exception {
        chromium.close();
        bank.close();
        node.close();
        database.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
