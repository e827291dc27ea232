package org.countersign.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.countersign.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The web authenticator's files are served with page types and a strict CSP, not the API's JSON defaults. */
@Tag("integration")
class WebAuthenticatorPagesTest {
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

    @Test
    void indexIsHtmlWithAStrictContentSecurityPolicy() throws Exception {
        TestServer.Response r = server.get("/authenticator/", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/html");
        assertThat(r.body()).contains("<title>Countersign authenticator</title>");
        assertThat(r.header("Content-Security-Policy")).contains("script-src 'self'").doesNotContain("unsafe-inline");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        // No inline script or handler: the CSP above would block them.
        assertThat(r.body()).doesNotContainPattern("(?i)\\son[a-z]+=").doesNotContainPattern("<script>");
    }

    @Test
    void scriptsManifestAndIconHaveTheirTypes() throws Exception {
        assertThat(server.get("/authenticator/app.js", null).contentType()).contains("javascript");
        assertThat(server.get("/authenticator/oob.js", null).contentType()).contains("javascript");
        assertThat(server.get("/authenticator/sw.js", null).contentType()).contains("javascript");
        assertThat(server.get("/authenticator/style.css", null).contentType()).startsWith("text/css");
        assertThat(server.get("/authenticator/manifest.webmanifest", null).contentType())
                .startsWith("application/manifest+json");
        assertThat(server.get("/authenticator/icon.svg", null).contentType()).startsWith("image/svg+xml");
    }

    @Test
    void unknownFilesAreProblems() throws Exception {
        assertThat(server.get("/authenticator/nope.js", null).status()).isEqualTo(404);
    }
}
