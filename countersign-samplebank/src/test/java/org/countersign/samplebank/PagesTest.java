package org.countersign.samplebank;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The precompiled templates: every value escaped where it lands, no inline script (the CSP forbids it). */
class PagesTest {
    private final Pages pages = new Pages();
    private static final String HOSTILE = "<script>alert(1)</script>\"'&";

    @Test
    void valuesFromUsersAndTheVerifierAreEscapedInTextAndAttributes() {
        String html = pages.render("wait.jte", new Views.Frame("Compare the codes", HOSTILE, "tok\"en", List.of("/static/login.js")),
                new Views.Wait(HOSTILE, "123456", "2026-01-01T00:00:00Z", 60, null, "{\"challenge\":\"a\\\"b\"}"));
        assertThat(html).doesNotContain("<script>alert").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("data-options=\"{&#34;challenge&#34;:&#34;a\\&#34;b&#34;}\"")
                .contains("value=\"tok&#34;en\"")
                .contains("<script src=\"/static/login.js\" defer></script>")
                .contains("<p class=\"code\" id=\"code\" aria-labelledby=\"code-label\">123456</p>");
        assertThat(html.split("<script").length - 1).as("only the listed external script").isEqualTo(1);
    }

    @Test
    void formFieldsKeepTheirConstraintsAndOptionalPartsStayOut() {
        String html = pages.render("recover.jte", new Views.Frame("Recover your account", null, "t", List.of()),
                new Views.Form(null));
        assertThat(html).contains("<input id=\"recoveryCode\" name=\"recoveryCode\" type=\"text\" autocomplete=\"off\""
                + " required spellcheck=\"false\">")
                .contains("<input id=\"userId\" name=\"userId\" type=\"text\" autocomplete=\"username\" required"
                        + " maxlength=\"64\">")
                .doesNotContain("role=\"alert\"").doesNotContain("Signed in as");
        assertThat(pages.render("recover.jte", new Views.Frame("R", "alice", "t", List.of()), new Views.Form("Wrong code")))
                .contains("<p class=\"error\" role=\"alert\">Wrong code</p>").contains("Signed in as <strong>alice</strong>");
    }

    @Test
    void theAccountPageListsDevicesWithRevokeOnlyForActiveOnes() {
        String html = pages.render("account.jte", new Views.Frame("Your account", "alice", "t", List.of()),
                new Views.Account("Done.", null, false, List.of(
                        new Views.Device("a1", "Phone", "2026-01-01 10:00 UTC", "never", "active", true),
                        new Views.Device("a2", "Old", "2025-01-01 10:00 UTC", "never", "revoked", false)),
                        List.of(), true));
        assertThat(html).contains("<p class=\"flash\" role=\"status\">Done.</p>")
                .contains("action=\"/account/authenticators/a1/revoke\"").doesNotContain("authenticators/a2/revoke")
                .contains("<strong id=\"pw-state\">off</strong>").contains("name=\"disabled\" value=\"false\"")
                .contains("<p id=\"no-passkeys\">No passkey yet.</p>");
    }
}
