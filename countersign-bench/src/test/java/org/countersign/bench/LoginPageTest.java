package org.countersign.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page reading of the Keycloak browser-flow driver, on markup shaped like Keycloak's login theme and our step. */
class LoginPageTest {
    static final String LOGIN = """
            <form id="kc-form-login" class="pf-v5-c-form" onsubmit="login.disabled = true; return true;"
                  action="http://127.0.0.1:18880/realms/benchpwd/login-actions/authenticate?session_code=a-B_c&amp;execution=e1&amp;client_id=bench&amp;tab_id=T1&amp;client_data=eyJ9" method="post" novalidate="novalidate">
              <input id="username" name="username" value="" type="text" autocomplete="username" autofocus>
              <input id="password" name="password" type="password" autocomplete="current-password">
              <input type="checkbox" id="rememberMe" name="rememberMe">
              <input type="hidden" id="id-hidden-input" name="credentialId"/>
              <input type="hidden" name="opaque" value="a&quot;b&#39;c&#x3c;"/>
              <button class="pf-v5-c-button" name="login" id="kc-login" type="submit">Sign In</button>
              <input type="submit" name="alt" value="x">
            </form>
            <form id="other" action="/elsewhere" method="post"><input type="hidden" name="x" value="y"></form>
            """;

    static final String STEP = """
            <div id="countersign-oob" data-status-url="http://127.0.0.1:18880/realms/benchcs/countersign/oob/status?client_id=bench&amp;tab_id=T2"
                 data-cancel-url="http://127.0.0.1:18880/realms/benchcs/countersign/oob/cancel?client_id=bench&amp;tab_id=T2"
                 data-seconds-left="119">
              <div id="countersign-code" class="countersign-code" aria-live="polite">123456</div>
              <form id="countersign-form" action="http://127.0.0.1:18880/realms/benchcs/login-actions/authenticate?session_code=s&amp;execution=e2&amp;client_id=bench&amp;tab_id=T2" method="post">
                <input type="hidden" name="countersign" value="answered">
                <button id="countersign-cancel" type="submit" name="cancel" value="cancel">Cancel</button>
              </form>
            </div>
            """;

    @Test
    void loginFormActionIsDecodedAndOnlyFieldsAPlainSubmitSendsAreKept() {
        LoginPage.Form f = LoginPage.form(LOGIN, "kc-form-login").orElseThrow();
        assertThat(f.action()).isEqualTo("http://127.0.0.1:18880/realms/benchpwd/login-actions/authenticate"
                + "?session_code=a-B_c&execution=e1&client_id=bench&tab_id=T1&client_data=eyJ9");
        // No unchecked checkbox, no button, no submit input; a value-less hidden input is sent empty.
        assertThat(f.fields()).containsExactly(Map.entry("username", ""), Map.entry("password", ""),
                Map.entry("credentialId", ""), Map.entry("opaque", "a\"b'c<"));
        assertThat(f.body(Map.of("username", "user1", "password", "p&ss w"))).isEqualTo(
                "username=user1&password=p%26ss+w&credentialId=&opaque=a%22b%27c%3C");
    }

    @Test
    void theFormIsFoundByItsIdNotByPosition() {
        assertThat(LoginPage.form(LOGIN, "other").orElseThrow().fields()).containsExactly(Map.entry("x", "y"));
        assertThat(LoginPage.form(LOGIN, "missing")).isEmpty();
        assertThat(LoginPage.form(STEP, "kc-form-login")).isEmpty();
    }

    @Test
    void countersignStepPageGivesCodeStatusUrlAndAnsweredForm() {
        assertThat(LoginPage.text(STEP, "countersign-code")).contains("123456");
        assertThat(LoginPage.attribute(STEP, "countersign-oob", "data-status-url"))
                .contains("http://127.0.0.1:18880/realms/benchcs/countersign/oob/status?client_id=bench&tab_id=T2");
        LoginPage.Form f = LoginPage.form(STEP, "countersign-form").orElseThrow();
        // form.submit() from the script: the cancel button is not sent, so the step reads the verifier's result.
        assertThat(f.fields()).containsExactly(Map.entry("countersign", "answered"));
        assertThat(f.action()).endsWith("execution=e2&client_id=bench&tab_id=T2");
    }

    @Test
    void errorTextAndRedirectParameters() {
        String page = "<span id=\"input-error\" class=\"pf-v5-c-helper-text__item-text\" aria-live=\"polite\">\n"
                + "  Invalid username or password.</span>";
        assertThat(KeycloakBrowserLoad.errorText(page)).isEqualTo("Invalid username or password.");
        assertThat(KeycloakBrowserLoad.errorText("<p>nothing</p>")).isEmpty();
        String redirect = "http://127.0.0.1:9/callback?state=s1&session_state=x&iss=http%3A%2F%2F127.0.0.1%2Frealms%2Fb"
                + "&code=a.b%2Bc";
        assertThat(LoginPage.queryParameter(redirect, "code")).contains("a.b+c");
        assertThat(LoginPage.queryParameter(redirect, "state")).contains("s1");
        assertThat(LoginPage.queryParameter(redirect, "error")).isEmpty();
        assertThat(LoginPage.queryParameter("http://h/cb", "code")).isEmpty();
    }

    @Test
    void numericAndNamedReferencesAreDecoded() {
        assertThat(LoginPage.unescape("a&amp;b&lt;&gt;&#233;&#x41;&unknown;")).isEqualTo("a&b<>éA&unknown;");
    }

    @Test
    void loopbackIsTreatedAsASecureOriginForCookiesAsBrowsersDo() {
        assertThat(KeycloakBrowserLoad.LoopbackCookies.asSecureWhenLoopback(
                java.net.URI.create("http://127.0.0.1:18890/realms/b/login-actions/authenticate?x=1")))
                .hasToString("https://127.0.0.1:18890/realms/b/login-actions/authenticate");
        assertThat(KeycloakBrowserLoad.LoopbackCookies.asSecureWhenLoopback(java.net.URI.create("http://example.org/a")))
                .hasToString("http://example.org/a");
    }
}
