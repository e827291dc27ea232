package org.countersign.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.countersign.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every page the verifier serves carries a strict Content-Security-Policy (injected markup cannot run a script,
 * no page can be framed under a phishing overlay) and holds no inline script, style or handler that such a policy
 * would have to allow; API answers carry a policy that forbids everything.
 */
@Tag("integration")
class PageSecurityHeadersTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.onPostgres(c -> c);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static List<String> pages() {
        return List.of("/", "/docs/api", "/authenticator/", "/capture/index.html");
    }

    @ParameterizedTest
    @MethodSource("pages")
    void everyPageHasAStrictPolicyAndNothingInline(String path) throws Exception {
        TestServer.Response r = server.get(path, null);
        assertThat(r.status()).as(path).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/html");
        String csp = r.header("Content-Security-Policy");
        assertThat(csp).as(path).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'",
                "base-uri 'none'").doesNotContain("unsafe-inline", "unsafe-eval", "*");
        assertThat(r.body()).as(path).doesNotContainPattern("(?i)<script(?![^>]*\\ssrc=)[^>]*>")
                .doesNotContainPattern("(?i)<style").doesNotContainPattern("(?i)\\son[a-z]+=")
                .doesNotContainPattern("(?i)\\sstyle=");
    }

    @ParameterizedTest
    @MethodSource("pages")
    void pagesLinkTheirScriptsAndStylesFromTheVerifier(String path) throws Exception {
        String body = server.get(path, null).body();
        // Scripts, styles, images and other subresources come from the verifier; plain links may point elsewhere.
        assertThat(body).doesNotContainPattern("(?i)<(script|link|img|iframe|object|embed)[^>]*\\s(src|href)=\"(https?:)?//");
    }

    @Test
    void apiAnswersForbidEverything() throws Exception {
        TestServer.Response r = server.get("/health", null);
        assertThat(r.header("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
    }

    @Test
    void landingPageLinksDocsHealthAuthenticatorAndCapture() throws Exception {
        assertThat(server.get("/", null).body()).contains("href=\"/docs/api\"", "href=\"/health\"",
                "href=\"/authenticator/\"", "href=\"/capture/index.html\"");
        assertThat(server.get("/docs/api", null).body()).contains("src=\"/site/api-docs.js\"");
        assertThat(server.get("/site/api-docs.js", null).contentType()).contains("javascript");
    }
}
