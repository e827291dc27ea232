package org.countersign.samplebank;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.countersign.samplebank.Sessions.Session;
import org.countersign.samplebank.VerifierClient.VerifierException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passkeys (ISO/IEC 27553-1 local mode): privacy notice and consent, registration and sign-in. The browser makes
 * the WebAuthn calls; the bank only relays options and results between it and the verifier.
 */
final class PasskeyPages {
    private static final Logger LOG = LoggerFactory.getLogger(PasskeyPages.class);
    static final String PASSKEY_SIGN_IN_TEXT = "Sign in to Sample Bank";

    private final Web web;

    PasskeyPages(Web web) {
        this.web = web;
    }

    void register(RoutesConfig routes) {
        routes.get("/account/passkeys/new", this::newPasskeyPage);
        routes.post("/account/passkeys/consent", this::passkeyConsent);
        routes.post("/account/passkeys/options", this::registrationOptions);
        routes.post("/account/passkeys/finish", this::registrationFinish);
        routes.get("/login/passkey", this::loginPage);
        routes.post("/login/passkey/options", this::loginOptions);
        routes.post("/login/passkey/finish", this::loginFinish);
    }

    static String shortId(String id) {
        return id.length() <= 16 ? id : id.substring(0, 8) + "…" + id.substring(id.length() - 6);
    }

    private void newPasskeyPage(Context ctx) {
        web.requireUser(ctx).ifPresent(s -> newPasskeyPage(ctx, s, null));
    }

    private void newPasskeyPage(Context ctx, Session s, String error) {
        web.verifier.ensureUser(s.userId);
        JsonNode notice = web.verifier.privacyNotice();
        String version = notice.path("version").asText();
        if (!web.verifier.hasConsent(s.userId, version)) {
            // 27553-1 10.2: the user sees the notice and agrees before any biometric enrolment.
            List<Views.Section> sections = new ArrayList<>();
            for (JsonNode section : notice.path("sections")) {
                sections.add(new Views.Section(section.path("heading").asText(), section.path("text").asText()));
            }
            web.render(ctx, "Add a passkey", "passkey-consent.jte",
                    new Views.PrivacyNotice(error, version, notice.path("controllerNote").asText(), sections));
            return;
        }
        web.render(ctx, "Add a passkey", "passkey-new.jte", new Views.Form(error), SampleBank.WEBAUTHN_HELPER,
                "/static/passkey.js");
    }

