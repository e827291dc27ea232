package org.countersign.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.core.Response;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * "Set up Countersign authenticator" (X.1280 §8.1, C-F1): shows the verifier's enrolment QR, link and code; the
 * page waits for the phone to finish enrolment, then the sign-in continues. The recovery codes are the user's
 * alone: the verifier hands them to the authenticator at the first enrolment, never to the relying party, so this
 * page reminds the user to keep the ones the phone shows.
 */
public final class EnrolAction implements RequiredActionProvider {
    public static final String ID = "countersign-enrol";
    private static final System.Logger LOG = System.getLogger(EnrolAction.class.getName());
    static final String NOTE_URI = "countersign.enrol.uri";
    static final String NOTE_CODE = "countersign.enrol.code";
    static final String NOTE_QR = "countersign.enrol.qr";
    static final String NOTE_EXPIRES = "countersign.enrol.expiresAt";

    private final KeycloakSession session;
    private final Verifier.Clients clients;

    EnrolAction(KeycloakSession session, Verifier.Clients clients) {
        this.session = session;
        this.clients = clients;
    }

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext ctx) {}

    @Override
    public void requiredActionChallenge(RequiredActionContext ctx) {
        Verifier verifier = verifier(ctx);
        if (verifier == null) {
            return;
        }
        AuthenticationSessionModel auth = ctx.getAuthenticationSession();
        if (!open(auth)) {
            JsonNode e;
            try {
                e = verifier.createEnrolment(ctx.getUser().getUsername());
            } catch (Verifier.Failure f) {
                LOG.log(Level.WARNING, "Countersign enrolment for {0} failed: {1}", ctx.getUser().getUsername(),
                        f.getMessage());
                ctx.challenge(ctx.form().setError(Messages.UNAVAILABLE).createErrorPage(Response.Status.SERVICE_UNAVAILABLE));
                return;
            }
            auth.setAuthNote(NOTE_URI, e.path("enrolmentUri").asText());
            auth.setAuthNote(NOTE_CODE, e.path("enrolmentCode").asText());
            auth.setAuthNote(NOTE_QR, e.path("qrPngBase64").asText());
            auth.setAuthNote(NOTE_EXPIRES, e.path("expiresAt").asText());
        }
        ctx.challenge(page(ctx, null));
    }

    @Override
    public void processAction(RequiredActionContext ctx) {
        Verifier verifier = verifier(ctx);
        if (verifier == null) {
            return;
        }
        boolean done;
        try {
            done = verifier.hasActiveAuthenticator(ctx.getUser().getUsername());
        } catch (Verifier.Failure f) {
            LOG.log(Level.WARNING, "Countersign authenticators of {0} unavailable: {1}", ctx.getUser().getUsername(),
                    f.getMessage());
            done = false;
        }
        if (!done) {
            if (!open(ctx.getAuthenticationSession())) {
                requiredActionChallenge(ctx);
                return;
            }
            ctx.challenge(page(ctx, Messages.ENROL_NOT_YET));
            return;
        }
        for (String n : List.of(NOTE_URI, NOTE_CODE, NOTE_QR, NOTE_EXPIRES)) {
            ctx.getAuthenticationSession().removeAuthNote(n);
        }
        ctx.getEvent().detail("countersign_enrolled", "true");
        ctx.success();
    }

    /** Whether this sign-in already holds an enrolment that has not expired (a reload shows the same code). */
    private static boolean open(AuthenticationSessionModel auth) {
        String expires = auth.getAuthNote(NOTE_EXPIRES);
        if (expires == null || auth.getAuthNote(NOTE_URI) == null) {
            return false;
        }
        try {
            return Instant.parse(expires).isAfter(Instant.now().plusSeconds(30));
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private Response page(RequiredActionContext ctx, String error) {
        AuthenticationSessionModel auth = ctx.getAuthenticationSession();
        String base = OobAuthenticator.realmBase(ctx.getUriInfo().getBaseUri(), ctx.getRealm());
        String query = "?client_id=" + OobAuthenticator.enc(auth.getClient().getClientId()) + "&tab_id="
                + OobAuthenticator.enc(auth.getTabId());
        var form = ctx.form()
                .setAttribute("countersignEnrolUri", auth.getAuthNote(NOTE_URI))
                .setAttribute("countersignEnrolCode", auth.getAuthNote(NOTE_CODE))
                .setAttribute("countersignEnrolQr", "data:image/png;base64," + auth.getAuthNote(NOTE_QR))
                .setAttribute("countersignEnrolStatusUrl", base + "enrol/status" + query);
        if (error != null) {
            form.setError(error);
        }
        return form.createForm("countersign-enrol.ftl");
    }

    private Verifier verifier(RequiredActionContext ctx) {
        try {
            return clients.forSettings(CountersignSettings.resolve(session, ctx.getRealm(), null));
        } catch (CountersignSettings.Misconfigured e) {
            LOG.log(Level.ERROR, "Countersign set-up in realm {0} is misconfigured: {1}", ctx.getRealm().getName(),
                    e.getMessage());
            ctx.challenge(ctx.form().setError(Messages.UNAVAILABLE).createErrorPage(Response.Status.SERVICE_UNAVAILABLE));
            return null;
        }
    }

    @Override
    public void close() {}

    /** Registers the required action; it uses the realm's "Countersign out-of-band" settings. */
    public static final class Factory implements RequiredActionFactory {
        private Verifier.Clients clients;

        @Override
        public RequiredActionProvider create(KeycloakSession session) {
            return new EnrolAction(session, clients);
        }

        @Override
        public String getId() {
            return ID;
        }

        @Override
        public String getDisplayText() {
            return "Set up Countersign authenticator";
        }

        @Override
        public void init(Config.Scope config) {
            clients = new Verifier.Clients();
        }

        @Override
        public void postInit(KeycloakSessionFactory factory) {}

        @Override
        public void close() {}
    }
}
