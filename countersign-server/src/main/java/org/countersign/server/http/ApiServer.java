package org.countersign.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.DateTimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.countersign.core.bytes.Sha256;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;
import org.countersign.server.auth.Authenticator;
import org.countersign.server.auth.Principal;
import org.countersign.server.failure.FlowFailure;
import org.countersign.server.store.StoreException;
import org.countersign.server.tenant.TenantWorkLimiter;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP shell around the services: one Javalin app whose pipeline gives every request an id, applies the
 * per-IP and per-tenant rate limits, authenticates and authorises (A-G1, A-G2), turns every failure into an
 * RFC 9457 problem body, audits refused requests (A-G4) and times everything for /metrics.
 */
public final class ApiServer {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    /** Route registrations from the feature modules. */
    @FunctionalInterface
    public interface Routes extends Consumer<JavalinConfig> {}

    /** @param shutdownGrace how long in-flight requests may finish when the node stops */
    public record Settings(String host, int port, Optional<SslContextFactory.Server> tls, long maxRequestBytes,
            int tenantRatePerSecond, int ipRatePerSecond, int tenantConcurrency, Duration shutdownGrace) {}

    private static final String WORK_SLOT = "cs.workSlot";

    private final Javalin app;
    /** The methods an unknown-method request may be told about in {@code Allow} (RFC 9110 §15.5.6). */
    private static final List<HandlerType> ROUTED_METHODS = List.of(HandlerType.GET, HandlerType.HEAD, HandlerType.POST,
            HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE, HandlerType.OPTIONS);

