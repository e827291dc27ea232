package org.countersign.samplebank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.countersign.samplebank.Accounts.Account;
import org.countersign.samplebank.Sessions.PendingLogin;
import org.countersign.samplebank.Sessions.Session;
import org.countersign.samplebank.VerifierClient.VerifierException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in with server authentication (X.1280 §8.2 to §8.5): the bank asks the verifier for a request carrying
 * the offset it observed, shows the code, and waits for the user's answer on the authenticator.
 */
final class OobSignIn {
    private static final Logger LOG = LoggerFactory.getLogger(OobSignIn.class);

    private final Web web;
    private final Optional<String> trustedProxy;

    OobSignIn(Web web, Optional<String> trustedProxy) {
        this.web = web;
        this.trustedProxy = trustedProxy;
    }

    void register(RoutesConfig routes) {
        routes.get("/", this::home);
        routes.post("/login", this::startLogin);
        routes.get("/login/wait", this::waitPage);
        routes.get("/login/status", this::loginStatus);
        routes.get("/login/check", this::loginCheck);
        routes.post("/login/cancel", this::cancelLogin);
        routes.post("/login/bind", this::bindTerminal);
    }

    private void home(Context ctx) {
        if (web.session(ctx).userId != null) {
            ctx.redirect("/account", HttpStatus.SEE_OTHER);
            return;
        }
        loginPage(ctx, null);
    }

    private void loginPage(Context ctx, String error) {
        web.render(ctx, "Sign in", "login.jte", new Views.Login(Web.takeFlash(web.session(ctx)), error));
    }

    private void startLogin(Context ctx) {
        if (!web.requireCsrf(ctx)) {
            return;
        }
        Session s = web.session(ctx);
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
        Session s = web.session(ctx);
        PendingLogin p = s.pending;
        if (p == null) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return;
        }
        String qr = p.code() != null && p.qrPayload() != null ? Qr.png(p.qrPayload(), 180) : null;
        // X.1280 §9.1.1: with binding options, this browser confirms the sign-in with the user's passkey over the
        // offset hash; a page on any other origin cannot make that assertion, so a relayed sign-in is never approved.
        String bind = s.terminalBinding == null ? null : s.terminalBinding.toString();
        Views.Wait page = new Views.Wait(p.userId(), p.code(), p.expiresAt() == null ? "" : p.expiresAt().toString(),
                p.validitySeconds(), qr, bind);
        if (bind != null) {
            web.render(ctx, "Compare the codes", "wait.jte", page, "/static/login.js", SampleBank.WEBAUTHN_HELPER,
                    "/static/bind.js");
        } else {
            web.render(ctx, "Compare the codes", "wait.jte", page, "/static/login.js");
        }
    }

    /** One long-poll of the verifier for this session's pending login; applies the result to the session. */
    private ObjectNode pollPending(Context ctx, int waitSeconds) {
        Session s = web.session(ctx);
        PendingLogin p = s.pending;
        ObjectNode out = Web.JSON.createObjectNode();
        if (p == null) {
            return out.put("status", s.userId != null ? "approved" : "none").put("next", s.userId != null ? "/account" : "/");
        }
        JsonNode r = web.verifier.request(p.requestId(), waitSeconds);
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
                Account account = web.accounts.get(p.userId()).orElseGet(() -> web.accounts.open(p.userId(),
                        randomPassword()).orElseGet(() -> web.accounts.get(p.userId()).orElseThrow()));
                String replacement = r.path("replacementPassword").asText(null);
                if (replacement != null && !replacement.isEmpty()) {
                    // C-S5 (X.1280 Annex A): the verifier renewed the password; only its hash is kept here.
                    web.accounts.setPassword(account, replacement, true);
                }
                Session fresh = web.sessions.signIn(ctx, p.userId());
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
            default -> ctx.html(web.pages.message("Sign-in refused", web.userOf(ctx), web.session(ctx).csrf, "error",
                    r.path("message").asText(), "/", "Start again"));
        }
    }

    /**
     * Relay-proof sign-in (X.1280 §9.1.1): users with a passkey get a webauthn-bound request, so approval also needs
     * an assertion made on this bank's origin. Users without one (the verifier answers 409) get a plain request.
     */
    private JsonNode createRequest(VerifierClient.OffsetFields offset) {
        try {
            return web.verifier.createBoundRequest(offset);
        } catch (VerifierException e) {
            if (e.status() == 409 && "conflict".equals(e.problem())) {
                return web.verifier.createRequest(offset);
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

    /** An IP literal as the offset wants it: no brackets, no zone id. */
    static String ipLiteral(String address) {
        String a = address == null ? "" : address;
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        int zone = a.indexOf('%');
        return zone >= 0 ? a.substring(0, zone) : a;
    }

    /** The wait page's script posts the passkey assertion made over the offset hash; the verifier checks it. */
    private void bindTerminal(Context ctx) {
        Optional<Session> maybe = web.jsonCaller(ctx, false);
        if (maybe.isEmpty()) {
            return;
        }
        Session s = maybe.get();
        JsonNode webauthn = Web.webauthnOf(ctx);
        if (s.pending == null || s.terminalBinding == null || webauthn == null) {
            web.jsonResult(ctx, 400, Map.of("message", "No sign-in is waiting for a passkey confirmation."));
            return;
        }
        try {
            web.verifier.bindTerminal(s.pending.requestId(), webauthn);
        } catch (VerifierException e) {
            if (e.status() / 100 != 4) {
                throw e;
            }
            LOG.info("terminal binding refused: {}", e.getMessage());
            web.jsonResult(ctx, 403, Map.of("message", "Your passkey confirmation was refused (" + e.problem()
                    + "). Do not approve this sign-in on your authenticator."));
            return;
        }
        web.jsonResult(ctx, 200, Map.of("message", "Confirmed with your passkey. Now approve on your authenticator."));
    }

    private void cancelLogin(Context ctx) {
        if (web.requireCsrf(ctx)) {
            Session s = web.session(ctx);
            PendingLogin p = s.pending;
            s.pending = null;
            if (p != null) {
                try {
                    // Tell the verifier too, so the phone stops offering it and a new sign-in is not blocked.
                    web.verifier.cancelRequest(p.requestId());
                } catch (VerifierException e) {
                    // Already decided or expired meanwhile: nothing left to withdraw.
                    LOG.info("cancelling login {}: {}", p.requestId(), e.getMessage());
                }
            }
            ctx.redirect("/", HttpStatus.SEE_OTHER);
        }
    }

    /** An account first seen at an approved sign-in gets a password nobody knows until the user sets one. */
    private static String randomPassword() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().encodeToString(b);
    }
}
