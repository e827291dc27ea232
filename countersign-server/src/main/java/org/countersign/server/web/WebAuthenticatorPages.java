package org.countersign.server.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.util.Map;
import org.countersign.server.http.ApiServer;

/**
 * Serves the web authenticator (X.1280 §8.1: the out-of-band authenticator the user installs) as static files at
 * {@code /authenticator/}. Static files bypass the API's routes, so they need no OpenAPI entries and no
 * credentials; the headers below replace the API defaults that would be wrong for pages.
 */
public final class WebAuthenticatorPages implements ApiServer.Routes {
    public static final String HOSTED_PATH = "/authenticator";

    /**
     * Only the verifier's own scripts, styles and API: no inline script, so injected markup cannot run, and no
     * framing, so a phishing page cannot overlay the Approve button.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; manifest-src 'self'; worker-src 'self'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Override
    public void accept(JavalinConfig config) {
        config.staticFiles.add(sf -> {
            sf.hostedPath = HOSTED_PATH;
            sf.directory = "/web/authenticator";
            sf.location = Location.CLASSPATH;
            sf.mimeTypes.add("application/manifest+json", "webmanifest");
            sf.mimeTypes.add("text/javascript; charset=utf-8", "js");
            sf.headers = Map.of(
                    "Content-Security-Policy", CONTENT_SECURITY_POLICY,
                    // The enrolment link carries a one-time code in its query: never send it on as a referrer.
                    "Referrer-Policy", "no-referrer",
                    // Revalidate instead of the API's no-store, so the installed app and its service worker update.
                    "Cache-Control", "no-cache",
                    "X-Content-Type-Options", "nosniff");
        });
    }
}
