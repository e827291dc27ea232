package org.countersign.server.remote;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.util.Map;
import java.util.regex.Pattern;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.remote.RemoteMessageType;
import org.countersign.server.http.Access;
import org.countersign.server.http.ApiException;
import org.countersign.server.http.ApiServer;
import org.countersign.server.http.Body;
import org.countersign.server.http.ProblemType;
import org.countersign.server.http.Requests;
import org.countersign.server.http.Validate;
import org.countersign.server.users.UserRepository;

/**
 * HTTP routes of the remote module ({@code /v1/remote}). Relying-party routes need the RP's API key; device routes
 * are public at the HTTP layer because SRP authenticates the device and the channel protects every later message
 * (A-G1, A-G2). Sealed messages travel as {@code application/octet-stream} with the device id in
 * {@code Countersign-Client}.
 */
public final class RemoteRoutes implements ApiServer.Routes {
    public static final String CLIENT_HEADER = "Countersign-Client";
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Pattern B64URL = Pattern.compile("[A-Za-z0-9_-]{1,2000}");

    private final RemoteBiometricService service;
    private final UserRepository users;
    private final Body body;

    public RemoteRoutes(RemoteBiometricService service, UserRepository users, Body body) {
        this.service = service;
        this.users = users;
        this.body = body;
    }

    @Override
    public void accept(JavalinConfig config) {
        // Relying party
        config.routes.post("/v1/remote/enrolments", this::enrol, Access.TENANT);
        config.routes.get("/v1/remote/challenges/{challengeId}", ctx -> ctx.json(service.challenge(Requests.tenant(ctx),
                ctx.pathParam("challengeId"))), Access.TENANT);
        config.routes.post("/v1/remote/grants", this::grant, Access.TENANT);
        config.routes.post("/v1/remote/authentications", this::openAuthentication, Access.TENANT);
        config.routes.post("/v1/remote/challenges/{challengeId}/consume", ctx -> ctx.json(service.consume(
                Requests.tenant(ctx), ctx.pathParam("challengeId"), Requests.actor(ctx), Requests.requestId(ctx))),
                Access.TENANT);
        config.routes.get("/v1/remote/devices/{deviceId}/srp-lockouts", this::lockouts, Access.TENANT);
        config.routes.delete("/v1/remote/devices/{deviceId}/srp-lockouts", this::clearLockouts, Access.TENANT);
        config.routes.get("/v1/remote/privacy-notice", ctx -> ctx.json(RemotePrivacy.NOTICE), Access.PUBLIC);
        config.routes.post("/v1/remote/users/{userId}/consent", this::consent, Access.TENANT);
        config.routes.delete("/v1/remote/users/{userId}/consent", ctx -> {
            String user = knownUser(ctx);
            int n = service.withdrawConsent(Requests.tenant(ctx), user, Requests.actor(ctx), Requests.requestId(ctx));
            ctx.json(new Messages.ConsentWithdrawn(user, true, n));
        }, Access.TENANT);
        config.routes.get("/v1/remote/users/{userId}/data", ctx -> ctx.json(service.export(Requests.tenant(ctx),
                knownUser(ctx))), Access.TENANT);
        config.routes.delete("/v1/remote/users/{userId}/data", ctx -> {
            String user = knownUser(ctx);
            int n = service.erase(Requests.tenant(ctx), user, Requests.actor(ctx), Requests.requestId(ctx));
            ctx.json(new Messages.DataErased(user, n));
        }, Access.TENANT);
        config.routes.get("/v1/remote/policy", ctx -> ctx.json(service.policy(Requests.tenant(ctx))), Access.TENANT);
        config.routes.put("/v1/remote/policy", this::putPolicy, Access.TENANT);
        // Device
        config.routes.post("/v1/remote/devices", this::registerDevice, Access.PUBLIC);
        config.routes.post("/v1/remote/sessions", this::startSession, Access.PUBLIC);
        config.routes.post("/v1/remote/sessions/{sessionId}/proof", this::proof, Access.PUBLIC);
        config.routes.post("/v1/remote/sessions/{sessionId}/request", ctx -> sealed(ctx, RemoteMessageType.REQUEST),
                Access.PUBLIC);
        config.routes.post("/v1/remote/sessions/{sessionId}/frames", ctx -> sealed(ctx, RemoteMessageType.FRAMES),
                Access.PUBLIC);
        config.routes.post("/v1/remote/sessions/{sessionId}/capture", ctx -> sealed(ctx, RemoteMessageType.CAPTURE),
                Access.PUBLIC);
        // The browser capture page (A-C1..A-C4 in a browser), served by the verifier itself.
        config.staticFiles.add(s -> {
            s.hostedPath = "/capture";
            s.directory = "/web/capture";
            s.location = Location.CLASSPATH;
            s.headers = Map.of("Content-Security-Policy", CAPTURE_PAGE_POLICY, "Referrer-Policy", "no-referrer",
                    "Cache-Control", "no-cache", "X-Content-Type-Options", "nosniff");
        });
    }

