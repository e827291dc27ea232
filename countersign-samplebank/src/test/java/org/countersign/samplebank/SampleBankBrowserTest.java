package org.countersign.samplebank;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import org.countersign.server.Countersign;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The X.1280 flow in real browsers: context A is the user's terminal on the sample bank, context B is the web
 * authenticator on the phone. Enrolment (§8.1), code comparison (§8.3, §8.4), approval with the PIN (§8.5,
 * §9.2.3), refusal, and a relayed login from another browser (§9.1) that the phone exposes. One Chromium is shared
 * by the class (a launch costs seconds); each test has its own user and browser contexts, so the tests run in any
 * order. Screenshots of each step go to target/screenshots/.
 */
@Tag("integration")
@Tag("browser")
class SampleBankBrowserTest {
    static final String PIN = "482916";
    static int users;
    static final String PHISHING_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    static final Path SHOTS = Path.of("target", "screenshots");

    static BankTestBed bed;
    static Countersign node;
    static SampleBank bank;
    static String bankUrl;
    static Browser browser;
    static int shot;
    String user;
    BrowserContext terminal;
    BrowserContext phone;
    Page phonePage;

    @BeforeAll
    static void start() throws Exception {
        bed = BankTestBed.start("127.0.0.1");
        node = bed.node;
        bank = bed.bank;
        bankUrl = bed.bankUrl;
        browser = bed.browser;
        if (Files.isDirectory(SHOTS)) {
            try (var old = Files.list(SHOTS)) {
                // only this class's numbered shots: the passkey test writes its own into the same folder
                old.filter(p -> p.getFileName().toString().matches("\\d\\d-.*\\.png")).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(SHOTS);
    }

    @BeforeEach
    void freshUserAndContexts() {
        user = "alice" + (++users);
        terminal = browser.newContext(new Browser.NewContextOptions().setViewportSize(1000, 900));
        // The verifier's CA is a local one made at its first start; the phone context accepts it.
        phone = browser.newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true)
                .setViewportSize(420, 900).setIsMobile(true).setHasTouch(true));
    }

    @AfterEach
    void closeContexts() {
        terminal.close();
        phone.close();
    }

