package org.countersign.server.oob;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.function.Supplier;
import org.countersign.server.auth.Caller;
import org.countersign.server.http.Access;
import org.countersign.server.http.ApiException;
import org.countersign.server.http.ApiServer;
import org.countersign.server.http.Body;
import org.countersign.server.http.ProblemType;
import org.countersign.server.http.Requests;
import org.countersign.server.http.Validate;
import org.countersign.server.oob.AuthenticatorRepository.Authenticator;

/**
 * HTTP binding of {@link OutOfBandService} as fixed by docs/oob-api.md. Relying-party routes need the tenant's key;
 * authenticator routes are public at the HTTP layer and authenticated here by enrolment code or device signature.
 */
final class OobRoutes implements ApiServer.Routes {
    static final String STREAM = "/v1/oob/authenticator/stream";
    static final String PENDING = "/v1/oob/authenticator/pending";
    static final int MAX_WAIT_SECONDS = 30;

    private final OutOfBandService service;
    private final OobEvents events;
    private final Body body;
    private final Supplier<String> baseUrl;
    private final AuthenticatorAddress addresses;

    OobRoutes(OutOfBandService service, OobEvents events, Body body, Supplier<String> baseUrl,
            AuthenticatorAddress addresses) {
        this.service = service;
        this.events = events;
        this.body = body;
        this.baseUrl = baseUrl;
        this.addresses = addresses;
    }

    @Override
    public void accept(JavalinConfig config) {
        var r = config.routes;
        // relying-party server → verifier
        r.post("/v1/oob/enrolments", this::issueEnrolment, Access.TENANT);
        r.get("/v1/oob/users/{userId}/authenticators", this::listAuthenticators, Access.TENANT);
        r.post("/v1/oob/users/{userId}/authenticators/{authenticatorId}/rename", this::rename, Access.TENANT);
        r.delete("/v1/oob/users/{userId}/authenticators/{authenticatorId}", this::revoke, Access.TENANT);
        r.post("/v1/oob/requests", this::createRequest, Access.TENANT);
        r.get("/v1/oob/requests/{requestId}", this::result, Access.TENANT);
        r.post("/v1/oob/requests/{requestId}/terminal-assertion", this::terminalAssertion, Access.TENANT);
        r.post("/v1/oob/requests/{requestId}/cancel", this::cancel, Access.TENANT);
        r.get("/v1/oob/users/{userId}/password-login", this::getPasswordLogin, Access.TENANT);
        r.put("/v1/oob/users/{userId}/password-login", this::setPasswordLogin, Access.TENANT);
        r.post("/v1/oob/users/{userId}/release", this::release, Access.TENANT);
        r.post("/v1/oob/users/{userId}/recover", this::recover, Access.TENANT);
        r.get("/v1/oob/settings", ctx -> ctx.json(service.settings(Requests.tenant(ctx))), Access.TENANT);
        r.put("/v1/oob/settings", this::saveSettings, Access.TENANT);
        // authenticator → verifier
        r.post("/v1/oob/authenticator/enrolments", this::completeEnrolment, Access.PUBLIC);
        r.get(STREAM, this::stream, Access.PUBLIC);
        r.get(PENDING, this::pending, Access.PUBLIC);
        r.post("/v1/oob/authenticator/responses", this::decide, Access.PUBLIC);
        // Open streams never finish by themselves; end them first so the HTTP server can stop gracefully.
        config.events.serverStopping(events::closeStreams);
    }

    private static Caller caller(Context ctx) {
        return Requests.caller(ctx);
    }

