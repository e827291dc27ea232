package org.countersign.samplebank;

import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.countersign.samplebank.VerifierClient.VerifierException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sample relying party (the "RP server" of X.1280 §7.3) built only on the verifier's public API. It shows the
 * flows a real bank would embed: enrol an authenticator (§8.1), sign in by comparing codes (§8.2 to §8.5), restrict
 * passwords (§9.2.1), release a lost device (§9.2.2) and take over renewed passwords (Annex A). This class wires the
 * web server; each group of pages is its own class ({@link OobSignIn}, {@link PasswordPages}, {@link AccountPages},
 * {@link PasskeyPages}) and the HTML lives in precompiled templates ({@link Pages}).
 */
public final class SampleBank implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SampleBank.class);

    /** Pages load nothing from elsewhere and run no inline script; QR codes are data: images. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /**
     * @param trustedProxy address of a reverse proxy in front of the bank whose {@code X-Forwarded-For} names the
     *                     terminal (X.1280 §8.3 terminal address); empty means the connection's peer is the terminal
     */
    public record Settings(String host, int port, boolean secureCookies, Optional<String> trustedProxy) {
        public Settings(String host, int port, boolean secureCookies) {
            this(host, port, secureCookies, Optional.empty());
        }

        public static Settings local(int port) {
            return new Settings("0.0.0.0", port, false);
        }
    }

    /**
     * Where the bank serves the verifier's WebAuthn helper ({@code /v1/local/webauthn.js}), the one copy of the
     * browser-side WebAuthn and base64url code; from the bank's own origin, so the CSP keeps {@code script-src 'self'}.
     */
    static final String WEBAUTHN_HELPER = "/verifier/webauthn.js";

    private final Javalin app;

    private SampleBank(VerifierClient verifier, Settings settings, Clock clock, String webauthnHelper) {
        SecureRandom random = new SecureRandom();
        Sessions sessions = new Sessions(random, clock, settings.secureCookies());
        Web web = new Web(verifier, new Accounts(random), sessions, new Pages());
        OobSignIn oob = new OobSignIn(web, settings.trustedProxy());
        PasswordPages passwords = new PasswordPages(web);
        AccountPages account = new AccountPages(web);
        PasskeyPages passkeys = new PasskeyPages(web);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.staticFiles.add(sf -> {
                sf.hostedPath = "/static";
                sf.directory = "/samplebank/static";
                sf.location = Location.CLASSPATH;
                sf.headers = Map.of("Content-Security-Policy", CSP, "X-Content-Type-Options", "nosniff",
                        "Cache-Control", "no-cache");
            });
            config.routes.before(ctx -> {
                ctx.header("Content-Security-Policy", CSP);
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Referrer-Policy", "no-referrer");
                ctx.header("Cache-Control", "no-store");
            });
            config.routes.get(WEBAUTHN_HELPER, ctx -> ctx.contentType("text/javascript; charset=utf-8")
                    .result(webauthnHelper));
            oob.register(config.routes);
            passwords.register(config.routes);
            account.register(config.routes);
            passkeys.register(config.routes);
            config.routes.post("/logout", ctx -> {
                if (web.requireCsrf(ctx)) {
                    sessions.signOut(ctx);
                    ctx.redirect("/", HttpStatus.SEE_OTHER);
                }
            });
            config.routes.exception(VerifierException.class, (e, ctx) -> {
                LOG.warn("verifier call failed: {}", e.getMessage());
                ctx.status(502).html(web.pages.message("The verifier did not answer", web.userOf(ctx),
                        web.session(ctx).csrf, "error", "The sign-in service is not available right now ("
                                + e.problem() + "). Please try again in a moment.", "/", "Back to the start page"));
            });
        });
    }

    public static SampleBank start(VerifierClient verifier, Settings settings, Clock clock) {
        verifier.enablePasswordRenewal(); // the bank implements C-S5: it stores the replacement password's hash
        SampleBank bank = new SampleBank(verifier, settings, clock, verifier.webauthnHelper());
        bank.app.start();
        return bank;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