    private void passkeyConsent(Context ctx) {
        if (!web.requireCsrf(ctx)) {
            return;
        }
        Optional<Session> maybe = web.requireUser(ctx);
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
            web.verifier.grantConsent(s.userId, version);
        } catch (VerifierException e) {
            if (e.status() / 100 != 4) {
                throw e;
            }
            newPasskeyPage(ctx, s, "The privacy notice has changed. Please read the new version.");
            return;
        }
        ctx.redirect("/account/passkeys/new", HttpStatus.SEE_OTHER);
    }

    private void registrationOptions(Context ctx) {
        Optional<Session> maybe = web.jsonCaller(ctx, true);
        if (maybe.isEmpty()) {
            return;
        }
        Session s = maybe.get();
        JsonNode started;
        try {
            started = web.verifier.startPasskeyRegistration(s.userId);
        } catch (VerifierException e) {
            if ("local-consent-required".equals(e.problem())) {
                web.jsonResult(ctx, 409, Map.of("message", "Please agree to the privacy notice first.",
                        "next", "/account/passkeys/new"));
                return;
            }
            web.jsonResult(ctx, 502, Map.of("message", "The sign-in service could not start the passkey set-up ("
                    + e.problem() + "). Please try again."));
            return;
        }
        s.passkeyCeremony = started.path("ceremonyId").asText();
        s.passkeyUser = s.userId;
        web.jsonResult(ctx, 200, Map.of("options", started.path("options")));
    }

    private void registrationFinish(Context ctx) {
        Optional<Session> maybe = web.jsonCaller(ctx, true);
        if (maybe.isEmpty()) {
            return;
        }
        Session s = maybe.get();
        String ceremony = s.passkeyCeremony;
        boolean mine = ceremony != null && s.userId.equals(s.passkeyUser);
        s.passkeyCeremony = null;
        s.passkeyUser = null;
        JsonNode webauthn = Web.webauthnOf(ctx);
        if (!mine || webauthn == null) {
            web.jsonResult(ctx, 400, Map.of("message", "No passkey set-up is in progress. Press the button again."));
            return;
        }
        try {
            web.verifier.finishPasskeyRegistration(ceremony, webauthn);
        } catch (VerifierException e) {
            if (e.status() / 100 != 4) {
                throw e;
            }
            web.jsonResult(ctx, 403, Map.of("message", refusal(e, false)));
            return;
        }
        s.flash = "Passkey added. You can now sign in with it.";
        web.jsonResult(ctx, 200, Map.of("next", "/account"));
    }

    private void loginPage(Context ctx) {
        if (web.session(ctx).userId != null) {
            ctx.redirect("/account", HttpStatus.SEE_OTHER);
            return;
        }
        web.render(ctx, "Sign in with a passkey", "passkey-login.jte", null, SampleBank.WEBAUTHN_HELPER,
                "/static/passkey.js");
    }

    private void loginOptions(Context ctx) {
        Optional<Session> maybe = web.jsonCaller(ctx, false);
        if (maybe.isEmpty()) {
            return;
        }
        Session s = maybe.get();
        String userId;
        try {
            userId = Web.JSON.readTree(ctx.body()).path("userId").asText("").trim();
        } catch (IOException e) {
            userId = "";
        }
        if (!Accounts.validUserId(userId)) {
            web.jsonResult(ctx, 400, Map.of("message", "A user id has 1 to 64 letters, digits or . _ @ -"));
            return;
        }
        JsonNode started;
        try {
            started = web.verifier.startPasskeyAuthentication(userId, PASSKEY_SIGN_IN_TEXT);
        } catch (VerifierException e) {
            if (e.status() == 404) {
                web.jsonResult(ctx, 404, Map.of("message", "No passkey is set up for this user id. Sign in another way, "
                        + "then add a passkey on your account page."));
                return;
            }
            web.jsonResult(ctx, 502, Map.of("message", "The sign-in service could not start the passkey sign-in ("
                    + e.problem() + "). Please try again."));
            return;
        }
        s.passkeyCeremony = started.path("ceremonyId").asText();
        s.passkeyUser = userId;
        web.jsonResult(ctx, 200, Map.of("options", started.path("options")));
    }

    private void loginFinish(Context ctx) {
        Optional<Session> maybe = web.jsonCaller(ctx, false);
        if (maybe.isEmpty()) {
            return;
        }
        Session s = maybe.get();
        String ceremony = s.passkeyCeremony;
        String userId = s.passkeyUser;
        s.passkeyCeremony = null;
        s.passkeyUser = null;
        JsonNode webauthn = Web.webauthnOf(ctx);
        if (ceremony == null || webauthn == null) {
            web.jsonResult(ctx, 400, Map.of("message", "No passkey sign-in is in progress. Press the button again."));
            return;
        }
        JsonNode result;
        try {
            result = web.verifier.finishPasskeyAuthentication(ceremony, webauthn);
        } catch (VerifierException e) {
            if (e.status() / 100 != 4) {
                throw e;
            }
            LOG.info("passkey sign-in refused for {}: {}", userId, e.getMessage());
            web.jsonResult(ctx, 403, Map.of("message", refusal(e, true)));
            return;
        }
        // The verifier's result names the user and the signed text; the bank accepts only what it asked for.
        if (!result.path("verified").asBoolean(false) || !userId.equals(result.path("userId").asText())
                || !PASSKEY_SIGN_IN_TEXT.equals(result.path("transactionText").asText())) {
            web.jsonResult(ctx, 403, Map.of("message", "The passkey sign-in could not be confirmed. You are not signed in."));
            return;
        }
        Session signedIn = web.sessions.signIn(ctx, userId);
        signedIn.flash = "Signed in with your passkey.";
        signedIn.signedInWith = describeAssurance(result.path("assurance"));
        web.jsonResult(ctx, 200, Map.of("next", "/account"));
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

    /** The verifier's reason for refusing a passkey (its problem's reason code) in words a user can act on. */
    static String refusal(VerifierException e, boolean signIn) {
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
}
