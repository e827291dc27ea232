package org.countersign.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.authentication.authenticators.util.AcrStore;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * "Countersign out-of-band": the X.1280 server-authentication step of a browser flow (§8.2–§8.5). Keycloak is the
 * relying-party server: it reports the offset it observes, shows the code, and lets the user in only when the
 * verifier says the user's phone approved.
 */
final class OobAuthenticator implements Authenticator {
    private static final System.Logger LOG = System.getLogger(OobAuthenticator.class.getName());

    static final String NOTE_REQUEST = "countersign.requestId";
    static final String NOTE_CODE = "countersign.code";
    static final String NOTE_EXPIRES = "countersign.expiresAt";
    static final String NOTE_PAYLOAD = "countersign.qrPayload";
    static final String NOTE_CONFIG = "countersign.configId";

    private final KeycloakSession session;
    private final Verifier.Clients clients;

    OobAuthenticator(KeycloakSession session, Verifier.Clients clients) {
        this.session = session;
        this.clients = clients;
    }

    @Override
    public void authenticate(AuthenticationFlowContext ctx) {
        Verifier verifier = verifier(ctx);
        if (verifier == null) {
            return;
        }
        UserModel user = ctx.getUser();
        AuthenticationSessionModel auth = ctx.getAuthenticationSession();
        if (stillOpen(verifier, auth)) {
            // A reload of the page: show the request already on the phone rather than ask for a second one,
            // which the verifier would refuse while the first is open (C-S4).
            ctx.challenge(page(ctx, null));
            return;
        }
        Browsers.Browser browser = Browsers.parse(ctx.getHttpRequest().getHttpHeaders().getHeaderString("User-Agent"));
        // X.1280 §8.3: the offset is what this server sees of the sign-in — its own address, the session, the
        // terminal's address (as Keycloak's proxy settings resolve it) and browser.
        Verifier.Offset offset = new Verifier.Offset(user.getUsername(), ctx.getConnection().getLocalAddr(),
                sessionReference(auth), ctx.getConnection().getRemoteAddr(), browser.name(), browser.version());
        JsonNode r;
        try {
            r = verifier.createRequest(offset);
        } catch (Verifier.Failure f) {
            switch (f.problem()) {
                case "no-authenticator" -> fail(ctx, AuthenticationFlowError.CREDENTIAL_SETUP_REQUIRED,
                        Messages.NO_AUTHENTICATOR);
                // C-S4 (X.1280 §9.2.4): never stack a second code on the phone.
                case "oob-request-pending" -> fail(ctx, AuthenticationFlowError.ACCESS_DENIED, Messages.PENDING);
                default -> {
                    LOG.log(Level.WARNING, "Countersign request for {0} failed: {1}", user.getUsername(), f.getMessage());
                    fail(ctx, AuthenticationFlowError.INTERNAL_ERROR, Messages.UNAVAILABLE);
                }
            }
            return;
        }
        auth.setAuthNote(NOTE_REQUEST, r.path("requestId").asText());
        auth.setAuthNote(NOTE_CODE, r.path("code").asText(""));
        auth.setAuthNote(NOTE_EXPIRES, r.path("expiresAt").asText(""));
        auth.setAuthNote(NOTE_PAYLOAD, r.path("qrPayload").asText(""));
        if (ctx.getAuthenticatorConfig() != null) {
            auth.setAuthNote(NOTE_CONFIG, ctx.getAuthenticatorConfig().getId());
        }
        ctx.getEvent().detail("countersign_request", r.path("requestId").asText());
        ctx.challenge(page(ctx, null));
    }

    @Override
    public void action(AuthenticationFlowContext ctx) {
        AuthenticationSessionModel auth = ctx.getAuthenticationSession();
        String requestId = auth.getAuthNote(NOTE_REQUEST);
        if (requestId == null) {
            authenticate(ctx);
            return;
        }
        Verifier verifier = verifier(ctx);
        if (verifier == null) {
            return;
        }
        MultivaluedMap<String, String> form = ctx.getHttpRequest().getDecodedFormParameters();
        if (form.containsKey("cancel")) {
            withdraw(verifier, requestId);
            clearNotes(auth);
            ctx.cancelLogin();
            return;
        }
        JsonNode r;
        try {
            r = verifier.request(requestId, 0);
        } catch (Verifier.Failure f) {
            LOG.log(Level.WARNING, "Countersign result of {0} unavailable: {1}", requestId, f.getMessage());
            clearNotes(auth);
            fail(ctx, AuthenticationFlowError.INTERNAL_ERROR, Messages.UNAVAILABLE);
            return;
        }
        String status = r.path("status").asText("pending");
        switch (status) {
            case "approved" -> approved(ctx, r);
            case "rejected" -> end(ctx, AuthenticationFlowError.ACCESS_DENIED, Messages.REJECTED);
            // X.1280 §8.4: the user saw another code on the phone: treat the sign-in as phishing.
            case "codes_differ" -> end(ctx, AuthenticationFlowError.ACCESS_DENIED, Messages.CODES_DIFFER);
            case "expired" -> end(ctx, AuthenticationFlowError.EXPIRED_CODE, Messages.EXPIRED);
            case "cancelled" -> end(ctx, AuthenticationFlowError.ACCESS_DENIED, Messages.CANCELLED);
            default -> {
                // Still pending (or queued): the page came back early, e.g. a reload; show it again.
                if (r.hasNonNull("code")) {
                    auth.setAuthNote(NOTE_CODE, r.path("code").asText());
                    auth.setAuthNote(NOTE_EXPIRES, r.path("expiresAt").asText(""));
                }
                ctx.challenge(page(ctx, null));
            }
        }
    }