    /**
     * The capture page's policy: its own modules and API only, the camera stream (a MediaStream, never a URL) and
     * canvas frames; no inline script, no framing (a framing page could overlay the prompts).
     */
    static final String CAPTURE_PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";

    private void enrol(Context ctx) {
        String tenant = Requests.tenant(ctx);
        Messages.EnrolmentRequest req = body.read(ctx, Messages.EnrolmentRequest.class);
        id("userId", req.userId());
        id("deviceType", req.deviceType());
        if (users.find(tenant, req.userId()).isEmpty()) {
            throw ApiException.notFound("user");
        }
        ctx.status(201).json(service.issueEnrolment(tenant, req.userId(), req.deviceType(), Requests.actor(ctx),
                Requests.requestId(ctx)));
    }

    private void grant(Context ctx) {
        String tenant = Requests.tenant(ctx);
        Messages.GrantRequest req = body.read(ctx, Messages.GrantRequest.class);
        id("userId", req.userId());
        if (req.operation() == null || req.operation() == Operation.AUTHENTICATE) {
            throw ApiException.invalid("operation must be REGISTER or DEREGISTER");
        }
        if (users.find(tenant, req.userId()).isEmpty()) {
            throw ApiException.notFound("user");
        }
        ctx.status(201).json(service.issueGrant(tenant, req.userId(), req.operation(), Requests.actor(ctx),
                Requests.requestId(ctx)));
    }

    private void openAuthentication(Context ctx) {
        String tenant = Requests.tenant(ctx);
        Messages.OpenAuthentication req = body.read(ctx, Messages.OpenAuthentication.class);
        id("userId", req.userId());
        if (users.find(tenant, req.userId()).isEmpty()) {
            throw ApiException.notFound("user");
        }
        ctx.status(201).json(service.openAuthentication(tenant, req, Requests.actor(ctx), Requests.requestId(ctx)));
    }

    private void lockouts(Context ctx) {
        String tenant = Requests.tenant(ctx);
        String deviceId = id("deviceId", ctx.pathParam("deviceId"));
        if (service.sessions().device(tenant, deviceId).isEmpty()) {
            throw ApiException.notFound("device");
        }
        ctx.json(new Messages.SrpLockouts(deviceId, service.sessions().locks(tenant, deviceId).stream()
                .map(l -> new Messages.SrpLockoutView(l.source(), l.failures(), l.lastFailure().toString(),
                        l.lockedUntil().map(Object::toString).orElse(null)))
                .toList()));
    }

    private void clearLockouts(Context ctx) {
        String tenant = Requests.tenant(ctx);
        String deviceId = id("deviceId", ctx.pathParam("deviceId"));
        if (service.sessions().device(tenant, deviceId).isEmpty()) {
            throw ApiException.notFound("device");
        }
        int n = service.sessions().clearLocks(tenant, deviceId);
        service.auditLockoutsCleared(tenant, deviceId, n, Requests.actor(ctx), Requests.requestId(ctx));
        ctx.json(new Messages.SrpLockoutsCleared(deviceId, n));
    }

    private void consent(Context ctx) {
        String user = knownUser(ctx);
        Messages.ConsentRequest req = body.read(ctx, Messages.ConsentRequest.class);
        text("noticeVersion", req.noticeVersion(), 64);
        service.grantConsent(Requests.tenant(ctx), user, req.noticeVersion(), Requests.actor(ctx),
                Requests.requestId(ctx));
        ctx.status(201).json(new Messages.ConsentGranted(user, req.noticeVersion()));
    }