    @AfterAll
    static void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
                .setPath(SHOTS.resolve(String.format("%02d-%s.png", ++shot, name))));
    }

    /** Starts a login for this test's user on a terminal page and returns the code it shows. */
    String startLogin(Page page) {
        page.navigate(bankUrl + "/");
        page.getByLabel("User id").fill(user);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Continue")).click();
        Locator code = page.locator("#code");
        assertThat(code).isVisible();
        return code.textContent().trim();
    }

    /** The newest open request card on the phone, after unlocking it with the PIN. */
    Locator unlockNewestRequest() {
        Locator open = phonePage.locator("article.request:not(.closed)").first();
        assertThat(open).isVisible();
        // Keyed by request id: the card stays the same element after it closes.
        Locator card = phonePage.locator("article.request[data-request-id=\"" + open.getAttribute("data-request-id") + "\"]");
        card.locator("input.pin").fill(PIN);
        card.getByText("Show code").click();
        assertThat(card.locator(".code-digits")).hasText(java.util.regex.Pattern.compile("^\\d{6,10}$"));
        return card;
    }

    @Test
    void X1280_8_1_to_8_5_enrolThenApproveWhenCodesMatch() {
        Page a = terminal.newPage();
        a.navigate(bankUrl + "/signup");
        screenshot(a, "bank-signup");
        a.getByLabel("User id").fill(user);
        a.getByLabel("Password (at least 10 characters)").fill("correct horse battery");
        a.getByText("Open account").click();
        assertThat(a.locator("header")).containsText("Signed in as " + user);
        a.locator("#enrol").click();
        Locator link = a.locator("#enrol-link");
        assertThat(link).isVisible();
        screenshot(a, "bank-enrolment-qr");
        String enrolmentUri = link.getAttribute("href");

        // B: the phone opens the enrolment link, picks a name and a PIN (§8.1, §9.2.3).
        phonePage = phone.newPage();
        phonePage.navigate(enrolmentUri);
        assertThat(phonePage.getByLabel("Enrolment code")).not().hasValue("");
        phonePage.getByLabel("Device name").fill("Alice's test phone");
        phonePage.getByLabel("New PIN").fill(PIN);
        phonePage.getByLabel("Repeat the PIN").fill(PIN);
        screenshot(phonePage, "authenticator-enrol");
        phonePage.getByText("Set up authenticator").click();
        assertThat(phonePage.locator("#view-recovery")).isVisible();
        assertThat(phonePage.locator("#recovery-codes li").first()).isVisible();
        screenshot(phonePage, "authenticator-recovery-codes");
        phonePage.getByText("I have stored them").click();
        assertThat(phonePage.locator("#connection")).containsText("Connected");
        assertThat(phonePage.url()).doesNotContain("enrol=");

        // The bank now lists the device.
        a.navigate(bankUrl + "/account");
        assertThat(a.locator("#devices")).containsText("Alice's test phone");

        // A: sign out, then sign in with the code (§8.2, §8.3).
        a.getByText("Sign out").click();
        String terminalCode = startLogin(a);
        screenshot(a, "bank-login-code");

        Locator card = unlockNewestRequest();
        String phoneCode = card.locator(".code-digits").textContent();
        String terminalBrowser = UserAgents.parse((String) a.evaluate("navigator.userAgent")).name();
        assertThat(card.locator("[data-field=browser]")).containsText(terminalBrowser);
        assertThat(card.locator("[data-field=userId]")).hasText(user);
        screenshot(phonePage, "authenticator-code");
        assertThat(phoneCode).as("X.1280 §8.4: both screens show the same code").isEqualTo(terminalCode);

        card.locator("[data-decision=approve]").click();
        assertThat(card.locator(".outcome")).containsText("Approved");
        a.waitForURL("**/account");
        assertThat(a.locator("header")).containsText("Signed in as " + user);
        assertThat(a.locator(".flash")).containsText("Signed in with your authenticator");
        screenshot(a, "bank-signed-in");
        screenshot(phonePage, "authenticator-approved");
        a.getByText("Sign out").click();
        assertThat(a.locator("header")).not().containsText("Signed in as");
        a.close();
    }

    @Test
    void X1280_8_4_rejectedOnThePhoneRefusesTheTerminal() {
        phonePage = bed.enrolled(terminal, phone, user, PIN);
        Page a = terminal.newPage();
        String terminalCode = startLogin(a);

        // A wrong PIN first: only the verifier can tell, when the answer signed with it fails; it counts the
        // attempts (C-S3, X.1280 §9.2.3).
        Locator card = phonePage.locator("article.request:not(.closed)").first();
        assertThat(card).isVisible();
        card.locator("input.pin").fill("000000");
        card.getByText("Show code").click();
        card.locator("[data-decision=reject]").click();
        assertThat(card.locator(".outcome")).containsText("Wrong PIN. 4 attempts left");
        screenshot(phonePage, "authenticator-wrong-pin");

        card = unlockNewestRequest();
        assertThat(card.locator(".code-digits")).hasText(terminalCode);
        card.locator("[data-decision=reject]").click();
        assertThat(card.locator(".outcome")).containsText("Rejected");
        assertThat(a.locator("#status")).containsText("Sign-in refused");
        assertThat(a.locator("header")).not().containsText("Signed in as");
        screenshot(a, "bank-login-rejected");
        a.close();
    }

    @Test
    void X1280_9_1_relayedLoginShowsAnotherBrowserOnThePhone() {
        phonePage = bed.enrolled(terminal, phone, user, PIN);
        // The user's own terminal browser, as the phone would name it.
        Page own = terminal.newPage();
        String ownBrowser = UserAgents.parse((String) own.evaluate("navigator.userAgent")).name();
        own.close();

        // A phishing server relays the user's id to the bank from its own browser: the bank sees that browser, so
        // the offset (and the phone) names it, not the user's.
        BrowserContext phisher = browser.newContext(new Browser.NewContextOptions().setUserAgent(PHISHING_UA)
                .setViewportSize(1000, 900));
        Page c = phisher.newPage();
        startLogin(c);

        Locator card = unlockNewestRequest();
        Locator shownBrowser = card.locator("[data-field=browser]");
        assertThat(shownBrowser).containsText("Firefox 128.0");
        assertThat(shownBrowser.textContent()).doesNotContain(ownBrowser);
        screenshot(phonePage, "authenticator-phishing-browser");

        card.locator("[data-decision=codes_differ]").click();
        assertThat(card.locator(".outcome")).containsText("codes differed");
        Locator status = c.locator("#status");
        assertThat(status).containsText("Warning: the codes were reported as different");
        assertThat(status).hasClass(java.util.regex.Pattern.compile("danger"));
        screenshot(c, "bank-codes-differ-warning");
        phisher.close();
    }
}