    private static String userId(Context ctx) {
        try {
            return Validate.id("userId", ctx.pathParam("userId"));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    private void issueEnrolment(Context ctx) {
        String tenant = Requests.tenant(ctx);
        OobMessages.IssueEnrolment req = body.read(ctx, OobMessages.IssueEnrolment.class);
        OutOfBandService.EnrolmentIssued issued = service.issueEnrolment(tenant, req.userId(), caller(ctx));
        String uri = baseUrl.get() + "/authenticator/?enrol=" + issued.canonicalCode() + "&tenant=" + tenant;
        ctx.status(201).json(new OobMessages.EnrolmentIssuedView(issued.enrolmentId(), issued.userId(),
                issued.enrolmentCode(), uri, QrCodes.pngBase64(uri), issued.expiresAt().toString()));
    }

    private void completeEnrolment(Context ctx) {
        OobMessages.CompleteEnrolment req = body.read(ctx, OobMessages.CompleteEnrolment.class);
        ctx.status(201).json(service.completeEnrolment(req, caller(ctx)));
    }

    private void listAuthenticators(Context ctx) {
        ctx.json(new OobMessages.AuthenticatorList(service.listAuthenticators(Requests.tenant(ctx), userId(ctx))
                .stream().map(OobMessages.AuthenticatorView::of).toList()));
    }

    private void rename(Context ctx) {
        OobMessages.Rename req = body.read(ctx, OobMessages.Rename.class);
        ctx.json(OobMessages.AuthenticatorView.of(service.rename(Requests.tenant(ctx), userId(ctx), ctx.pathParam("authenticatorId"), req.deviceName(),
                caller(ctx))));
    }

    private void revoke(Context ctx) {
        service.revoke(Requests.tenant(ctx), userId(ctx), ctx.pathParam("authenticatorId"), caller(ctx));
        ctx.status(204);
    }

    private void createRequest(Context ctx) {
        String tenant = Requests.tenant(ctx);
        OobMessages.CreateRequest req = body.read(ctx, OobMessages.CreateRequest.class);
        OutOfBandService.RequestCreated c;
        try {
            c = service.createRequest(tenant, req, caller(ctx));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage()); // offset fields the core refused
        }
        ctx.status(201).json(new OobMessages.RequestCreatedView(c.requestId(), c.status().wire(), c.code().orElse(null),
                c.digits(), c.expiresAt().toString(), c.validitySeconds(), c.mode(), c.webauthn().orElse(null),
                c.status() == RequestRepository.Status.QUEUED ? c.queuePosition() : null,
                c.code().map(code -> "countersign-oob:" + c.requestId() + ":" + code).orElse(null)));
    }

    private void result(Context ctx) {
        String tenant = Requests.tenant(ctx);
        String requestId = ctx.pathParam("requestId");
        if (!Ids.wellFormed(requestId, "req")) {
            throw ApiException.notFound("request");
        }
        int wait = waitSeconds(ctx.queryParam("waitSeconds"));
        Caller caller = caller(ctx);
        ctx.future(() -> service.awaitResult(tenant, requestId, wait, caller).thenAccept(ctx::json));
    }

    private void terminalAssertion(Context ctx) {
        String requestId = ctx.pathParam("requestId");
        if (!Ids.wellFormed(requestId, "req")) {
            throw ApiException.notFound("request");
        }
        OobMessages.TerminalAssertion req = body.read(ctx, OobMessages.TerminalAssertion.class);
        ctx.json(service.bindTerminal(Requests.tenant(ctx), requestId, req.toAssertion(), caller(ctx)));
    }

    private void cancel(Context ctx) {
        String requestId = ctx.pathParam("requestId");
        if (!Ids.wellFormed(requestId, "req")) {
            throw ApiException.notFound("request");
        }
        ctx.json(service.cancel(Requests.tenant(ctx), requestId, caller(ctx)));
    }

    static int waitSeconds(String raw) {
        if (raw == null) {
            return 0;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v >= 0 && v <= MAX_WAIT_SECONDS) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ApiException.invalid("waitSeconds must be a whole number from 0 to " + MAX_WAIT_SECONDS);
    }

    private void getPasswordLogin(Context ctx) {
        ctx.json(new OobMessages.PasswordLoginView(service.passwordLoginDisabled(Requests.tenant(ctx), userId(ctx))));
    }

    private void setPasswordLogin(Context ctx) {
        OobMessages.PasswordLogin req = body.read(ctx, OobMessages.PasswordLogin.class);
        ctx.json(new OobMessages.PasswordLoginView(service.setPasswordLoginDisabled(Requests.tenant(ctx), userId(ctx),
                req.disabled(), caller(ctx))));
    }

    private void release(Context ctx) {
        ctx.json(service.release(Requests.tenant(ctx), userId(ctx), caller(ctx)));
    }

    private void recover(Context ctx) {
        OobMessages.Recover req = body.read(ctx, OobMessages.Recover.class);
        ctx.json(service.recover(Requests.tenant(ctx), userId(ctx), req.recoveryCode(), caller(ctx)));
    }

    private void saveSettings(Context ctx) {
        OobSettings s = body.read(ctx, OobSettings.class);
        ctx.json(service.saveSettings(Requests.tenant(ctx), s, caller(ctx)));
    }

    private void pending(Context ctx) {
        Authenticator a = service.authenticateQuery("GET", PENDING, ctx.queryParam("authenticatorId"), ctx.queryParam("ts"),
                ctx.queryParam("sig"));
        ctx.json(new OobMessages.PendingRequests(service.pendingFor(a, addresses.of(ctx))));
    }

    private void decide(Context ctx) {
        OobMessages.Decide req = body.read(ctx, OobMessages.Decide.class);
        ctx.json(new OobMessages.DecisionRecorded(service.decide(req, Requests.caller(ctx, addresses.of(ctx)))));
    }

    /** C-F3 push: a server-sent event stream per authenticator, fed by announcements from every node. */
    private void stream(Context ctx) throws Exception {
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            throw ApiException.invalid("send 'Accept: text/event-stream' to open the stream, or poll " + PENDING);
        }
        // Authenticate before the SSE handler commits the 200 response, so refusals are still problem documents.
        Authenticator a = service.authenticateQuery("GET", STREAM, ctx.queryParam("authenticatorId"), ctx.queryParam("ts"),
                ctx.queryParam("sig"));
        if (!events.accepting()) {
            // A stopping node takes no new stream (the phone retries, and reaches another node behind a balancer).
            throw new ApiException(ProblemType.SERVICE_UNAVAILABLE, "this node is stopping; reconnect");
        }
        String address = addresses.of(ctx);
        new SseHandler(client -> {
            client.keepAlive();
            SseStream s = new SseStream(a, client, address);
            client.onClose(() -> events.unregister(s));
            if (!events.register(s)) {
                return; // the node is stopping: the stream was closed, the phone reconnects to another node
            }
            // Requests already pending when the stream opens (a reconnect, or a push that raced the connection).
            for (OobMessages.RequestEvent r : service.pendingFor(a, address)) {
                s.send("request", OutOfBandService.Json.write(r));
            }
        }).handle(ctx);
    }

    /** An open SSE connection; sends are serialised because keep-alives and events come from different threads. */
    private static final class SseStream implements OobEvents.Stream {
        private final Authenticator a;
        private final SseClient client;
        private final String address;

        SseStream(Authenticator a, SseClient client, String address) {
            this.a = a;
            this.client = client;
            this.address = address;
        }

        @Override
        public String address() {
            return address;
        }

        @Override
        public String tenantId() {
            return a.tenantId();
        }

        @Override
        public String userId() {
            return a.userId();
        }

        @Override
        public String authenticatorId() {
            return a.authenticatorId();
        }

        @Override
        public synchronized boolean send(String event, String data) {
            if (client.terminated()) {
                return false;
            }
            client.sendEvent(event, data);
            return !client.terminated();
        }

        @Override
        public synchronized boolean comment(String text) {
            if (client.terminated()) {
                return false;
            }
            client.sendComment(text);
            return !client.terminated();
        }

        @Override
        public synchronized void close() {
            if (!client.terminated()) {
                client.close();
            }
        }
    }
}