    /** Whether this sign-in already has a request that is still pending or queued; refreshes its code. */
    private static boolean stillOpen(Verifier verifier, AuthenticationSessionModel auth) {
        String requestId = auth.getAuthNote(NOTE_REQUEST);
        if (requestId == null) {
            return false;
        }
        try {
            JsonNode r = verifier.request(requestId, 0);
            String status = r.path("status").asText();
            if ("pending".equals(status) || "queued".equals(status)) {
                if (r.hasNonNull("code")) {
                    auth.setAuthNote(NOTE_CODE, r.path("code").asText());
                    auth.setAuthNote(NOTE_EXPIRES, r.path("expiresAt").asText(""));
                }
                return true;
            }
        } catch (Verifier.Failure f) {
            // Unknown or unreachable: start afresh below.
        }
        clearNotes(auth);
        return false;
    }

    private void approved(AuthenticationFlowContext ctx, JsonNode r) {
        AuthenticationSessionModel auth = ctx.getAuthenticationSession();
        UserModel user = ctx.getUser();
        AuthenticatorConfigModel config = ctx.getAuthenticatorConfig();
        if (!user.getUsername().equals(r.path("userId").asText(user.getUsername()))) {
            end(ctx, AuthenticationFlowError.INVALID_USER, Messages.UNAVAILABLE);
            return;
        }
        JsonNode network = r.path("network");
        if (network.path("mismatch").asBoolean(false)
                && CountersignSettings.flag(config, OobAuthenticatorFactory.REFUSE_ON_MISMATCH, true)) {
            // X.1280 §9.1.1: the phone answered from another country or operator than the terminal: a relay.
            ctx.getEvent().detail("countersign_network", network.path("verdict").asText());
            end(ctx, AuthenticationFlowError.ACCESS_DENIED, Messages.RELAY_SUSPECTED);
            return;
        }
        if (CountersignSettings.flag(config, OobAuthenticatorFactory.RENEW_PASSWORD, false)) {
            // C-S5 (X.1280 Annex A): nobody knows the password after an out-of-band sign-in; the verifier's
            // renewed password when the tenant asks for one, else our own random one. Recovery: Keycloak's
            // "forgot password" (C-S2).
            String fresh = r.path("replacementPassword").asText("");
            user.credentialManager().updateCredential(
                    UserCredentialModel.password(fresh.isEmpty() ? randomPassword() : fresh, false));
        }
        int level = CountersignSettings.number(config, OobAuthenticatorFactory.ACR_LEVEL, 2);
        if (level > 0) {
            // The acr claim comes from the level of authentication; the realm's acr.loa.map names it.
            new AcrStore(session, auth).setLevelAuthenticatedToCurrentRequest(level);
        }
        ctx.getEvent().detail("countersign_device", r.path("deviceName").asText(""));
        clearNotes(auth);
        ctx.success();
    }

    private void end(AuthenticationFlowContext ctx, AuthenticationFlowError error, String message) {
        clearNotes(ctx.getAuthenticationSession());
        fail(ctx, error, message);
    }

    private static void fail(AuthenticationFlowContext ctx, AuthenticationFlowError error, String message) {
        ctx.failureChallenge(error, ctx.form().setError(message).createErrorPage(Response.Status.UNAUTHORIZED));
    }

