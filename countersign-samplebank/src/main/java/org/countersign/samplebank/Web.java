package org.countersign.samplebank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.countersign.samplebank.Sessions.Session;

/** What every page handler of the bank shares: the verifier, accounts, sessions, pages and the request checks. */
final class Web {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter READABLE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    final VerifierClient verifier;
    final Accounts accounts;
    final Sessions sessions;
    final Pages pages;

    Web(VerifierClient verifier, Accounts accounts, Sessions sessions, Pages pages) {
        this.verifier = verifier;
        this.accounts = accounts;
        this.sessions = sessions;
        this.pages = pages;
    }

    Session session(Context ctx) {
        return sessions.of(ctx);
    }

    String userOf(Context ctx) {
        return session(ctx).userId;
    }

    /** Forms carry the session's token: a form posted from another site is refused. */
    boolean requireCsrf(Context ctx) {
        if (sessions.csrfValid(ctx)) {
            return true;
        }
        ctx.status(403).html(pages.message("Form expired", userOf(ctx), session(ctx).csrf, "error",
                "This form was too old or did not come from this site. Please try again.", "/", "Back to the start page"));
        return false;
    }

    Optional<Session> requireUser(Context ctx) {
        Session s = session(ctx);
        if (s.userId == null) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    void render(Context ctx, String title, String template, Object page, String... scripts) {
        Session s = session(ctx);
        ctx.html(pages.render(template, new Views.Frame(title, s.userId, s.csrf, List.of(scripts)), page));
    }

    /** The one-time notice of the last action, or null; shown once. */
    static String takeFlash(Session s) {
        String f = s.flash;
        s.flash = null;
        return f;
    }

    void jsonResult(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The checks every JSON endpoint shares: same-site token, and (optionally) a signed-in user. */
    Optional<Session> jsonCaller(Context ctx, boolean signedIn) {
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

    /** The browser's WebAuthn result posted as {@code {"webauthn": {...}}}, or null. */
    static JsonNode webauthnOf(Context ctx) {
        try {
            JsonNode w = JSON.readTree(ctx.body()).path("webauthn");
            return w.isObject() ? w : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** ISO instants as "2026-11-23 10:31 UTC"; anything unparsable is shown as it came. */
    static String readableTime(String iso) {
        try {
            return READABLE.format(Instant.parse(iso));
        } catch (RuntimeException e) {
            return iso;
        }
    }
}
