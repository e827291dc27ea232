package org.countersign.samplebank;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.nio.file.Files;
import java.nio.file.Path;
import org.countersign.server.Countersign;
import org.countersign.testkit.TestBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Passkeys on the sample bank (ISO/IEC 27553-1 local mode) in real headless Chromium with the DevTools virtual
 * authenticator, a platform authenticator with user verification. WebAuthn wants a real host name as RP id, so the
 * bank is opened on {@code http://localhost:PORT} and its tenant allows exactly that origin (the verifier derives
 * the RP id {@code localhost} from it). Screenshots go to target/screenshots/.
 */
@Tag("integration")
@Tag("browser")
class SampleBankPasskeyBrowserTest {
    static final Path SHOTS = Path.of("target", "screenshots");

    static BankTestBed bed;
    static Countersign node;
    static SampleBank bank;
    static String bankUrl;
    static Browser browser;
    static int users;

    BrowserContext context;
    Page page;
    CDPSession cdp;
    String authenticatorId;
    String user;

    @BeforeAll
    static void start() throws Exception {
        // WebAuthn needs a domain as RP id: the bank is opened at localhost and registered with that origin.
        bed = BankTestBed.start("localhost");
        node = bed.node;
        bank = bed.bank;
        bankUrl = bed.bankUrl;
        browser = bed.browser;
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    @BeforeEach
    void freshBrowserAndUser() {
        user = "pk-user-" + (++users);
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1000, 900));
        page = context.newPage();
        page.navigate(bankUrl + "/");
        cdp = context.newCDPSession(page);
        cdp.send("WebAuthn.enable");
        authenticatorId = TestBrowser.addPlatformAuthenticator(cdp);
    }

    @AfterEach
    void closeBrowser() {
        context.close();
    }

    void screenshot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
                .setPath(SHOTS.resolve("passkey-" + name + ".png")));
    }

    Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name);
    }

    /** Opens an account with a password, agrees to the privacy notice and registers a passkey; ends signed out. */
    void openAccountWithPasskey(boolean shots) {
        page.navigate(bankUrl + "/signup");
        page.getByLabel("User id").fill(user);
        page.getByLabel("Password (at least 10 characters)").fill("correct horse battery");
        page.getByRole(AriaRole.BUTTON, named("Open account")).click();
        assertThat(page.locator("header")).containsText("Signed in as " + user);
        assertThat(page.locator("#no-passkeys")).isVisible();

        page.getByRole(AriaRole.LINK, named("Add a passkey")).click();
        // 27553-1 10.2: the notice and its version come first; the box must be ticked.
        assertThat(page.locator("#privacy-notice")).containsText("What is processed");
        assertThat(page.locator("#notice-version")).not().isEmpty();
        if (shots) {
            screenshot("01-privacy-notice");
        }
        page.getByLabel("I have read this notice").check();
        page.getByRole(AriaRole.BUTTON, named("Agree and continue")).click();

        page.getByRole(AriaRole.BUTTON, named("Create a passkey")).click();
        page.waitForURL("**/account");
        assertThat(page.locator(".flash")).containsText("Passkey added");
        assertThat(page.locator("#passkeys")).containsText("active");
        if (shots) {
            screenshot("02-account-with-passkey");
        }
        page.getByRole(AriaRole.BUTTON, named("Sign out")).click();
        assertThat(page.locator("header")).not().containsText("Signed in as");
    }

    void signInWithPasskey() {
        page.navigate(bankUrl + "/");
        page.getByRole(AriaRole.LINK, named("Sign in with a passkey")).click();
        page.getByLabel("User id").fill(user);
        page.getByRole(AriaRole.BUTTON, named("Sign in with a passkey")).click();
    }

    @Test
    void registerThenSignInWithThePasskeyShowsTheAssuranceVector() {
        openAccountWithPasskey(true);
        signInWithPasskey();
        page.waitForURL("**/account");
        assertThat(page.locator("header")).containsText("Signed in as " + user);
        assertThat(page.locator(".flash")).containsText("Signed in with your passkey");
        // The verifier's assurance vector for a WebAuthn credential: nothing claimed that the browser did not say.
        assertThat(page.locator("#signed-in-with")).containsText("protection: unknown");
        assertThat(page.locator("#signed-in-with")).containsText("attestation: none");
        assertThat(page.locator("#signed-in-with")).containsText("user verified");
        screenshot("03-signed-in-with-passkey");
        // The verifier recorded the use.
        assertThat(page.locator("#passkeys tbody tr").first()).not().containsText("never");
    }

    @Test
    void withoutUserVerificationTheSignInIsRefusedWithAClearMessage() {
        openAccountWithPasskey(false);
        JsonObject p = new JsonObject();
        p.addProperty("authenticatorId", authenticatorId);
        p.addProperty("isUserVerified", false);
        cdp.send("WebAuthn.setUserVerified", p);
        signInWithPasskey();
        assertThat(page.locator("#passkey-error")).isVisible();
        assertThat(page.locator("#passkey-error")).containsText("You are not signed in.");
        assertThat(page.locator("#passkey-error")).containsText("fingerprint, face or screen");
        assertThat(page.locator("header")).not().containsText("Signed in as");
        screenshot("04-refused-without-user-verification");
        page.navigate(bankUrl + "/account");
        assertThat(page.locator("header")).not().containsText("Signed in as");
    }

    @Test
    void aPageThatLowersUserVerificationGetsAnAssertionTheVerifierRefuses() {
        openAccountWithPasskey(false);
        JsonObject p = new JsonObject();
        p.addProperty("authenticatorId", authenticatorId);
        p.addProperty("isUserVerified", false);
        cdp.send("WebAuthn.setUserVerified", p);
        // A tampered page asks the device for no user verification; the assertion it gets lacks the UV flag, and
        // the verifier (through the bank) refuses it.
        page.route("**/login/passkey/options", route -> {
            var fetched = route.fetch();
            String body = fetched.text().replace("\"userVerification\":\"required\"",
                    "\"userVerification\":\"discouraged\"");
            route.fulfill(new com.microsoft.playwright.Route.FulfillOptions().setResponse(fetched).setBody(body));
        });
        signInWithPasskey();
        assertThat(page.locator("#passkey-error")).containsText("Your device did not confirm that it checked your "
                + "fingerprint, face or screen lock. You are not signed in.");
        assertThat(page.locator("header")).not().containsText("Signed in as");
        screenshot("05-refused-by-the-verifier");
    }

    @Test
    void userWithoutAPasskeyIsToldWhatToDo() {
        signInWithPasskey();
        assertThat(page.locator("#passkey-error")).containsText("No passkey is set up for this user id");
        assertThat(page.locator("header")).not().containsText("Signed in as");
    }
}