    /** The waiting page: code in big digits, countdown, QR, and a script that waits for the phone. */
    private Response page(AuthenticationFlowContext ctx, String error) {
        AuthenticationSessionModel auth = ctx.getAuthenticationSession();
        String code = auth.getAuthNote(NOTE_CODE);
        String payload = auth.getAuthNote(NOTE_PAYLOAD);
        long secondsLeft = 0;
        try {
            // Sent as a duration, not a time: the countdown then does not depend on the browser's clock.
            secondsLeft = Math.max(0, Instant.now().until(Instant.parse(auth.getAuthNote(NOTE_EXPIRES)),
                    java.time.temporal.ChronoUnit.SECONDS));
        } catch (DateTimeParseException | NullPointerException e) {
            // queued: no window yet
        }
        String base = realmBase(ctx.getUriInfo().getBaseUri(), ctx.getRealm());
        String query = "?client_id=" + enc(auth.getClient().getClientId()) + "&tab_id=" + enc(auth.getTabId());
        var form = ctx.form()
                .setAttribute("countersignCode", code == null ? "" : code)
                .setAttribute("countersignSecondsLeft", Long.toString(secondsLeft))
                .setAttribute("countersignQr", payload == null || payload.isEmpty() ? "" : QrCodes.svg(payload))
                .setAttribute("countersignStatusUrl", base + "oob/status" + query)
                .setAttribute("countersignCancelUrl", base + "oob/cancel" + query);
        if (error != null) {
            form.setError(error);
        }
        return form.createForm("countersign-oob.ftl");
    }

    static String realmBase(URI baseUri, RealmModel realm) {
        String b = baseUri.toString();
        return (b.endsWith("/") ? b : b + "/") + "realms/" + enc(realm.getName()) + "/" + StatusResourceFactory.ID + "/";
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static void withdraw(Verifier verifier, String requestId) {
        try {
            verifier.cancel(requestId);
        } catch (Verifier.Failure f) {
            // Already decided or expired: nothing is left to withdraw.
            LOG.log(Level.DEBUG, "cancel of {0}: {1}", requestId, f.getMessage());
        }
    }

    static void clearNotes(AuthenticationSessionModel auth) {
        for (String n : List.of(NOTE_REQUEST, NOTE_CODE, NOTE_EXPIRES, NOTE_PAYLOAD, NOTE_CONFIG)) {
            auth.removeAuthNote(n);
        }
    }

    /**
     * A stable reference to this sign-in for the offset's session field: derived from the authentication
     * session so it differs per sign-in, hashed so the phone never sees Keycloak's session id.
     */
    static String sessionReference(AuthenticationSessionModel auth) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(
                    (auth.getParentSession().getId() + "/" + auth.getTabId()).getBytes(StandardCharsets.UTF_8));
            return "kc-" + Base64.getUrlEncoder().withoutPadding().encodeToString(h).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** C-S5: 28 characters with all four classes, from SecureRandom. */
    static String randomPassword() {
        String[] classes = {"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "!#%+-.:=?@_~"};
        SecureRandom rnd = new SecureRandom();
        char[] out = new char[28];
        for (int i = 0; i < out.length; i++) {
            String c = classes[i < 4 ? i : rnd.nextInt(classes.length)];
            out[i] = c.charAt(rnd.nextInt(c.length()));
        }
        for (int i = out.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            char t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return new String(out);
    }

    private Verifier verifier(AuthenticationFlowContext ctx) {
        try {
            return clients.forSettings(CountersignSettings.resolve(session, ctx.getRealm(), ctx.getAuthenticatorConfig()));
        } catch (CountersignSettings.Misconfigured e) {
            LOG.log(Level.ERROR, "Countersign step in realm {0} is misconfigured: {1}", ctx.getRealm().getName(),
                    e.getMessage());
            fail(ctx, AuthenticationFlowError.INTERNAL_ERROR, Messages.UNAVAILABLE);
            return null;
        }
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    /**
     * Whether the user has an authenticator. Without one, Keycloak asks for the set-up required action when the
     * realm enables it; otherwise the step runs and shows the "no authenticator" page. An unreachable verifier
     * counts as configured so the step itself fails closed.
     */
    @Override
    public boolean configuredFor(KeycloakSession s, RealmModel realm, UserModel user) {
        RequiredActionProviderModel action = realm.getRequiredActionProviderByAlias(EnrolAction.ID);
        if (action == null || !action.isEnabled()) {
            return true;
        }
        try {
            return clients.forSettings(CountersignSettings.resolve(s, realm, null)).hasActiveAuthenticator(user.getUsername());
        } catch (CountersignSettings.Misconfigured | Verifier.Failure e) {
            return true;
        }
    }

    @Override
    public void setRequiredActions(KeycloakSession s, RealmModel realm, UserModel user) {
        if (user.getRequiredActionsStream().noneMatch(EnrolAction.ID::equals)) {
            user.addRequiredAction(EnrolAction.ID);
        }
    }

    @Override
    public List<RequiredActionFactory> getRequiredActions(KeycloakSession s) {
        return List.of((RequiredActionFactory) s.getKeycloakSessionFactory()
                .getProviderFactory(RequiredActionProvider.class, EnrolAction.ID));
    }

    @Override
    public void close() {}
}
