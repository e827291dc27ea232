package org.countersign.samplebank;

import static org.countersign.samplebank.Html.alert;
import static org.countersign.samplebank.Html.csrfField;
import static org.countersign.samplebank.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.countersign.samplebank.Accounts.Account;
import org.countersign.samplebank.Sessions.PendingLogin;
import org.countersign.samplebank.Sessions.Session;
import org.countersign.samplebank.VerifierClient.VerifierException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sample relying party (the "RP server" of X.1280 §7.3) built only on the verifier's public API. It shows the
 * flows a real bank would embed: enrol an authenticator (§8.1), sign in by comparing codes (§8.2 to §8.5), restrict
 * passwords (§9.2.1), release a lost device (§9.2.2) and take over renewed passwords (Annex A).
 */
public final class SampleBank implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SampleBank.class);
    private static final ObjectMapper JSON = new ObjectMapper();

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

    private final VerifierClient verifier;
    private final Accounts accounts;
    private final Sessions sessions;
    private final Clock clock;
    private final Javalin app;
    private final Optional<String> trustedProxy;

    private SampleBank(VerifierClient verifier, Settings settings, Clock clock) {
        SecureRandom random = new SecureRandom();
        this.verifier = verifier;
        this.clock = clock;
        this.trustedProxy = settings.trustedProxy();
        this.accounts = new Accounts(random);
        this.sessions = new Sessions(random, clock, settings.secureCookies());
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
            config.routes.get("/", this::home);
            config.routes.post("/login", this::startLogin);
            config.routes.get("/login/wait", this::waitPage);
            config.routes.get("/login/status", this::loginStatus);
            config.routes.get("/login/check", this::loginCheck);
            config.routes.post("/login/cancel", this::cancelLogin);
            config.routes.post("/login/bind", this::bindTerminal);
            config.routes.get("/password", ctx -> passwordPage(ctx, null));
            config.routes.post("/password", this::passwordLogin);
            config.routes.get("/signup", ctx -> signupPage(ctx, null));
            config.routes.post("/signup", this::signup);
            config.routes.get("/recover", ctx -> recoverPage(ctx, null));
            config.routes.post("/recover", this::recover);
            config.routes.get("/account", this::account);
            config.routes.post("/account/enrol", this::enrol);
            config.routes.post("/account/authenticators/{id}/revoke", this::revoke);
            config.routes.post("/account/password-login", this::passwordLoginSetting);
            config.routes.post("/account/password", this::changePassword);
            config.routes.post("/account/release", this::release);
            config.routes.get("/account/passkeys/new", this::newPasskeyPage);
            config.routes.post("/account/passkeys/consent", this::passkeyConsent);
            config.routes.post("/account/passkeys/options", this::passkeyRegistrationOptions);
            config.routes.post("/account/passkeys/finish", this::passkeyRegistrationFinish);
            config.routes.get("/login/passkey", this::passkeyLoginPage);
            config.routes.post("/login/passkey/options", this::passkeyLoginOptions);
            config.routes.post("/login/passkey/finish", this::passkeyLoginFinish);
            config.routes.post("/logout", ctx -> {
                if (requireCsrf(ctx)) {
                    sessions.signOut(ctx);
                    ctx.redirect("/", HttpStatus.SEE_OTHER);
                }
            });
            config.routes.exception(VerifierException.class, (e, ctx) -> {
                LOG.warn("verifier call failed: {}", e.getMessage());
                ctx.status(502).html(Html.page("The verifier did not answer", userOf(ctx), session(ctx).csrf,
                        alert("error", "The sign-in service is not available right now (" + e.problem()
                                + "). Please try again in a moment.") + "<p><a href=\"/\">Back to the start page</a></p>"));
            });
        });
    }

    public static SampleBank start(VerifierClient verifier, Settings settings, Clock clock) {
        verifier.enablePasswordRenewal(); // the bank implements C-S5: it stores the replacement password's hash
        SampleBank bank = new SampleBank(verifier, settings, clock);
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

    // ------------------------------------------------------------------ helpers

    private Session session(Context ctx) {
        return sessions.of(ctx);
    }

    private String userOf(Context ctx) {
        return session(ctx).userId;
    }

    private boolean requireCsrf(Context ctx) {
        if (sessions.csrfValid(ctx)) {
            return true;
        }
        ctx.status(403).html(Html.page("Form expired", userOf(ctx), session(ctx).csrf,
                alert("error", "This form was too old or did not come from this site. Please try again.")
                        + "<p><a href=\"/\">Back to the start page</a></p>"));
        return false;
    }

    private Optional<Session> requireUser(Context ctx) {
        Session s = session(ctx);
        if (s.userId == null) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    private void render(Context ctx, String title, String body, String... scripts) {
        Session s = session(ctx);
        ctx.html(Html.page(title, s.userId, s.csrf, body, scripts));
    }

    private String takeFlash(Session s) {
        String f = s.flash;
        s.flash = null;
        return f == null ? "" : "<p class=\"flash\" role=\"status\">" + esc(f) + "</p>";
    }

    private static String field(String id, String label, String type, String extra) {
        return "<div class=\"field\"><label for=\"" + id + "\">" + label + "</label><input id=\"" + id + "\" name=\""
                + id + "\" type=\"" + type + "\" " + extra + "></div>";
    }

    /** ISO instants as "2026-11-23 10:31 UTC"; anything unparsable is shown as it came. */
    static String readableTime(String iso) {
        try {
            return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                    .withZone(java.time.ZoneOffset.UTC).format(Instant.parse(iso));
        } catch (RuntimeException e) {
            return iso;
        }
    }

    /** An IP literal as the offset wants it: no brackets, no zone id. */
    static String ipLiteral(String address) {
        String a = address == null ? "" : address;
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        int zone = a.indexOf('%');
        return zone >= 0 ? a.substring(0, zone) : a;
    }

    // ------------------------------------------------------------------ sign-in with server authentication

    private void home(Context ctx) {
        Session s = session(ctx);
        if (s.userId != null) {
            ctx.redirect("/account", HttpStatus.SEE_OTHER);
            return;
        }
        loginPage(ctx, null);
    }

    private void loginPage(Context ctx, String error) {
        Session s = session(ctx);
        render(ctx, "Sign in", takeFlash(s) + (error == null ? "" : alert("error", error))
                + "<p>Type your user id. Your authenticator will show a code: check that it is the same as the code "
                + "this page shows before you approve.</p>"
                + "<form method=\"post\" action=\"/login\" class=\"card\">" + csrfField(s.csrf)
                + field("userId", "User id", "text", "autocomplete=\"username\" required maxlength=\"64\"")
                + "<button type=\"submit\" class=\"primary\">Continue</button></form>"
                + "<ul class=\"links\"><li><a href=\"/login/passkey\">Sign in with a passkey</a></li>"
                + "<li><a href=\"/password\">Sign in with a password</a></li>"
                + "<li><a href=\"/signup\">Open an account</a></li>"
                + "<li><a href=\"/recover\">Lost your phone? Use a recovery code</a></li></ul>");
    }

    private void startLogin(Context ctx) {
        if (!requireCsrf(ctx)) {
            return;
        }
        Session s = session(ctx);
        String userId = ctx.formParam("userId");
        userId = userId == null ? "" : userId.trim();
        if (!Accounts.validUserId(userId)) {
            loginPage(ctx, "A user id has 1 to 64 letters, digits or . _ @ -");
            return;
        }
        // The offset (X.1280 §8.3): what this bank sees of the request. A phishing server relaying the login shows
        // up with its own address and browser here, and the phone displays them.
        UserAgents.Browser browser = UserAgents.parse(ctx.userAgent());
        VerifierClient.OffsetFields offset = new VerifierClient.OffsetFields(userId,
                ipLiteral(ctx.req().getLocalAddr()), s.publicId, terminalAddress(ctx), Optional.empty(),
                browser.name(), browser.version());
        JsonNode r;
        try {
            r = createRequest(offset);
        } catch (VerifierException e) {
            loginPage(ctx, switch (e.problem()) {
                case "no-authenticator" -> "No authenticator is set up for this user id. Sign in with your password, "
                        + "then set one up on your account page.";
                // C-S4 (X.1280 §9.2.4): a second request while one is shown could trick the user into approving it.
                case "oob-request-pending" -> "Another sign-in for this user id is already waiting on the "
                        + "authenticator. Answer it or let it expire, then try again.";
                default -> e.status() == 404 ? "No authenticator is set up for this user id."
                        : "The sign-in service refused the request (" + e.problem() + ").";
            });
            return;
        }
        s.terminalBinding = r.path("webauthn").isObject() ? r.get("webauthn") : null;
        s.pending = new PendingLogin(r.path("requestId").asText(), userId, r.path("code").asText(null),
                r.hasNonNull("expiresAt") ? Instant.parse(r.path("expiresAt").asText()) : null,
                r.path("validitySeconds").asInt(60), r.path("qrPayload").asText(null), r.path("status").asText("pending"));
        ctx.redirect("/login/wait", HttpStatus.SEE_OTHER);
    }

    private void waitPage(Context ctx) {
        Session s = session(ctx);
        PendingLogin p = s.pending;
        if (p == null) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return;
        }
        StringBuilder b = new StringBuilder();
        b.append("<section id=\"oob\" class=\"card\" data-expires-at=\"").append(p.expiresAt() == null ? "" : p.expiresAt())
                .append("\" data-validity=\"").append(p.validitySeconds()).append("\">");
        if (p.code() == null) {
            b.append("<p>Another sign-in for this account is in front of this one. Its code appears on your "
                    + "authenticator when it is its turn.</p>");
        } else {
            b.append("<p class=\"code-label\" id=\"code-label\">Code for <strong>").append(esc(p.userId()))
                    .append("</strong></p>")
                    .append("<p class=\"code\" id=\"code\" aria-labelledby=\"code-label\">").append(esc(p.code())).append("</p>")
                    .append("<p class=\"timer\"><span id=\"countdown\" role=\"timer\">")
                    .append(p.validitySeconds()).append(" s left</span></p>")
                    .append("<progress id=\"time-bar\" max=\"100\" value=\"100\" aria-hidden=\"true\"></progress>")
                    .append("<p id=\"countdown-announce\" class=\"sr-only\" aria-live=\"polite\" aria-atomic=\"true\"></p>");
            if (p.qrPayload() != null) {
                b.append("<figure class=\"qr\"><img alt=\"QR code of the same sign-in code, for scanning with the "
                        + "authenticator\" width=\"180\" height=\"180\" src=\"data:image/png;base64,")
                        .append(qrPng(p.qrPayload(), 180)).append("\"><figcaption>Or scan this with your "
                        + "authenticator.</figcaption></figure>");
            }
        }
        if (s.terminalBinding != null) {
            // X.1280 §9.1.1: this browser confirms the sign-in with the user's passkey over the offset hash; a page
            // on any other origin cannot make that assertion, so a relayed sign-in can never be approved.
            b.append("<div id=\"bind\" class=\"notice\" data-csrf=\"").append(esc(s.csrf)).append("\" data-options=\"")
                    .append(esc(s.terminalBinding.toString())).append("\"><p>Confirm with your passkey on this "
                    + "computer too: it proves this page is really the bank's.</p><p id=\"bind-status\" role=\"status\">"
                    + "</p><button type=\"button\" id=\"bind-button\">Confirm with passkey</button></div>");
        }
        b.append("<ol class=\"steps\"><li>Open your authenticator and enter its PIN.</li>"
                + "<li>Check that it shows <strong>the same code</strong>, and your own browser and address.</li>"
                + "<li>Approve only if everything matches. If the codes differ, press <em>Codes differ</em>.</li></ol>")
                .append("<p id=\"status\" class=\"status\" role=\"status\" aria-live=\"polite\">Waiting for your "
                        + "authenticator…</p>")
                .append("<noscript><p><a href=\"/login/check\">I have answered on my authenticator</a></p></noscript>")
                .append("<form method=\"post\" action=\"/login/cancel\" id=\"cancel\">").append(csrfField(s.csrf))
                .append("<button type=\"submit\">Cancel</button></form></section>");
        if (s.terminalBinding != null) {
            render(ctx, "Compare the codes", b.toString(), "login.js", "bind.js");
        } else {
            render(ctx, "Compare the codes", b.toString(), "login.js");
        }
    }

    /** One long-poll of the verifier for this session's pending login; applies the result to the session. */
    private ObjectNode pollPending(Context ctx, int waitSeconds) {
        Session s = session(ctx);
        PendingLogin p = s.pending;
        ObjectNode out = JSON.createObjectNode();
        if (p == null) {
            return out.put("status", s.userId != null ? "approved" : "none").put("next", s.userId != null ? "/account" : "/");
        }
        JsonNode r = verifier.request(p.requestId(), waitSeconds);
        String status = r.path("status").asText("pending");
        if (s.pending != p) {
            // Cancelled or answered by a parallel poll meanwhile.
            return out.put("status", "none").put("next", "/");
        }
        switch (status) {
            case "approved" -> {
                if (!p.userId().equals(r.path("userId").asText(p.userId()))) {
                    s.pending = null;
                    return out.put("status", "error").put("message", "The verifier answered for another user.");
                }
                Account account = accounts.get(p.userId()).orElseGet(() -> accounts.open(p.userId(), randomPassword())
                        .orElseGet(() -> accounts.get(p.userId()).orElseThrow()));
                String replacement = r.path("replacementPassword").asText(null);
                if (replacement != null && !replacement.isEmpty()) {
                    // C-S5 (X.1280 Annex A): the verifier renewed the password; only its hash is kept here.
                    accounts.setPassword(account, replacement, true);
                }
                Session fresh = sessions.signIn(ctx, p.userId());
                fresh.flash = "Signed in with your authenticator"
                        + (r.hasNonNull("deviceName") ? " (" + r.path("deviceName").asText() + ")" : "") + ".";
                return out.put("status", "approved").put("next", "/account");
            }
            case "rejected" -> {
                s.pending = null;
                return out.put("status", status).put("message",
                        "Sign-in refused: it was rejected on the authenticator. Nobody was signed in.");
            }
            case "codes_differ" -> {
                s.pending = null;
                return out.put("status", status).put("message",
                        "Warning: the codes were reported as different. This sign-in was refused. If this page is not "
                                + "the bank's address you typed yourself, close it: it may be a fake site relaying your "
                                + "sign-in. Never approve a code that differs.");
            }
            case "expired" -> {
                s.pending = null;
                return out.put("status", status).put("message",
                        "The code expired before it was approved. Nobody was signed in. You can start again.");
            }
            default -> {
                return out.put("status", status);
            }
        }
    }

    private void loginStatus(Context ctx) {
        ctx.contentType("application/json").result(pollPending(ctx, 25).toString());
    }

    /** The same for browsers without JavaScript: wait, then show the outcome as a page. */
    private void loginCheck(Context ctx) {
        ObjectNode r = pollPending(ctx, 25);
        String status = r.path("status").asText();
        switch (status) {
            case "approved", "none" -> ctx.redirect(r.path("next").asText("/"), HttpStatus.SEE_OTHER);
            case "pending", "queued" -> ctx.redirect("/login/wait", HttpStatus.SEE_OTHER);
            default -> render(ctx, "Sign-in refused", alert("error", r.path("message").asText())
                    + "<p><a href=\"/\">Start again</a></p>");
        }
    }

    /**
     * Relay-proof sign-in (X.1280 §9.1.1): users with a passkey get a webauthn-bound request, so approval also needs
     * an assertion made on this bank's origin. Users without one (the verifier answers 409) get a plain request.
     */
    private JsonNode createRequest(VerifierClient.OffsetFields offset) {
        try {
            return verifier.createBoundRequest(offset);
        } catch (VerifierException e) {
            if (e.status() == 409 && "conflict".equals(e.problem())) {
                return verifier.createRequest(offset);
            }
            throw e;
        }
    }

    /** The terminal's address: the peer, or the first X-Forwarded-For entry when the peer is the trusted proxy. */
    private String terminalAddress(Context ctx) {
        String peer = ipLiteral(ctx.req().getRemoteAddr());
        String forwarded = ctx.header("X-Forwarded-For");
        if (trustedProxy.isPresent() && trustedProxy.get().equals(peer) && forwarded != null && !forwarded.isBlank()) {
            return ipLiteral(forwarded.split(",")[0].strip());
        }
        return peer;
    }

    /** The wait page's script posts the passkey assertion made over the offset hash; the verifier checks it. */
    private void bindTerminal(Context ctx) {
        Optional<Session> maybe = jsonCaller(ctx, false);
        if (maybe.isEmpty()) {
            return;
        }
        Session s = maybe.get();
        JsonNode webauthn = webauthnOf(ctx);
        if (s.pending == null || s.terminalBinding == null || webauthn == null) {
            jsonResult(ctx, 400, Map.of("message", "No sign-in is waiting for a passkey confirmation."));
            return;
        }
        try {
            verifier.bindTerminal(s.pending.requestId(), webauthn);
        } catch (VerifierException e) {
            if (e.status() / 100 != 4) {
                throw e;
            }
            LOG.info("terminal binding refused: {}", e.getMessage());
            jsonResult(ctx, 403, Map.of("message", "Your passkey confirmation was refused (" + e.problem()
                    + "). Do not approve this sign-in on your authenticator."));
            return;
        }
        jsonResult(ctx, 200, Map.of("message", "Confirmed with your passkey. Now approve on your authenticator."));
    }

    private void cancelLogin(Context ctx) {
        if (requireCsrf(ctx)) {
            Session s = session(ctx);
            PendingLogin p = s.pending;
            s.pending = null;
            if (p != null) {
                try {
                    // Tell the verifier too, so the phone stops offering it and a new sign-in is not blocked.
                    verifier.cancelRequest(p.requestId());
                } catch (VerifierException e) {
                    // Already decided or expired meanwhile: nothing left to withdraw.
                    LOG.info("cancelling login {}: {}", p.requestId(), e.getMessage());
                }
            }
            ctx.redirect("/", HttpStatus.SEE_OTHER);
        }
    }

    // ------------------------------------------------------------------ passwords (C-S1, C-S5)

    private void passwordPage(Context ctx, String error) {
        Session s = session(ctx);
        render(ctx, "Sign in with a password", (error == null ? "" : alert("error", error))
                + "<form method=\"post\" action=\"/password\" class=\"card\">" + csrfField(s.csrf)
                + field("userId", "User id", "text", "autocomplete=\"username\" required maxlength=\"64\"")
                + field("password", "Password", "password", "autocomplete=\"current-password\" required")
                + "<button type=\"submit\" class=\"primary\">Sign in</button></form>"
                + "<p><a href=\"/\">Sign in with your authenticator instead</a></p>");
    }

    private void passwordLogin(Context ctx) {
        if (!requireCsrf(ctx)) {
            return;
        }
        String userId = String.valueOf(ctx.formParam("userId")).trim();
        String password = ctx.formParam("password");
        if (!Accounts.validUserId(userId) || password == null) {
            passwordPage(ctx, "Wrong user id or password.");
            return;
        }
        // C-S1 (X.1280 §9.2.1): once the user relies on an authenticator the bank may refuse passwords altogether,
        // so a phished password alone is useless.
        if (verifier.passwordLoginDisabled(userId)) {
            passwordPage(ctx, "Password sign-in is turned off for this account. Sign in with your authenticator.");
            return;
        }
        if (!accounts.checkPassword(userId, password)) {
            passwordPage(ctx, "Wrong user id or password.");
            return;
        }
        sessions.signIn(ctx, userId).flash = "Signed in with your password.";
        ctx.redirect("/account", HttpStatus.SEE_OTHER);
    }

    private void signupPage(Context ctx, String error) {
        Session s = session(ctx);
        render(ctx, "Open an account", (error == null ? "" : alert("error", error))
                + "<p>In a real bank this step checks who you are. Here any new user id will do.</p>"
                + "<form method=\"post\" action=\"/signup\" class=\"card\">" + csrfField(s.csrf)
                + field("userId", "User id", "text", "autocomplete=\"username\" required maxlength=\"64\"")
                + field("password", "Password (at least 10 characters)", "password", "autocomplete=\"new-password\" required minlength=\"10\"")
                + "<button type=\"submit\" class=\"primary\">Open account</button></form>");
    }

    private void signup(Context ctx) {
        if (!requireCsrf(ctx)) {
            return;
        }
        String userId = String.valueOf(ctx.formParam("userId")).trim();
        String password = ctx.formParam("password");
        if (!Accounts.validUserId(userId)) {
            signupPage(ctx, "A user id has 1 to 64 letters, digits or . _ @ -");
            return;
        }
        if (password == null || password.length() < 10) {
            signupPage(ctx, "The password needs at least 10 characters.");
            return;
        }
        if (accounts.open(userId, password).isEmpty()) {
            signupPage(ctx, "That user id is taken.");
            return;
        }
        sessions.signIn(ctx, userId).flash = "Account opened. Set up an authenticator below to sign in without a password.";
        ctx.redirect("/account", HttpStatus.SEE_OTHER);
    }

    // ------------------------------------------------------------------ account page

    private void account(Context ctx) {
        Optional<Session> maybe = requireUser(ctx);
        if (maybe.isEmpty()) {
            return;
        }
        Session s = maybe.get();
        String user = s.userId;
        StringBuilder b = new StringBuilder(takeFlash(s));
        if (s.signedInWith != null) {
            b.append("<p class=\"note\" id=\"signed-in-with\">").append(esc(s.signedInWith)).append("</p>");
        }
        accounts.get(user).filter(a -> a.passwordRenewed).ifPresent(a -> b.append("<p class=\"note\">After your last "
                + "sign-in with the authenticator your password was replaced by a random one (automatic password "
                + "renewal). Use the authenticator, or set a new password below.</p>"));

        b.append("<section class=\"card\" aria-labelledby=\"devices-title\"><h2 id=\"devices-title\">Authenticators</h2>");
        JsonNode list;
        try {
            list = verifier.authenticators(user).path("authenticators");
        } catch (VerifierException e) {
            if (e.status() != 404) {
                throw e;
            }
            list = JSON.createArrayNode();
        }
        if (list.isEmpty()) {
            b.append("<p id=\"no-devices\">No authenticator yet.</p>");
        } else {
            b.append("<table id=\"devices\"><thead><tr><th scope=\"col\">Device</th><th scope=\"col\">Added</th>"
                    + "<th scope=\"col\">Last used</th><th scope=\"col\">Status</th><th scope=\"col\"><span class=\"sr-only\">"
                    + "Actions</span></th></tr></thead><tbody>");
            for (JsonNode a : list) {
                String id = a.path("authenticatorId").asText();
                boolean active = "active".equals(a.path("status").asText());
                b.append("<tr><td>").append(esc(a.path("deviceName").asText())).append("</td><td>")
                        .append(esc(readableTime(a.path("createdAt").asText()))).append("</td><td>")
                        .append(esc(a.hasNonNull("lastUsedAt") ? readableTime(a.path("lastUsedAt").asText()) : "never")).append("</td><td>")
                        .append(esc(a.path("status").asText())).append("</td><td>");
                if (active) {
                    b.append("<form method=\"post\" action=\"/account/authenticators/").append(esc(id)).append("/revoke\">")
                            .append(csrfField(s.csrf)).append("<button type=\"submit\" class=\"danger\" aria-label=\"Revoke ")
                            .append(esc(a.path("deviceName").asText())).append("\">Revoke</button></form>");
                }
                b.append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        b.append("<form method=\"post\" action=\"/account/enrol\">").append(csrfField(s.csrf))
                .append("<button type=\"submit\" class=\"primary\" id=\"enrol\">Set up a new authenticator</button></form>")
                .append("</section>");

        passkeySection(b, s);

        boolean disabled;
        try {
            disabled = verifier.passwordLoginDisabled(user);
        } catch (VerifierException e) {
            disabled = false;
        }
        b.append("<section class=\"card\" aria-labelledby=\"pw-title\"><h2 id=\"pw-title\">Password sign-in</h2>")
                .append("<p>Password sign-in is <strong id=\"pw-state\">").append(disabled ? "off" : "on").append("</strong>.")
                .append(" Turning it off means only your authenticator can sign you in.</p>")
                .append("<form method=\"post\" action=\"/account/password-login\">").append(csrfField(s.csrf))
                .append("<input type=\"hidden\" name=\"disabled\" value=\"").append(!disabled).append("\">")
                .append("<button type=\"submit\">").append(disabled ? "Allow password sign-in" : "Turn password sign-in off")
                .append("</button></form>")
                .append("<form method=\"post\" action=\"/account/password\" class=\"stack\">").append(csrfField(s.csrf))
                .append(field("newPassword", "New password (at least 10 characters)", "password",
                        "autocomplete=\"new-password\" required minlength=\"10\""))
                .append("<button type=\"submit\">Set password</button></form></section>");

        b.append("<section class=\"card\" aria-labelledby=\"release-title\"><h2 id=\"release-title\">Lost a device?</h2>")
                .append("<p>Releasing revokes every authenticator of this account at once. You then set up a new one.</p>")
                .append("<form method=\"post\" action=\"/account/release\">").append(csrfField(s.csrf))
                .append("<button type=\"submit\" class=\"danger\">Release all authenticators</button></form></section>");
        render(ctx, "Your account", b.toString());
    }

    private void enrol(Context ctx) {
        if (!requireCsrf(ctx)) {
            return;
        }
        Optional<Session> maybe = requireUser(ctx);
        if (maybe.isEmpty()) {
            return;
        }
        // C-F1 (X.1280 §8.1): the user is signed in here (identity proven to the bank), so the bank asks the
        // verifier for registration information and hands it over by QR code or link.
        JsonNode e = verifier.createEnrolment(maybe.get().userId);
        String uri = e.path("enrolmentUri").asText();
        StringBuilder b = new StringBuilder("<section class=\"card\" id=\"enrolment\">")
                .append("<p>On the device you want to use, scan this QR code or open the link. Then choose a device "
                        + "name and a PIN there.</p>");
        // The verifier's own QR picture when it sends one; otherwise the bank draws the same link.
        String qr = e.hasNonNull("qrPngBase64") ? e.path("qrPngBase64").asText() : qrPng(uri, 220);
        b.append("<figure class=\"qr\"><img id=\"enrol-qr\" width=\"220\" height=\"220\" alt=\"QR code of the "
                + "enrolment link\" src=\"data:image/png;base64,").append(esc(qr)).append("\"></figure>");
        b.append("<p><a id=\"enrol-link\" href=\"").append(esc(uri)).append("\" target=\"_blank\" rel=\"noopener noreferrer\">")
                .append("Open the authenticator with this enrolment</a></p>")
                .append("<p>Or type this enrolment code into the authenticator: <strong class=\"enrol-code\" id=\"enrol-code\">")
                .append(esc(e.path("enrolmentCode").asText())).append("</strong></p>")
                .append("<p class=\"muted\">It works once and expires at ").append(esc(readableTime(e.path("expiresAt").asText())))
                .append(".</p><p><a href=\"/account\">Back to your account</a></p></section>");
        render(ctx, "Set up an authenticator", b.toString());
    }

    private void revoke(Context ctx) {
        if (!requireCsrf(ctx)) {
            return;
        }
        requireUser(ctx).ifPresent(s -> {
            verifier.revoke(s.userId, ctx.pathParam("id"));
            s.flash = "The authenticator was revoked.";
            ctx.redirect("/account", HttpStatus.SEE_OTHER);
        });
    }

    private void passwordLoginSetting(Context ctx) {
        if (!requireCsrf(ctx)) {
            return;
        }
        requireUser(ctx).ifPresent(s -> {
            boolean disable = "true".equals(ctx.formParam("disabled"));
            verifier.setPasswordLoginDisabled(s.userId, disable);
            s.flash = disable ? "Password sign-in is now off." : "Password sign-in is now allowed.";
            ctx.redirect("/account", HttpStatus.SEE_OTHER);
        });
    }

    private void changePassword(Context ctx) {
        if (!requireCsrf(ctx)) {
            return;
        }
        requireUser(ctx).ifPresent(s -> {
            String pw = ctx.formParam("newPassword");
            if (pw == null || pw.length() < 10) {
                s.flash = "The password needs at least 10 characters.";
            } else {
                Account a = accounts.get(s.userId).orElseGet(() -> accounts.open(s.userId, pw).orElseThrow());
                accounts.setPassword(a, pw, false);
                s.flash = "Your password was changed.";
            }
            ctx.redirect("/account", HttpStatus.SEE_OTHER);
        });
    }

    private void release(Context ctx) {
        if (!requireCsrf(ctx)) {
            return;
        }
        requireUser(ctx).ifPresent(s -> {
            // C-S2 (X.1280 §9.2.2): the user is signed in, which is this sample's identity check.
            JsonNode r = verifier.release(s.userId);
            s.flash = r.path("revokedAuthenticators").asInt() + " authenticator(s) released. Set a new password and "
                    + "set up a new authenticator.";
            ctx.redirect("/account", HttpStatus.SEE_OTHER);
        });
    }

    // ------------------------------------------------------------------ passkeys (ISO/IEC 27553-1 local mode)

    static final String PASSKEY_SIGN_IN_TEXT = "Sign in to Sample Bank";

    private void passkeySection(StringBuilder b, Session s) {
        b.append("<section class=\"card\" aria-labelledby=\"passkeys-title\"><h2 id=\"passkeys-title\">Passkeys</h2>")
                .append("<p>A passkey lets this browser's device sign you in after it checks your fingerprint, face or "
                        + "screen lock. The check happens on your device; the bank never sees it.</p>");
        JsonNode list;
        try {
            list = verifier.passkeys(s.userId).path("credentials");
        } catch (VerifierException e) {
            if (e.status() != 404) {
                throw e;
            }
            list = JSON.createArrayNode();
        }
        if (list.isEmpty()) {
            b.append("<p id=\"no-passkeys\">No passkey yet.</p>");
        } else {
            b.append("<table id=\"passkeys\"><thead><tr><th scope=\"col\">Passkey</th><th scope=\"col\">Added</th>"
                    + "<th scope=\"col\">Last used</th><th scope=\"col\">Protection</th><th scope=\"col\">Attestation</th>"
                    + "<th scope=\"col\">Status</th></tr></thead><tbody>");
            for (JsonNode k : list) {
                String id = k.path("credentialId").asText();
                b.append("<tr><td title=\"").append(esc(id)).append("\">").append(esc(shortId(id))).append("</td><td>")
                        .append(esc(readableTime(k.path("createdAt").asText()))).append("</td><td>")
                        .append(esc(k.hasNonNull("lastUsedAt") ? readableTime(k.path("lastUsedAt").asText()) : "never"))
                        .append("</td><td>").append(esc(k.path("assurance").path("credentialProtection").asText("unknown")))
                        .append("</td><td>").append(esc(k.path("assurance").path("attestation").asText("none")))
                        .append("</td><td>").append(k.hasNonNull("revokedAt") ? "revoked" : "active").append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        b.append("<p><a class=\"button primary\" id=\"add-passkey\" href=\"/account/passkeys/new\">Add a passkey</a></p>")
                .append("</section>");
    }

    static String shortId(String id) {
        return id.length() <= 16 ? id : id.substring(0, 8) + "…" + id.substring(id.length() - 6);
    }

    private void newPasskeyPage(Context ctx) {
        Optional<Session> maybe = requireUser(ctx);
        if (maybe.isEmpty()) {
            return;
        }
        newPasskeyPage(ctx, maybe.get(), null);
    }

    private void newPasskeyPage(Context ctx, Session s, String error) {
        verifier.ensureUser(s.userId);
        JsonNode notice = verifier.privacyNotice();
        String version = notice.path("version").asText();
        StringBuilder b = new StringBuilder(error == null ? "" : alert("error", error));
        if (!verifier.hasConsent(s.userId, version)) {
            // 27553-1 10.2: the user sees the notice and agrees before any biometric enrolment.
            b.append("<section class=\"card\" id=\"privacy-notice\" aria-labelledby=\"notice-title\">")
                    .append("<h2 id=\"notice-title\">Before you add a passkey: privacy notice</h2>")
                    .append("<p class=\"muted\">Notice version <strong id=\"notice-version\">").append(esc(version))
                    .append("</strong></p><p>").append(esc(notice.path("controllerNote").asText())).append("</p>");
            for (JsonNode section : notice.path("sections")) {
                b.append("<h3>").append(esc(section.path("heading").asText())).append("</h3><p>")
                        .append(esc(section.path("text").asText())).append("</p>");
            }
            b.append("<form method=\"post\" action=\"/account/passkeys/consent\">").append(csrfField(s.csrf))
                    .append("<input type=\"hidden\" name=\"noticeVersion\" value=\"").append(esc(version)).append("\">")
                    .append("<div class=\"field check\"><input type=\"checkbox\" id=\"consent\" name=\"consent\" "
                            + "value=\"yes\" required><label for=\"consent\">I have read this notice (version ")
                    .append(esc(version)).append(") and agree to the use of my device's biometric check for sign-in.</label></div>")
                    .append("<button type=\"submit\" class=\"primary\">Agree and continue</button></form>")
                    .append("<p><a href=\"/account\">Not now, back to your account</a></p></section>");
            render(ctx, "Add a passkey", b.toString());
            return;
        }
        b.append("<section class=\"card\" id=\"passkey-register\" data-csrf=\"").append(esc(s.csrf)).append("\">")
                .append("<p>Press the button, then confirm with your fingerprint, face or screen lock when your "
                        + "browser asks.</p>")
                .append("<button type=\"button\" class=\"primary\" id=\"passkey-create\">Create a passkey</button>")
                .append("<p id=\"passkey-status\" class=\"status\" role=\"status\" aria-live=\"polite\"></p>")
                .append("<p id=\"passkey-error\" class=\"error\" role=\"alert\" hidden></p>")
                .append("<noscript><p class=\"error\">Passkeys need JavaScript in this browser.</p></noscript>")
                .append("<p><a href=\"/account\">Back to your account</a></p></section>");
        render(ctx, "Add a passkey", b.toString(), "passkey.js");
    }

    private void passkeyConsent(Context ctx) {
        if (!requireCsrf(ctx)) {
            return;
        }
        Optional<Session> maybe = requireUser(ctx);
        if (maybe.isEmpty()) {
            return;
        }
        Session s = maybe.get();
        String version = ctx.formParam("noticeVersion");
        if (!"yes".equals(ctx.formParam("consent")) || version == null || version.isBlank()) {
            newPasskeyPage(ctx, s, "Tick the box to agree to the notice, or go back to your account.");
            return;
        }
        try {
            verifier.grantConsent(s.userId, version);
        } catch (VerifierException e) {
            if (e.status() / 100 != 4) {
                throw e;
            }
            newPasskeyPage(ctx, s, "The privacy notice has changed. Please read the new version.");
            return;
        }
        ctx.redirect("/account/passkeys/new", HttpStatus.SEE_OTHER);
    }

    private void jsonResult(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The checks every passkey JSON endpoint shares: same-site token, and (optionally) a signed-in user. */
    private Optional<Session> jsonCaller(Context ctx, boolean signedIn) {
        if (!sessions.csrfValid(ctx)) {
            jsonResult(ctx, 403, Map.of("message", "This page is too old. Reload it and try again."));
            return Optional.empty();
        }
        Session s = session(ctx);
        if (signedIn && s.userId == null) {
            jsonResult(ctx, 401, Map.of("message", "You are signed out. Sign in again first.", "next", "/"));
            return Optional.empty();
        }
        return Optional.of(s);
    }

    private JsonNode webauthnOf(Context ctx) {
        try {
            JsonNode w = JSON.readTree(ctx.body()).path("webauthn");
            return w.isObject() ? w : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void passkeyRegistrationOptions(Context ctx) {
        Optional<Session> maybe = jsonCaller(ctx, true);
        if (maybe.isEmpty()) {
            return;
        }
        Session s = maybe.get();
        JsonNode started;
        try {
            started = verifier.startPasskeyRegistration(s.userId);
        } catch (VerifierException e) {
            if ("local-consent-required".equals(e.problem())) {
                jsonResult(ctx, 409, Map.of("message", "Please agree to the privacy notice first.",
                        "next", "/account/passkeys/new"));
                return;
            }
            jsonResult(ctx, 502, Map.of("message", "The sign-in service could not start the passkey set-up ("
                    + e.problem() + "). Please try again."));
            return;
        }
        s.passkeyCeremony = started.path("ceremonyId").asText();
        s.passkeyUser = s.userId;
        jsonResult(ctx, 200, Map.of("options", started.path("options")));
    }

    private void passkeyRegistrationFinish(Context ctx) {
        Optional<Session> maybe = jsonCaller(ctx, true);
        if (maybe.isEmpty()) {
            return;
        }
        Session s = maybe.get();
        String ceremony = s.passkeyCeremony;
        boolean mine = ceremony != null && s.userId.equals(s.passkeyUser);
        s.passkeyCeremony = null;
        s.passkeyUser = null;
        JsonNode webauthn = webauthnOf(ctx);
        if (!mine || webauthn == null) {
            jsonResult(ctx, 400, Map.of("message", "No passkey set-up is in progress. Press the button again."));
            return;
        }
        try {
            verifier.finishPasskeyRegistration(ceremony, webauthn);
        } catch (VerifierException e) {
            if (e.status() / 100 != 4) {
                throw e;
            }
            jsonResult(ctx, 403, Map.of("message", passkeyRefusal(e, false)));
            return;
        }
        s.flash = "Passkey added. You can now sign in with it.";
        jsonResult(ctx, 200, Map.of("next", "/account"));
    }

    private void passkeyLoginPage(Context ctx) {
        Session s = session(ctx);
        if (s.userId != null) {
            ctx.redirect("/account", HttpStatus.SEE_OTHER);
            return;
        }
        render(ctx, "Sign in with a passkey", "<p>Type your user id, press the button and confirm with your "
                + "fingerprint, face or screen lock when your browser asks.</p>"
                + "<form id=\"passkey-signin\" class=\"card\" data-csrf=\"" + esc(s.csrf) + "\">"
                + field("userId", "User id", "text", "autocomplete=\"username webauthn\" required maxlength=\"64\"")
                + "<button type=\"submit\" class=\"primary\">Sign in with a passkey</button>"
                + "<p id=\"passkey-status\" class=\"status\" role=\"status\" aria-live=\"polite\"></p>"
                + "<p id=\"passkey-error\" class=\"error\" role=\"alert\" hidden></p>"
                + "<noscript><p class=\"error\">Passkeys need JavaScript in this browser.</p></noscript></form>"
                + "<ul class=\"links\"><li><a href=\"/\">Sign in with your authenticator instead</a></li>"
                + "<li><a href=\"/password\">Sign in with a password</a></li></ul>", "passkey.js");
    }

    private void passkeyLoginOptions(Context ctx) {
        Optional<Session> maybe = jsonCaller(ctx, false);
        if (maybe.isEmpty()) {
            return;
        }
        Session s = maybe.get();
        String userId;
        try {
            userId = JSON.readTree(ctx.body()).path("userId").asText("").trim();
        } catch (IOException e) {
            userId = "";
        }
        if (!Accounts.validUserId(userId)) {
            jsonResult(ctx, 400, Map.of("message", "A user id has 1 to 64 letters, digits or . _ @ -"));
            return;
        }
        JsonNode started;
        try {
            started = verifier.startPasskeyAuthentication(userId, PASSKEY_SIGN_IN_TEXT);
        } catch (VerifierException e) {
            if (e.status() == 404) {
                jsonResult(ctx, 404, Map.of("message", "No passkey is set up for this user id. Sign in another way, "
                        + "then add a passkey on your account page."));
                return;
            }
            jsonResult(ctx, 502, Map.of("message", "The sign-in service could not start the passkey sign-in ("
                    + e.problem() + "). Please try again."));
            return;
        }
        s.passkeyCeremony = started.path("ceremonyId").asText();
        s.passkeyUser = userId;
        jsonResult(ctx, 200, Map.of("options", started.path("options")));
    }

    private void passkeyLoginFinish(Context ctx) {
        Optional<Session> maybe = jsonCaller(ctx, false);
        if (maybe.isEmpty()) {
            return;
        }
        Session s = maybe.get();
        String ceremony = s.passkeyCeremony;
        String userId = s.passkeyUser;
        s.passkeyCeremony = null;
        s.passkeyUser = null;
        JsonNode webauthn = webauthnOf(ctx);
        if (ceremony == null || webauthn == null) {
            jsonResult(ctx, 400, Map.of("message", "No passkey sign-in is in progress. Press the button again."));
            return;
        }
        JsonNode result;
        try {
            result = verifier.finishPasskeyAuthentication(ceremony, webauthn);
        } catch (VerifierException e) {
            if (e.status() / 100 != 4) {
                throw e;
            }
            LOG.info("passkey sign-in refused for {}: {}", userId, e.getMessage());
            jsonResult(ctx, 403, Map.of("message", passkeyRefusal(e, true)));
            return;
        }
        // The verifier's result names the user and the signed text; the bank accepts only what it asked for.
        if (!result.path("verified").asBoolean(false) || !userId.equals(result.path("userId").asText())
                || !PASSKEY_SIGN_IN_TEXT.equals(result.path("transactionText").asText())) {
            jsonResult(ctx, 403, Map.of("message", "The passkey sign-in could not be confirmed. You are not signed in."));
            return;
        }
        Session signedIn = sessions.signIn(ctx, userId);
        signedIn.flash = "Signed in with your passkey.";
        signedIn.signedInWith = describeAssurance(result.path("assurance"));
        jsonResult(ctx, 200, Map.of("next", "/account"));
    }

    /** The assurance vector of the verifier's result in words, e.g. "protection: unknown, attestation: none". */
    static String describeAssurance(JsonNode a) {
        StringBuilder b = new StringBuilder("Signed in with a passkey — protection: ")
                .append(a.path("credentialProtection").asText("unknown"))
                .append(", attestation: ").append(a.path("attestation").asText("none"))
                .append(", modality: ").append(a.hasNonNull("modality") ? a.path("modality").asText() : "not reported")
                .append(", false match rate: ").append(a.hasNonNull("fmr") ? a.path("fmr").asText() : "not reported")
                .append(", presentation-attack detection: ")
                .append(a.path("pad").path("used").asBoolean(false) ? "used" : "not reported");
        if (a.hasNonNull("transformLevel")) {
            b.append(", template protection level: ").append(a.path("transformLevel").asInt());
        }
        return b.append(", user verified.").toString();
    }

    static String passkeyRefusal(VerifierException e, boolean signIn) {
        String not = signIn ? " You are not signed in." : " No passkey was added.";
        String reason = e.reason() == null ? e.problem() : e.reason();
        return switch (reason) {
            case "user-not-verified" -> "Your device did not confirm that it checked your fingerprint, face or screen "
                    + "lock." + not + " Try again and complete the check on your device.";
            case "ceremony-expired", "local-ceremony-expired" -> "The passkey request expired." + not + " Please try again.";
            case "bad-origin", "bad-rp-id" -> "This page's address is not one the bank's passkeys are set up for." + not;
            case "local-consent-required", "consent-required" -> "Please agree to the privacy notice on your account "
                    + "page first." + not;
            case "unknown-credential", "credential-revoked" -> "That passkey is not (or no longer) registered for this "
                    + "user id." + not;
            default -> "The passkey could not be verified (" + reason + ")." + not;
        };
    }

    // ------------------------------------------------------------------ recovery (C-S2)

    private void recoverPage(Context ctx, String error) {
        Session s = session(ctx);
        render(ctx, "Recover your account", (error == null ? "" : alert("error", error))
                + "<p>Use one of the recovery codes you wrote down when you set up your first authenticator. It "
                + "releases all your authenticators; then you choose a new password and set up a new device.</p>"
                + "<form method=\"post\" action=\"/recover\" class=\"card\">" + csrfField(s.csrf)
                + field("userId", "User id", "text", "autocomplete=\"username\" required maxlength=\"64\"")
                + field("recoveryCode", "Recovery code", "text", "autocomplete=\"off\" required spellcheck=\"false\"")
                + "<button type=\"submit\" class=\"primary\">Recover</button></form>");
    }

    private void recover(Context ctx) {
        if (!requireCsrf(ctx)) {
            return;
        }
        String userId = String.valueOf(ctx.formParam("userId")).trim();
        String code = String.valueOf(ctx.formParam("recoveryCode")).trim();
        if (!Accounts.validUserId(userId) || code.isEmpty()) {
            recoverPage(ctx, "Type your user id and a recovery code.");
            return;
        }
        try {
            verifier.recover(userId, code);
        } catch (VerifierException e) {
            if (e.status() / 100 == 4) {
                recoverPage(ctx, e.status() == 429 ? "Too many wrong recovery codes: recovery is locked for a while."
                        : "That recovery code is not valid for this user id.");
                return;
            }
            throw e;
        }
        sessions.signIn(ctx, userId).flash = "Recovered: all your authenticators were released. Choose a new "
                + "password and set up a new authenticator.";
        ctx.redirect("/account", HttpStatus.SEE_OTHER);
    }

    // ------------------------------------------------------------------ QR

    private String randomPassword() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().encodeToString(b);
    }

    static String qrPng(String payload, int size) {
        try {
            BitMatrix m = new QRCodeWriter().encode(payload, BarcodeFormat.QR_CODE, size, size,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 2));
            BufferedImage img = new BufferedImage(m.getWidth(), m.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < m.getHeight(); y++) {
                for (int x = 0; x < m.getWidth(); x++) {
                    img.setRGB(x, y, m.get(x, y) ? 0xff000000 : 0xffffffff);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (WriterException e) {
            throw new IllegalArgumentException("QR payload too long", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
