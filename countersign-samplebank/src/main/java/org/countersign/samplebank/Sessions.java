package org.countersign.samplebank;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory browser sessions: an HttpOnly, SameSite=Lax cookie carries a random id; each session has its own CSRF
 * token for forms. The id is rotated when the user signs in, so an id planted before login is worthless.
 */
final class Sessions {
    static final String COOKIE = "bank_session";
    private static final Duration IDLE = Duration.ofMinutes(30);

    /** A login waiting for the user's decision on the authenticator (X.1280 §8.3 to §8.5). */
    record PendingLogin(String requestId, String userId, String code, Instant expiresAt, int validitySeconds,
            String qrPayload, String status) {}

    static final class Session {
        /** WebAuthn options of a pending webauthn-bound login (X.1280 §9.1.1), for the wait page's script. */
        JsonNode terminalBinding;
        final String id;
        /**
         * What the verifier receives as the RP session id (an offset field): a separate random value, because the
         * cookie id is a bearer secret that must not leave the bank.
         */
        final String publicId;
        final String csrf;
        volatile String userId;
        volatile PendingLogin pending;
        volatile String flash;
        /** The passkey ceremony this session started (registration or sign-in) and for whom. */
        volatile String passkeyCeremony;
        volatile String passkeyUser;
        /** How the user signed in, as shown on the account page (the assurance vector of a passkey sign-in). */
        volatile String signedInWith;
        volatile Instant lastSeen;

        Session(String id, String publicId, String csrf, Instant now) {
            this.id = id;
            this.publicId = publicId;
            this.csrf = csrf;
            this.lastSeen = now;
        }
    }

    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final Clock clock;
    private final boolean secureCookies;

    Sessions(SecureRandom random, Clock clock, boolean secureCookies) {
        this.random = random;
        this.clock = clock;
        this.secureCookies = secureCookies;
    }

    /** The caller's session, creating one (and its cookie) when there is none or it expired. */
    Session of(Context ctx) {
        Session s = ctx.attribute("bank.session");
        if (s != null) {
            return s;
        }
        Instant now = clock.instant();
        String id = ctx.cookie(COOKIE);
        s = id == null ? null : byId.get(id);
        if (s != null && s.lastSeen.plus(IDLE).isBefore(now)) {
            byId.remove(id);
            s = null;
        }
        if (s == null) {
            s = create(ctx, null);
        }
        s.lastSeen = now;
        ctx.attribute("bank.session", s);
        return s;
    }

    /** Replaces the session by a fresh one for {@code userId} (session fixation defence). */
    Session signIn(Context ctx, String userId) {
        Session old = of(ctx);
        byId.remove(old.id);
        Session s = create(ctx, userId);
        s.flash = old.flash;
        ctx.attribute("bank.session", s);
        return s;
    }

    void signOut(Context ctx) {
        Session old = of(ctx);
        byId.remove(old.id);
        ctx.attribute("bank.session", null);
        ctx.res().addHeader("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
                + (secureCookies ? "; Secure" : ""));
    }

    boolean csrfValid(Context ctx) {
        // Forms send a field; the passkey script sends a header (its bodies are JSON).
        String sent = ctx.header("X-CSRF-Token") != null ? ctx.header("X-CSRF-Token") : ctx.formParam("csrf");
        Session s = of(ctx);
        return sent != null && MessageDigest.isEqual(sent.getBytes(), s.csrf.getBytes());
    }

    private Session create(Context ctx, String userId) {
        byId.values().removeIf(x -> x.lastSeen.plus(IDLE).isBefore(clock.instant()));
        Session s = new Session(token(), "s-" + token().substring(0, 16), token(), clock.instant());
        s.userId = userId;
        byId.put(s.id, s);
        ctx.res().addHeader("Set-Cookie", COOKIE + "=" + s.id + "; Path=/; HttpOnly; SameSite=Lax"
                + (secureCookies ? "; Secure" : ""));
        return s;
    }

    private String token() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