    public ApiServer(Settings settings, ObjectMapper mapper, Authenticator authenticator, AuditLog audit,
            MeterRegistry meters, List<Routes> routes) {
        RateLimiter perIp = new RateLimiter(settings.ipRatePerSecond());
        RateLimiter perTenant = new RateLimiter(settings.tenantRatePerSecond());
        TenantWorkLimiter work = new TenantWorkLimiter(settings.tenantConcurrency());
        AtomicReference<Javalin> self = new AtomicReference<>();
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.http.maxRequestSize = settings.maxRequestBytes();
            config.http.defaultContentType = "application/json";
            config.router.ignoreTrailingSlashes = true;
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(settings.shutdownGrace().toMillis());
                server.setErrorHandler(new ProblemErrorHandler());
                // Javalin nests its servlet context inside this wrapper: over-limit sources are refused (and held)
                // before any routing, JSON or authentication work.
                server.setHandler(overLimitGate(settings, mapper, authenticator, perIp, meters));
            });
            config.jetty.addConnector((server, httpConfig) -> connector(server, httpConfig, settings));

            config.routes.before(ctx -> {
                String id = Requests.newRequestId(ctx.header("X-Request-Id"));
                ctx.attribute(Requests.REQUEST_ID, id);
                ctx.attribute(Requests.STARTED, System.nanoTime());
                ctx.header("X-Request-Id", id);
                ctx.header("Cache-Control", "no-store");
                ctx.header("X-Content-Type-Options", "nosniff");
                // API answers are data, never documents: nothing in them may load or run, and nothing may frame
                // them. Pages replace this with their own strict policy (SitePages, WebAuthenticatorPages, capture).
                ctx.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
                if (settings.tls().isPresent()) {
                    ctx.header("Strict-Transport-Security", "max-age=31536000");
                }
                MDC.put("requestId", id);
                // Control characters never go further than this (a NUL reached PostgreSQL and came back as 503).
                Requests.screenTarget(ctx);
                // The per-address request rate and failed-authentication throttles are applied by OverLimitGate.
                // A known path with a method it does not serve (TRACE, PATCH, OPTIONS...): 405 with Allow
                // (RFC 9110 §15.5.6), decided here because the router alone would answer 404.
                if (ctx.method() != HandlerType.HEAD && self.get() != null
                        && self.get().unsafe.internalRouter.findHttpHandlerEntries(ctx.method(), ctx.path()).isEmpty()) {
                    List<String> allowed = allowedMethods(self.get(), ctx.path());
                    if (!allowed.isEmpty()) {
                        ctx.header("Allow", String.join(", ", allowed));
                        throw new ApiException(ProblemType.METHOD_NOT_ALLOWED, ctx.method() + " is not allowed here; use "
                                + String.join(", ", allowed));
                    }
                }
                long declared = ctx.req().getContentLengthLong();
                if (declared > settings.maxRequestBytes()) {
                    // Closing on a client that is still sending makes TCP reset the connection, and the reset
                    // destroys the 413 before the client reads it. A body of bounded size is read and dropped
                    // first so the client gets its answer; beyond that bound the connection is cut.
                    if (declared <= OVERSIZE_DRAIN_BYTES) {
                        drain(ctx, declared);
                    }
                    ctx.header("Connection", "close"); // the connection is not reused after an oversized body
                    throw new ApiException(ProblemType.PAYLOAD_TOO_LARGE,
                            "request body exceeds " + settings.maxRequestBytes() + " bytes");
                }
            });
            config.routes.beforeMatched(ctx -> authorise(ctx, authenticator, perTenant, work));
            config.routes.after(ctx -> {
                String slot = ctx.attribute(WORK_SLOT);
                if (slot != null) {
                    ctx.attribute(WORK_SLOT, null);
                    work.exit(slot);
                }
                finish(ctx, audit, meters);
            });

            config.routes.exception(ApiException.class, (e, ctx) -> problem(ctx, e.type(), e.getMessage(), e.extensions()));
            config.routes.exception(FlowFailure.class, (e, ctx) -> {
                FailureProblems.Answer a = FailureProblems.of(e);
                a.retryAfterSeconds().ifPresent(s -> ctx.header("Retry-After", Long.toString(s)));
                problem(ctx, a.type(), e.detail(), a.extensions());
            });
            config.routes.exception(ContentTooLargeResponse.class, (e, ctx) -> problem(ctx, ProblemType.PAYLOAD_TOO_LARGE,
                    "request body exceeds " + settings.maxRequestBytes() + " bytes", Map.of()));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> problem(ctx,
                    e.getStatus() == 400 ? ProblemType.VALIDATION_FAILED : byStatus(e.getStatus()), null, Map.of()));
            // A validation failure inside a handler or a service (Validate, base64 and number parsing, times) is the
            // client's error: 400 validation-failed, the message only if it names no Java internals, no stack trace
            // at ERROR. Decision recorded in docs/api.md: a programming error that throws IllegalArgumentException
            // is also answered 400; the DEBUG log keeps its stack trace.
            config.routes.exception(IllegalArgumentException.class, (e, ctx) -> {
                LOG.debug("request refused as invalid", e);
                problem(ctx, ProblemType.VALIDATION_FAILED, Body.safeDetail(e.getMessage(),
                        "a value in the request is invalid"), Map.of());
            });
            config.routes.exception(DateTimeException.class, (e, ctx) -> {
                LOG.debug("request refused as invalid", e);
                problem(ctx, ProblemType.VALIDATION_FAILED, "a time value in the request is invalid", Map.of());
            });
            config.routes.exception(StoreException.class, (e, ctx) -> {
                LOG.error("store failure", e);
                problem(ctx, ProblemType.SERVICE_UNAVAILABLE, "the store did not answer; retry later", Map.of());
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unhandled error", e);
                problem(ctx, ProblemType.INTERNAL, null, Map.of());
            });
            config.routes.error(404, ctx -> {
                if (!isProblem(ctx)) {
                    List<String> allowed = allowedMethods(self.get(), ctx.path());
                    if (!allowed.isEmpty()) {
                        ctx.header("Allow", String.join(", ", allowed));
                        problem(ctx, ProblemType.METHOD_NOT_ALLOWED, ctx.method() + " is not allowed here; use "
                                + String.join(", ", allowed), Map.of());
                        return;
                    }
                    problem(ctx, ProblemType.NOT_FOUND, "no such resource: " + ctx.method() + " " + ctx.path(), Map.of());
                }
            });
            config.routes.error(405, ctx -> {
                if (!isProblem(ctx)) {
                    problem(ctx, ProblemType.METHOD_NOT_ALLOWED, null, Map.of());
                }
            });
            for (Routes r : routes) {
                r.accept(config);
            }
        });
        self.set(app);
    }

    public ApiServer start() {
        app.start();
        return this;
    }

    public int port() {
        return app.port();
    }

    /** Every HTTP route as "METHOD path" (e.g. {@code GET /v1/users/{userId}}), for the API-document check. */
    public List<String> endpoints() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(pe -> pe.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> e.method.name() + " " + e.path)
                .sorted()
                .toList();
    }

    public void stop() {
        try {
            app.stop();
        } catch (RuntimeException e) {
            // Long-lived streams (server-sent events) can outlast Jetty's graceful-stop timeout; the node is
            // going away either way, so a slow close must not turn into a failed shutdown.
            LOG.warn("HTTP server did not stop gracefully: {}", e.toString());
        }
    }

    private static List<String> allowedMethods(Javalin app, String path) {
        List<String> allowed = new ArrayList<>();
        if (app == null) {
            return allowed;
        }
        for (HandlerType m : ROUTED_METHODS) {
            if (!app.unsafe.internalRouter.findHttpHandlerEntries(m, path).isEmpty()) {
                allowed.add(m.name());
            }
        }
        if (allowed.contains("GET") && !allowed.contains("HEAD")) {
            allowed.add(1, "HEAD"); // Jetty answers HEAD for every GET
        }
        return allowed;
    }

    private static Connector connector(Server server, HttpConfiguration httpConfig, Settings settings) {
        httpConfig.setSendServerVersion(false);
        httpConfig.setRequestHeaderSize(16 * 1024);
        ServerConnector connector;
        if (settings.tls().isPresent()) {
            SecureRequestCustomizer src = new SecureRequestCustomizer();
            src.setSniHostCheck(false); // the certificate covers localhost and the IP literals; clients may use either
            httpConfig.addCustomizer(src);
            connector = new ServerConnector(server,
                    new SslConnectionFactory(settings.tls().get(), "http/1.1"),
                    new HttpConnectionFactory(httpConfig));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        }
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(60_000);
        return connector;
    }

    /** The per-address limits, checked before routing: the request rate, then failed bearer authentications. */
    private static OverLimitGate overLimitGate(Settings settings, ObjectMapper mapper, Authenticator authenticator,
            RateLimiter perIp, MeterRegistry meters) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Cache-Control", "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
        if (settings.tls().isPresent()) {
            headers.put("Strict-Transport-Security", "max-age=31536000");
        }
        return new OverLimitGate(List.of(
                new OverLimitGate.Check(r -> perIp.secondsToWait(org.eclipse.jetty.server.Request.getRemoteAddr(r)),
                        "too many requests from this address"),
                // Only requests that present a bearer key: a throttled address may still reach public routes.
                new OverLimitGate.Check(r -> r.getHeaders().contains(org.eclipse.jetty.http.HttpHeader.AUTHORIZATION)
                        ? authenticator.addressBlockedSeconds(org.eclipse.jetty.server.Request.getRemoteAddr(r)) : 0,
                        "too many failed authentication attempts; retry later")), mapper, headers, meters);
    }

    private static void authorise(Context ctx, Authenticator authenticator, RateLimiter perTenant, TenantWorkLimiter work) {
        var roles = ctx.routeRoles();
        if (roles.isEmpty() || roles.contains(Access.PUBLIC)) {
            return;
        }
        Authenticator.Result result = null;
        X509Certificate[] certs = (X509Certificate[]) ctx.req().getAttribute("jakarta.servlet.request.X509Certificate");
        if (certs != null && certs.length > 0 && ctx.header("Authorization") == null) {
            result = authenticator.authenticateCertificate(fingerprint(certs[0]));
        }
        if (result == null) {
            result = authenticator.authenticateBearer(ctx.header("Authorization"), ctx.ip());
        }
        if (result instanceof Authenticator.Throttled throttled) {
            // Too many failed attempts from this source: refused before any lookup or hashing.
            ctx.header("Retry-After", Long.toString(throttled.retryAfterSeconds()));
            throw new ApiException(ProblemType.RATE_LIMITED, "too many failed authentication attempts; retry later",
                    Map.of("retryAfterSeconds", throttled.retryAfterSeconds()));
        }
        if (result instanceof Authenticator.Refused refused) {
            if (refused.failure() == Authenticator.Failure.TENANT_DISABLED) {
                throw new ApiException(ProblemType.TENANT_DISABLED, "this relying party is disabled");
            }
            ctx.header("WWW-Authenticate", "Bearer realm=\"countersign\"");
            throw new ApiException(ProblemType.UNAUTHENTICATED, switch (refused.failure()) {
                case MISSING -> "send 'Authorization: Bearer <api key>' or a registered client certificate";
                case MALFORMED -> "the Authorization header is not a Countersign API key";
                default -> "the credentials are not valid";
            });
        }
        Principal p = ((Authenticator.Authenticated) result).principal();
        ctx.attribute(Requests.PRINCIPAL, p);
        MDC.put("actor", p.actor());
        boolean allowed = (roles.contains(Access.ADMIN) && p.role() == Principal.Role.ADMIN)
                || (roles.contains(Access.TENANT) && p.role() == Principal.Role.TENANT);
        if (!allowed) {
            throw new ApiException(ProblemType.FORBIDDEN, roles.contains(Access.ADMIN)
                    ? "this operation needs an admin key" : "this operation needs a relying-party key");
        }
        if (p.tenantId().isPresent()) {
            long wait = perTenant.secondsToWait(p.tenantId().get());
            if (wait > 0) {
                ctx.header("Retry-After", Long.toString(wait));
                throw new ApiException(ProblemType.RATE_LIMITED, "rate limit of this relying party reached",
                        Map.of("retryAfterSeconds", wait));
            }
            String method = ctx.method().name();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                if (!work.tryEnter(p.tenantId().get())) {
                    ctx.header("Retry-After", "1");
                    throw new ApiException(ProblemType.RATE_LIMITED, "this relying party already has "
                            + work.limit() + " writes in progress on this node; retry shortly", Map.of("retryAfterSeconds", 1));
                }
                ctx.attribute(WORK_SLOT, p.tenantId().get());
            }
        }
    }

    /** Largest oversized body that is read and dropped before its 413, so the answer survives the close. */
    static final long OVERSIZE_DRAIN_BYTES = 16L * 1024 * 1024;

    private static void drain(Context ctx, long declared) {
        byte[] sink = new byte[64 * 1024];
        long left = declared;
        try (var in = ctx.req().getInputStream()) {
            while (left > 0) {
                int n = in.read(sink, 0, (int) Math.min(sink.length, left));
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        } catch (IOException e) {
            // The client stopped sending: the 413 still goes out on what is left of the connection.
        }
    }

    private static void finish(Context ctx, AuditLog audit, MeterRegistry meters) {
        try {
            int status = ctx.statusCode();
            // The matched route template (not this after-handler's own "*"), so /metrics is per route.
            Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
            String route = matched == null ? "unmatched" : matched.path;
            if (status >= 400 && ctx.attribute(Body.READ) == null && hasBody(ctx)) {
                // A refused request's body may be left unread; Jetty then closes the connection, so say so (RFC 9112
                // §9.6) instead of letting the client find out on its next request.
                ctx.header("Connection", "close");
            }
            // Refused requests are security-relevant (probing, brute force, malformed input): audit them, except
            // rate-limit refusals, which would let a flood amplify itself into the log.
            if (status >= 400 && status < 500 && status != 429) {
                Map<String, String> details = new LinkedHashMap<>();
                details.put("status", Integer.toString(status));
                details.put("ip", ctx.ip());
                details.put("path", truncate(ctx.path(), 200));
                Principal p = ctx.attribute(Requests.PRINCIPAL);
                audit.httpRefusal(ctx.method().toString(), route).tenant(p == null ? Optional.empty() : p.tenantId())
                        .by(AuditActor.principal(Requests.actor(ctx)), Requests.requestId(ctx))
                        .about(AuditSubject.path(truncate(ctx.path(), 200))).details(details)
                        .record(AuditOutcome.refused(problemSlug(ctx)));
            }
            Long started = ctx.attribute(Requests.STARTED);
            if (started != null) {
                Timer.builder("countersign.http.requests").tag("method", ctx.method().name()).tag("route", route)
                        .tag("status", Integer.toString(status)).register(meters)
                        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
        } catch (RuntimeException e) {
            LOG.error("request bookkeeping failed", e);
        } finally {
            MDC.clear();
        }
    }

    private static boolean hasBody(Context ctx) {
        return ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null;
    }

    private static String problemSlug(Context ctx) {
        String slug = ctx.attribute("cs.problem");
        return slug == null ? Integer.toString(ctx.statusCode()) : slug;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static boolean isProblem(Context ctx) {
        String ct = ctx.res().getContentType();
        return ct != null && ct.startsWith(Problem.CONTENT_TYPE);
    }

    /** The problem type of a bare status (Javalin's own responses, Jetty's refusals). */
    static ProblemType byStatus(int status) {
        switch (status) {
            case 400: return ProblemType.BAD_REQUEST;
            case 401: return ProblemType.UNAUTHENTICATED;
            case 403: return ProblemType.FORBIDDEN;
            case 404: return ProblemType.NOT_FOUND;
            case 405: return ProblemType.METHOD_NOT_ALLOWED;
            case 409: return ProblemType.CONFLICT;
            case 413: return ProblemType.PAYLOAD_TOO_LARGE;
            case 414: return ProblemType.URI_TOO_LONG;
            case 415: return ProblemType.UNSUPPORTED_MEDIA_TYPE;
            case 429: return ProblemType.RATE_LIMITED;
            case 431: return ProblemType.REQUEST_HEADER_TOO_LARGE;
            case 503: return ProblemType.SERVICE_UNAVAILABLE;
            default: return status >= 500 ? ProblemType.INTERNAL : ProblemType.BAD_REQUEST;
        }
    }

    static void problem(Context ctx, ProblemType type, String detail, Map<String, Object> extensions) {
        ctx.attribute("cs.problem", type.slug());
        ctx.status(type.status());
        ctx.contentType(Problem.CONTENT_TYPE);
        // Last line of defence for every route: a detail that names Java internals (a service quoting an exception
        // message) is replaced by the type's title; the log keeps the original.
        String safe = detail == null ? null : Body.safeDetail(detail, type.title());
        if (safe != null && !safe.equals(detail)) {
            LOG.debug("problem detail replaced (names Java internals): {}", detail);
        }
        ctx.json(Problem.body(type, safe, ctx.path().length() > 200 ? null : ctx.path(), Requests.requestId(ctx), extensions));
        ctx.contentType(Problem.CONTENT_TYPE);
    }

    private static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(Sha256.digest(cert.getEncoded()));
        } catch (Exception e) {
            return "invalid";
        }
    }
}
