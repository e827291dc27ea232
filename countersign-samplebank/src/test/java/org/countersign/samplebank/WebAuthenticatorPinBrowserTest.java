package org.countersign.samplebank;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The web authenticator's PIN (X.1280 §9.2.3, threats §9.1.3/§9.1.4) and its request cards, in Chromium against the
 * sample bank: an honest user with the PIN signs in; a finished or cancelled request no longer shows its code;
 * the bank's Cancel frees the user at once; and a script that holds everything the browser stores (IndexedDB keys,
 * wrapped approval key, verification key) but not the PIN cannot get an answer accepted, while its guesses are
 * counted and locked by the verifier.
 */
@Tag("integration")
@Tag("browser")
class WebAuthenticatorPinBrowserTest {
    static final String PIN = "730512";
    static int users;

    static BankTestBed bed;
    // Each test has its own user, enrolment and contexts, so the tests run in any order.
    String user;
    BrowserContext terminal;
    BrowserContext phone;
    Page phonePage;

    @BeforeAll
    static void start() throws Exception {
        bed = BankTestBed.start("127.0.0.1");
        // Pushes cross the bank, the verifier, PostgreSQL NOTIFY and the phone's stream; on a loaded build machine
        // that can take longer than Playwright's 5 s default.
        com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
    }