    private String knownUser(Context ctx) {
        String user = id("userId", ctx.pathParam("userId"));
        if (users.find(Requests.tenant(ctx), user).isEmpty()) {
            throw ApiException.notFound("user");
        }
        return user;
    }

    private void putPolicy(Context ctx) {
        RiskPolicy policy = body.read(ctx, RiskPolicy.class);
        service.savePolicy(Requests.tenant(ctx), policy, Requests.actor(ctx), Requests.requestId(ctx));
        ctx.json(policy);
    }

    private void registerDevice(Context ctx) {
        Messages.DeviceRegistration r = body.read(ctx, Messages.DeviceRegistration.class);
        id("tenant", r.tenant());
        id("deviceId", r.deviceId());
        text("enrolmentCode", r.enrolmentCode(), 64);
        bytes("salt", r.salt());
        bytes("verifier", r.verifier());
        text("srpGroup", r.srpGroup(), 32);
        text("srpHash", r.srpHash(), 32);
        ctx.status(201).json(service.registerDevice(r, Requests.requestId(ctx)));
    }

    private void startSession(Context ctx) {
        Messages.SessionStart r = body.read(ctx, Messages.SessionStart.class);
        id("tenant", r.tenant());
        id("deviceId", r.deviceId());
        SecureSessions.Offer o = service.sessions().begin(r.tenant(), r.deviceId(), network(ctx.ip()));
        ctx.status(201).json(new Messages.SessionOffer(o.sessionId(), o.salt().toBase64Url(),
                o.serverPublicB().toBase64Url(), o.parameters().group().name(), o.parameters().digest().name(),
                o.expiresAt().toString()));
    }

    private void proof(Context ctx) {
        String sessionId = sessionId(ctx);
        Messages.SessionProof p = body.read(ctx, Messages.SessionProof.class);
        SecureSessions.Established e = service.sessions().verify(sessionId, bytes("clientPublicA", p.clientPublicA()),
                bytes("clientProofM1", p.clientProofM1()));
        ctx.json(new Messages.SessionOpened(e.serverProofM2().toBase64Url(), e.expiresAt().toString()));
    }

    private void sealed(Context ctx, RemoteMessageType type) {
        String sessionId = sessionId(ctx);
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase().startsWith("application/octet-stream")) {
            throw new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "send the sealed message as application/octet-stream");
        }
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw ApiException.invalid("empty body: send a sealed message");
        }
        SecureSessions.Inbound in = service.sessions().open(sessionId, ctx.header(CLIENT_HEADER),
                ByteArray.copyOf(bytes), type);
        ByteArray reply = type == RemoteMessageType.REQUEST ? service.request(in, Requests.requestId(ctx))
                : type == RemoteMessageType.FRAMES ? service.frames(in, Requests.requestId(ctx))
                : service.capture(in, Requests.requestId(ctx));
        ctx.contentType("application/octet-stream").result(reply.toByteArray());
    }

    private static String sessionId(Context ctx) {
        String id = ctx.pathParam("sessionId");
        if (!SESSION_ID.matcher(id).matches()) {
            throw new RemoteException(RemoteException.Kind.SESSION_INVALID, "malformed session id");
        }
        return id;
    }

    /** {@link Validate#id}, answered as a 400 problem (its IllegalArgumentException is meant for record bodies). */
    private static String id(String field, String value) {
        try {
            return Validate.id(field, value);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    private static String text(String field, String value, int max) {
        try {
            return Validate.text(field, value, max);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    /** Decoded base64url; a malformed value is the client's error (400), never a server error. */
    private static ByteArray bytes(String field, String value) {
        b64(field, value);
        try {
            return ByteArray.fromBase64Url(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field + " must be base64url without padding");
        }
    }

    private static String b64(String field, String value) {
        if (value == null || !B64URL.matcher(value).matches()) {
            throw ApiException.invalid(field + " must be base64url without padding");
        }
        return value;
    }

    /** The client's network for the "new network" risk rule: IPv4 /24 or IPv6 /48, never the full address. */
    static String network(String ip) {
        if (ip == null) {
            return "unknown";
        }
        if (ip.contains(":")) {
            String[] p = ip.split(":");
            return (p.length >= 3 ? p[0] + ":" + p[1] + ":" + p[2] : ip) + "::/48";
        }
        int dot = ip.lastIndexOf('.');
        return dot < 0 ? ip : ip.substring(0, dot) + ".0/24";
    }


}
