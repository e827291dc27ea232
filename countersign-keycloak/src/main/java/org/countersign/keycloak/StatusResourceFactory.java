package org.countersign.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.Config;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;

/**
 * {@code /realms/{realm}/countersign/…}: the small endpoints the waiting pages call instead of reloading (C-F5).
 * Each call is tied to the caller's own sign-in through Keycloak's authentication-session cookie plus the client
 * and tab ids of the page, so a request id alone gives nothing away and cannot be cancelled by someone else.
 */
public final class StatusResourceFactory implements RealmResourceProviderFactory {
    public static final String ID = "countersign";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long-poll window of one status call: below common proxy idle time-outs. */
    static final int WAIT_SECONDS = 20;

    private Verifier.Clients clients;

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        Endpoints endpoints = new Endpoints(session, clients);
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return endpoints;
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
        clients = new Verifier.Clients();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    public static final class Endpoints {
        private final KeycloakSession session;
        private final Verifier.Clients clients;

        Endpoints(KeycloakSession session, Verifier.Clients clients) {
            this.session = session;
            this.clients = clients;
        }

        /** Long-polls the verifier for this sign-in's request; the page submits its form once it has ended. */
        @GET
        @Path("oob/status")
        @Produces(MediaType.APPLICATION_JSON)
        public Response oobStatus(@QueryParam("client_id") String clientId, @QueryParam("tab_id") String tabId) {
            AuthenticationSessionModel auth = authSession(clientId, tabId);
            String requestId = auth == null ? null : auth.getAuthNote(OobAuthenticator.NOTE_REQUEST);
            if (requestId == null) {
                return json(404, JSON.createObjectNode().put("status", "unknown"));
            }
            try {
                JsonNode r = verifier(auth).request(requestId, WAIT_SECONDS);
                ObjectNode out = JSON.createObjectNode().put("status", r.path("status").asText("pending"));
                if (r.hasNonNull("code")) {
                    out.put("code", r.path("code").asText());
                }
                return json(200, out);
            } catch (Verifier.Failure | CountersignSettings.Misconfigured e) {
                // The page submits and the step shows the error page.
                return json(200, JSON.createObjectNode().put("status", "error"));
            }
        }

        /** The user left the page (pagehide beacon): withdraw the request so the phone stops offering it. */
        @POST
        @Path("oob/cancel")
        @Produces(MediaType.APPLICATION_JSON)
        public Response oobCancel(@QueryParam("client_id") String clientId, @QueryParam("tab_id") String tabId) {
            if (!sameOrigin()) {
                // A page of another site cannot withdraw the user's sign-in with the user's cookie.
                return json(403, JSON.createObjectNode().put("status", "forbidden"));
            }
            AuthenticationSessionModel auth = authSession(clientId, tabId);
            String requestId = auth == null ? null : auth.getAuthNote(OobAuthenticator.NOTE_REQUEST);
            if (requestId == null) {
                return json(404, JSON.createObjectNode().put("status", "unknown"));
            }
            try {
                OobAuthenticator.withdraw(verifier(auth), requestId);
            } catch (CountersignSettings.Misconfigured e) {
                return json(503, JSON.createObjectNode().put("status", "error"));
            }
            return json(200, JSON.createObjectNode().put("status", "cancelled"));
        }

        /** Whether the signed-in user's phone has finished enrolment (the set-up page continues by itself). */
        @GET
        @Path("enrol/status")
        @Produces(MediaType.APPLICATION_JSON)
        public Response enrolStatus(@QueryParam("client_id") String clientId, @QueryParam("tab_id") String tabId) {
            AuthenticationSessionModel auth = authSession(clientId, tabId);
            if (auth == null || auth.getAuthenticatedUser() == null || auth.getAuthNote(EnrolAction.NOTE_URI) == null) {
                return json(404, JSON.createObjectNode().put("enrolled", false));
            }
            try {
                RealmModel realm = session.getContext().getRealm();
                boolean done = clients.forSettings(CountersignSettings.resolve(session, realm, null))
                        .hasActiveAuthenticator(auth.getAuthenticatedUser().getUsername());
                return json(200, JSON.createObjectNode().put("enrolled", done));
            } catch (Verifier.Failure | CountersignSettings.Misconfigured e) {
                return json(200, JSON.createObjectNode().put("enrolled", false));
            }
        }

        /** No Origin header (older browsers, direct calls) or Keycloak's own origin as the browser addressed it. */
        private boolean sameOrigin() {
            String origin = session.getContext().getRequestHeaders().getHeaderString("Origin");
            if (origin == null) {
                return true;
            }
            java.net.URI base = session.getContext().getUri().getBaseUri();
            String own = base.getScheme() + "://" + base.getHost() + (base.getPort() == -1 ? "" : ":" + base.getPort());
            return own.equalsIgnoreCase(origin);
        }

        private AuthenticationSessionModel authSession(String clientId, String tabId) {
            if (clientId == null || tabId == null) {
                return null;
            }
            RealmModel realm = session.getContext().getRealm();
            ClientModel client = realm.getClientByClientId(clientId);
            RootAuthenticationSessionModel root = new AuthenticationSessionManager(session)
                    .getCurrentRootAuthenticationSession(realm);
            if (client == null || root == null) {
                return null;
            }
            return root.getAuthenticationSession(client, tabId);
        }

        private Verifier verifier(AuthenticationSessionModel auth) throws CountersignSettings.Misconfigured {
            RealmModel realm = session.getContext().getRealm();
            String configId = auth.getAuthNote(OobAuthenticator.NOTE_CONFIG);
            return clients.forSettings(CountersignSettings.resolve(session, realm,
                    configId == null ? null : realm.getAuthenticatorConfigById(configId)));
        }

        private static Response json(int status, ObjectNode body) {
            return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store")
                    .entity(body.toString()).build();
        }
    }
}
