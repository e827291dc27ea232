package org.countersign.samplebank;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.countersign.samplebank.Accounts.Account;
import org.countersign.samplebank.Sessions.Session;
import org.countersign.samplebank.VerifierClient.VerifierException;

/**
 * The signed-in user's account: authenticators (enrol C-F1, revoke), passkeys, password settings (C-S1) and the
 * release of every authenticator when a device is lost (C-S2).
 */
final class AccountPages {
    private final Web web;

    AccountPages(Web web) {
        this.web = web;
    }

    void register(RoutesConfig routes) {
        routes.get("/account", this::account);
        routes.post("/account/enrol", this::enrol);
        routes.post("/account/authenticators/{id}/revoke", this::revoke);
        routes.post("/account/password-login", this::passwordLoginSetting);
        routes.post("/account/password", this::changePassword);
        routes.post("/account/release", this::release);
    }

    private void account(Context ctx) {
        Optional<Session> maybe = web.requireUser(ctx);
        if (maybe.isEmpty()) {
            return;
        }
        Session s = maybe.get();
        String user = s.userId;
        String flash = Web.takeFlash(s);
        boolean renewed = web.accounts.get(user).filter(a -> a.passwordRenewed).isPresent();
        List<Views.Device> devices = new ArrayList<>();
        for (JsonNode a : listOrEmpty(() -> web.verifier.authenticators(user).path("authenticators"))) {
            devices.add(new Views.Device(a.path("authenticatorId").asText(), a.path("deviceName").asText(),
                    Web.readableTime(a.path("createdAt").asText()),
                    a.hasNonNull("lastUsedAt") ? Web.readableTime(a.path("lastUsedAt").asText()) : "never",
                    a.path("status").asText(), "active".equals(a.path("status").asText())));
        }
        List<Views.Passkey> passkeys = new ArrayList<>();
        for (JsonNode k : listOrEmpty(() -> web.verifier.passkeys(user).path("credentials"))) {
            String id = k.path("credentialId").asText();
            passkeys.add(new Views.Passkey(id, PasskeyPages.shortId(id), Web.readableTime(k.path("createdAt").asText()),
                    k.hasNonNull("lastUsedAt") ? Web.readableTime(k.path("lastUsedAt").asText()) : "never",
                    k.path("assurance").path("credentialProtection").asText("unknown"),
                    k.path("assurance").path("attestation").asText("none"),
                    k.hasNonNull("revokedAt") ? "revoked" : "active"));
        }
        boolean disabled;
        try {
            disabled = web.verifier.passwordLoginDisabled(user);
        } catch (VerifierException e) {
            disabled = false;
        }
        web.render(ctx, "Your account", "account.jte",
                new Views.Account(flash, s.signedInWith, renewed, devices, passkeys, disabled));
    }

    /** A user the verifier does not know yet (404) simply has none. */
    private static JsonNode listOrEmpty(Supplier<JsonNode> call) {
        try {
            return call.get();
        } catch (VerifierException e) {
            if (e.status() != 404) {
                throw e;
            }
            return Web.JSON.createArrayNode();
        }
    }

    private void enrol(Context ctx) {
        if (!web.requireCsrf(ctx)) {
            return;
        }
        Optional<Session> maybe = web.requireUser(ctx);
        if (maybe.isEmpty()) {
            return;
        }
        // C-F1 (X.1280 §8.1): the user is signed in here (identity proven to the bank), so the bank asks the
        // verifier for registration information and hands it over by QR code or link.
        JsonNode e = web.verifier.createEnrolment(maybe.get().userId);
        String uri = e.path("enrolmentUri").asText();
        // The verifier's own QR picture when it sends one; otherwise the bank draws the same link.
        String qr = e.hasNonNull("qrPngBase64") ? e.path("qrPngBase64").asText() : Qr.png(uri, 220);
        web.render(ctx, "Set up an authenticator", "enrol.jte", new Views.Enrolment(qr, uri,
                e.path("enrolmentCode").asText(), Web.readableTime(e.path("expiresAt").asText())));
    }

    private void revoke(Context ctx) {
        if (!web.requireCsrf(ctx)) {
            return;
        }
        web.requireUser(ctx).ifPresent(s -> {
            web.verifier.revoke(s.userId, ctx.pathParam("id"));
            s.flash = "The authenticator was revoked.";
            ctx.redirect("/account", HttpStatus.SEE_OTHER);
        });
    }

    private void passwordLoginSetting(Context ctx) {
        if (!web.requireCsrf(ctx)) {
            return;
        }
        web.requireUser(ctx).ifPresent(s -> {
            boolean disable = "true".equals(ctx.formParam("disabled"));
            web.verifier.setPasswordLoginDisabled(s.userId, disable);
            s.flash = disable ? "Password sign-in is now off." : "Password sign-in is now allowed.";
            ctx.redirect("/account", HttpStatus.SEE_OTHER);
        });
    }

    private void changePassword(Context ctx) {
        if (!web.requireCsrf(ctx)) {
            return;
        }
        web.requireUser(ctx).ifPresent(s -> {
            String pw = ctx.formParam("newPassword");
            if (pw == null || pw.length() < 10) {
                s.flash = "The password needs at least 10 characters.";
            } else {
                Account a = web.accounts.get(s.userId).orElseGet(() -> web.accounts.open(s.userId, pw).orElseThrow());
                web.accounts.setPassword(a, pw, false);
                s.flash = "Your password was changed.";
            }
            ctx.redirect("/account", HttpStatus.SEE_OTHER);
        });
    }

    private void release(Context ctx) {
        if (!web.requireCsrf(ctx)) {
            return;
        }
        web.requireUser(ctx).ifPresent(s -> {
            // C-S2 (X.1280 §9.2.2): the user is signed in, which is this sample's identity check.
            JsonNode r = web.verifier.release(s.userId);
            s.flash = r.path("revokedAuthenticators").asInt() + " authenticator(s) released. Set a new password and "
                    + "set up a new authenticator.";
            ctx.redirect("/account", HttpStatus.SEE_OTHER);
        });
    }
}
