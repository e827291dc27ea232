package org.countersign.server.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.countersign.server.http.Access;
import org.countersign.server.http.ApiServer;

/**
 * The verifier's own small pages: a landing page at {@code /} that links the API reference, health, the web
 * authenticator and the capture page, and the readable API reference at {@code /docs/api}. Like every page the
 * verifier serves they run under a strict Content-Security-Policy: only the verifier's own files, no inline script
 * or style, no framing.
 */
public final class SitePages implements ApiServer.Routes {
    /** Policy of these pages: scripts, styles and fetches from the verifier itself; nothing inline; no framing. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final String landing = resource("web/site/index.html");
    private final String apiDocs = resource("web/site/api-docs.html");

    @Override
    public void accept(JavalinConfig config) {
        config.routes.get("/", ctx -> page(ctx, landing), Access.PUBLIC);
        config.routes.get("/docs/api", ctx -> page(ctx, apiDocs), Access.PUBLIC);
        config.staticFiles.add(sf -> {
            sf.hostedPath = "/site";
            sf.directory = "/web/site";
            sf.location = Location.CLASSPATH;
            sf.mimeTypes.add("text/javascript; charset=utf-8", "js");
            sf.headers = Map.of("Content-Security-Policy", CONTENT_SECURITY_POLICY, "Cache-Control", "no-cache",
                    "X-Content-Type-Options", "nosniff");
        });
    }

    private static void page(Context ctx, String html) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.contentType("text/html; charset=utf-8").result(html);
    }

    private static String resource(String name) {
        try (InputStream in = SitePages.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
