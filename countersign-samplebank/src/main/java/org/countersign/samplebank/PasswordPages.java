package org.countersign.samplebank;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.countersign.samplebank.VerifierClient.VerifierException;

/** Password sign-in (restricted by C-S1), opening an account, and recovery with a recovery code (C-S2). */
final class PasswordPages {
    private final Web web;

    PasswordPages(Web web) {
        this.web = web;
    }

    void register(RoutesConfig routes) {
        routes.get("/password", ctx -> passwordPage(ctx, null));
        routes.post("/password", this::passwordLogin);
        routes.get("/signup", ctx -> signupPage(ctx, null));
        routes.post("/signup", this::signup);
        routes.get("/recover", ctx -> recoverPage(ctx, null));
        routes.post("/recover", this::recover);
    }

    private void passwordPage(Context ctx, String error) {
        web.render(ctx, "Sign in with a password", "password.jte", new Views.Form(error));
    }

    private void passwordLogin(Context ctx) {
        if (!web.requireCsrf(ctx)) {
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
        if (web.verifier.passwordLoginDisabled(userId)) {
            passwordPage(ctx, "Password sign-in is turned off for this account. Sign in with your authenticator.");
            return;
        }
        if (!web.accounts.checkPassword(userId, password)) {
            passwordPage(ctx, "Wrong user id or password.");
            return;
        }
        web.sessions.signIn(ctx, userId).flash = "Signed in with your password.";
        ctx.redirect("/account", HttpStatus.SEE_OTHER);
    }

    private void signupPage(Context ctx, String error) {
        web.render(ctx, "Open an account", "signup.jte", new Views.Form(error));
    }

    private void signup(Context ctx) {
        if (!web.requireCsrf(ctx)) {
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
        if (web.accounts.open(userId, password).isEmpty()) {
            signupPage(ctx, "That user id is taken.");
            return;
        }
        web.sessions.signIn(ctx, userId).flash = "Account opened. Set up an authenticator below to sign in without a password.";
        ctx.redirect("/account", HttpStatus.SEE_OTHER);
    }

    private void recoverPage(Context ctx, String error) {
        web.render(ctx, "Recover your account", "recover.jte", new Views.Form(error));
    }

    private void recover(Context ctx) {
        if (!web.requireCsrf(ctx)) {
            return;
        }
        String userId = String.valueOf(ctx.formParam("userId")).trim();
        String code = String.valueOf(ctx.formParam("recoveryCode")).trim();
        if (!Accounts.validUserId(userId) || code.isEmpty()) {
            recoverPage(ctx, "Type your user id and a recovery code.");
            return;
        }
        try {
            web.verifier.recover(userId, code);
        } catch (VerifierException e) {
            if (e.status() / 100 == 4) {
                recoverPage(ctx, e.status() == 429 ? "Too many wrong recovery codes: recovery is locked for a while."
                        : "That recovery code is not valid for this user id.");
                return;
            }
            throw e;
        }
        web.sessions.signIn(ctx, userId).flash = "Recovered: all your authenticators were released. Choose a new "
                + "password and set up a new authenticator.";
        ctx.redirect("/account", HttpStatus.SEE_OTHER);
    }
}