    @BeforeEach
    void enrolledUser() {
        user = "pina" + (++users);
        terminal = bed.browser.newContext(new Browser.NewContextOptions().setViewportSize(1000, 900));
        phone = bed.browser.newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true)
                .setViewportSize(420, 900).setIsMobile(true).setHasTouch(true));
        phonePage = bed.enrolled(terminal, phone, user, PIN);
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

    String startLogin(Page page) {
        page.navigate(bed.bankUrl + "/");
        page.getByLabel("User id").fill(user);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Continue")).click();
        Locator code = page.locator("#code");
        assertThat(code).isVisible();
        return code.textContent().trim();
    }

    /** The open card of one request, unlocked with {@code pin}. */
    Locator unlock(String pin) {
        Locator open = phonePage.locator("article.request:not(.closed)").first();
        assertThat(open).isVisible();
        Locator card = phonePage.locator("article.request[data-request-id=\"" + open.getAttribute("data-request-id") + "\"]");
        card.locator("input.pin").fill(pin);
        card.getByText("Show code").click();
        assertThat(card.locator(".code-digits")).hasText(Pattern.compile("^\\d{6,10}$"));
        return card;
    }

    /** §15 of the review: the big digits of a finished request are gone. */
    void assertCodeGone(Locator card, String code) {
        assertThat(card).hasClass(Pattern.compile("closed"));
        assertThat(card.locator(".code-digits")).isHidden();
        assertThat(card.locator(".code-digits")).hasText("");
        assertThat(phonePage.locator(".code-digits:visible", new Page.LocatorOptions().setHasText(code))).hasCount(0);
    }

    @Test
    void X1280_9_2_3_honestUserWithThePinSignsIn_andTheAnsweredCodeIsNoLongerShown() {
        Page a = terminal.newPage();
        String terminalCode = startLogin(a);
        Locator card = unlock(PIN);
        assertThat(card.locator(".code-digits")).hasText(terminalCode);
        card.locator("[data-decision=approve]").click();
        assertThat(card.locator(".outcome")).containsText("Approved");
        a.waitForURL("**/account");
        assertThat(a.locator("header")).containsText("Signed in as " + user);
        assertCodeGone(card, terminalCode);
        a.getByText("Sign out").click();
        // Closing a page in the middle of the sign-out's redirect once hung Playwright: let the redirect land first.
        assertThat(a.locator("header")).not().containsText("Signed in as");
        a.close();
    }

    @Test
    void X1280_9_2_4_cancelOnTheBankWithdrawsTheRequestFromThePhoneAndARetryIsAllowed() {
        Page a = terminal.newPage();
        String first = startLogin(a);
        Locator card = unlock(PIN);
        assertThat(card.locator(".code-digits")).hasText(first);
        a.locator("#cancel button").click();
        assertThat(card.locator(".outcome")).containsText("Cancelled");
        assertCodeGone(card, first);
        // block policy: the user may start again at once. A page of its own: the cancelled one is still following
        // the bank's redirect, and a navigation of the same page now would race it.
        Page b = terminal.newPage();
        String second = startLogin(b);
        assertThat(second).matches("\\d{6,10}");
        Locator again = unlock(PIN);
        assertThat(again.locator(".code-digits")).hasText(second);
        again.locator("[data-decision=reject]").click();
        assertThat(again.locator(".outcome")).containsText("Rejected");
        assertCodeGone(again, second);
        b.close();
        a.close();
    }

    /**
     * The attacker runs script on the authenticator's origin (or opened a copy of the profile): it reads the whole
     * IndexedDB record — device key handle, verification key handle, wrapped approval key — and answers the
     * pending request itself, first with the device key alone, then guessing PINs.
     */
    @Test
    void X1280_9_2_3_scriptWithTheWholeBrowserStateButNotThePinCannotApprove_andGuessesLockAtTheServer() {
        Page a = terminal.newPage();
        startLogin(a);
        assertThat(phonePage.locator("article.request:not(.closed)").first()).isVisible();
        @SuppressWarnings("unchecked")
        List<String> results = (List<String>) phonePage.evaluate("""
                async (guesses) => {
                  const oob = await import('/authenticator/oob.js');
                  const db = await new Promise((ok, ko) => {
                    const r = indexedDB.open('countersign-authenticator', 1);
                    r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error);
                  });
                  const state = await new Promise((ok, ko) => {
                    const q = db.transaction('state').objectStore('state').get('enrolment');
                    q.onsuccess = () => ok(q.result); q.onerror = () => ko(q.error);
                  });
                  const path = '/v1/oob/authenticator/pending';
                  const q = await oob.signedQuery(state.keyPair.privateKey, 'GET', path, state.authenticatorId);
                  const req = (await (await fetch(path + '?' + q)).json()).requests[0];
                  const { code, offsetHash } = await oob.serverAuthCode(state.verificationKey, oob.b64uDecode(req.offset),
                    req.digits);
                  const out = [];
                  for (const guess of [null, ...guesses]) {
                    const st = { requestId: req.requestId, offsetHash, code, decision: 'approve', signedAt: Date.now() };
                    const body = { requestId: req.requestId, authenticatorId: state.authenticatorId, decision: 'approve',
                      code, offsetHash: oob.b64uEncode(offsetHash), signedAt: st.signedAt,
                      signature: oob.b64uEncode(await oob.signApproval(state.keyPair.privateKey, st)) };
                    if (guess) {
                      body.approvalSignature = oob.b64uEncode(
                        await oob.signApproval(await oob.approvalKeyFor(guess, state.approval), st));
                    }
                    const r = await fetch('/v1/oob/authenticator/responses', { method: 'POST',
                      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
                    const p = await r.json();
                    out.push(r.status + ' ' + String(p.type || p.status).split('/').pop()
                      + (p.attemptsLeft === undefined ? '' : ' ' + p.attemptsLeft));
                  }
                  return out;
                }""", List.of("111111", "222222", "333333", "444444", "555555"));
        assertThat(results).containsExactly("401 authenticator-signature-invalid",
                "403 authenticator-pin-invalid 4", "403 authenticator-pin-invalid 3", "403 authenticator-pin-invalid 2",
                "403 authenticator-pin-invalid 1", "403 authenticator-revoked");
        // The terminal was never signed in; the honest user's right PIN no longer helps: the verifier locked it.
        assertThat(a.locator("header")).not().containsText("Signed in as");
        Locator card = unlock(PIN);
        card.locator("[data-decision=approve]").click();
        assertThat(card.locator(".outcome")).containsText("did not accept");
        assertThat(phonePage.locator("#notice")).containsText("locked");
        assertThat(a.locator("header")).not().containsText("Signed in as");
        a.close();
    }
}
