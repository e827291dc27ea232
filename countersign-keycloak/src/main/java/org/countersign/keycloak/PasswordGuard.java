package org.countersign.keycloak;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.System.Logger.Level;
import org.keycloak.Config;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * C-S1 (X.1280 §9.2.1) inside Keycloak: placed in a flow that ends with a password only (the direct-grant flow, or
 * a password-only branch of a browser flow), it refuses every user who has an active Countersign authenticator,
 * so such users can sign in only through the out-of-band step. Users without one pass. Fails closed when the
 * verifier cannot be asked.
 */
public final class PasswordGuard implements Authenticator {
    private static final System.Logger LOG = System.getLogger(PasswordGuard.class.getName());

    private final KeycloakSession session;
    private final Verifier.Clients clients;

    PasswordGuard(KeycloakSession session, Verifier.Clients clients) {
        this.session = session;
        this.clients = clients;
    }

    @Override
    public void authenticate(AuthenticationFlowContext ctx) {
        String user = ctx.getUser().getUsername();
        boolean enrolled;
        try {
            enrolled = clients.forSettings(CountersignSettings.resolve(session, ctx.getRealm(), ctx.getAuthenticatorConfig()))
                    .hasActiveAuthenticator(user);
        } catch (CountersignSettings.Misconfigured | Verifier.Failure e) {
            LOG.log(Level.WARNING, "Countersign guard cannot ask the verifier about {0}: {1}", user, e.getMessage());
            enrolled = true;
        }
        if (!enrolled) {
            ctx.success();
            return;
        }
        ctx.getEvent().detail("countersign_guard", "password-only refused");
        ctx.failure(AuthenticationFlowError.ACCESS_DENIED, refusal(ctx));
    }

    /** The token endpoint (direct grant) answers OAuth JSON; a browser flow shows Keycloak's error page. */
    private static Response refusal(AuthenticationFlowContext ctx) {
        if (ctx.getUriInfo().getPath().endsWith("/protocol/openid-connect/token")) {
            return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                            .put("error", "invalid_grant")
                            .put("error_description", "This account signs in with its Countersign authenticator only")
                            .toString())
                    .build();
        }
        return ctx.form().setError(Messages.PASSWORD_ONLY_REFUSED).createErrorPage(Response.Status.UNAUTHORIZED);
    }

    @Override
    public void action(AuthenticationFlowContext ctx) {}

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession s, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession s, RealmModel realm, UserModel user) {}

    @Override
    public void close() {}

    /** Registers "Countersign: refuse password-only sign-in". */
    public static final class Factory implements AuthenticatorFactory {
        public static final String ID = "countersign-password-guard";
        private Verifier.Clients clients;

        @Override
        public Authenticator create(KeycloakSession session) {
            return new PasswordGuard(session, clients);
        }

        @Override
        public String getId() {
            return ID;
        }

        @Override
        public String getDisplayType() {
            return "Countersign: refuse password-only sign-in";
        }

        @Override
        public String getReferenceCategory() {
            return null;
        }

        @Override
        public boolean isConfigurable() {
            return true;
        }

        @Override
        public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
            return new AuthenticationExecutionModel.Requirement[] {AuthenticationExecutionModel.Requirement.REQUIRED,
                    AuthenticationExecutionModel.Requirement.DISABLED};
        }

        @Override
        public boolean isUserSetupAllowed() {
            return false;
        }

        @Override
        public String getHelpText() {
            return "Refuses users who have a Countersign authenticator (C-S1). Put it after the password step of "
                    + "password-only flows such as direct grant. Without its own settings it uses the realm's "
                    + "Countersign out-of-band settings.";
        }

        @Override
        public java.util.List<ProviderConfigProperty> getConfigProperties() {
            return OobAuthenticatorFactory.verifierProperties();
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
