package org.countersign.server.users;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;
import org.countersign.server.http.Access;
import org.countersign.server.http.ApiException;
import org.countersign.server.http.ApiServer;
import org.countersign.server.http.Body;
import org.countersign.server.http.Requests;
import org.countersign.server.http.Validate;

/** The relying party's user directory: {@code /v1/users}. Scoped to the calling tenant (A-G1). */
public final class UserRoutes implements ApiServer.Routes {
    public record CreateUser(String userId, String displayName) {
        public CreateUser {
            Validate.id("userId", userId);
            displayName = Validate.optionalText("displayName", displayName, 200);
        }
    }

    public record UserView(String userId, String displayName, String createdAt) {
        static UserView of(UserRepository.User u) {
            return new UserView(u.userId(), u.displayName(), u.createdAt().toString());
        }
    }

    private final UserRepository users;
    private final AuditLog audit;
    private final Body body;
    private final Clock clock;

    public UserRoutes(UserRepository users, AuditLog audit, Body body, Clock clock) {
        this.users = users;
        this.audit = audit;
        this.body = body;
        this.clock = clock;
    }

    /** {@code GET /v1/ping}: the tenant the key belongs to and the server's clock. */
    public record Ping(String tenant, String time) {}

    public record UserList(List<UserView> users) {}

    @Override
    public void accept(JavalinConfig config) {
        // Authenticated no-op: lets an RP check its credentials, and measures the pipeline without the store.
        config.routes.get("/v1/ping", ctx -> ctx.json(new Ping(Requests.tenant(ctx),
                clock.instant().toString())), Access.TENANT);
        config.routes.post("/v1/users", this::create, Access.TENANT);
        config.routes.get("/v1/users", this::list, Access.TENANT);
        config.routes.get("/v1/users/{userId}", this::get, Access.TENANT);
        config.routes.delete("/v1/users/{userId}", this::delete, Access.TENANT);
    }

    private void create(Context ctx) {
        String tenant = Requests.tenant(ctx);
        CreateUser req = body.read(ctx, CreateUser.class);
        var user = new UserRepository.User(tenant, req.userId(), req.displayName(), clock.instant());
        if (!users.insert(user)) {
            throw ApiException.conflict("user '" + req.userId() + "' already exists");
        }
        audit.event(AuditAction.USER_CREATE).tenant(tenant)
                .by(AuditActor.principal(Requests.actor(ctx)), Requests.requestId(ctx))
                .about(AuditSubject.user(req.userId())).record(AuditOutcome.SUCCESS);
        ctx.status(201).json(UserView.of(user));
    }

    private void list(Context ctx) {
        String tenant = Requests.tenant(ctx);
        int limit = parseLimit(ctx.queryParam("limit"));
        String after = ctx.queryParam("after");
        ctx.json(new UserList(users.list(tenant, limit, after).stream().map(UserView::of).toList()));
    }

    private void get(Context ctx) {
        String tenant = Requests.tenant(ctx);
        String userId = ctx.pathParam("userId");
        ctx.json(UserView.of(users.find(tenant, userId).orElseThrow(() -> ApiException.notFound("user"))));
    }

    private void delete(Context ctx) {
        String tenant = Requests.tenant(ctx);
        String userId = ctx.pathParam("userId");
        if (!users.delete(tenant, userId)) {
            throw ApiException.notFound("user");
        }
        audit.event(AuditAction.USER_DELETE).tenant(tenant)
                .by(AuditActor.principal(Requests.actor(ctx)), Requests.requestId(ctx))
                .about(AuditSubject.user(userId)).record(AuditOutcome.SUCCESS);
        ctx.status(204);
    }

    static int parseLimit(String raw) {
        if (raw == null) {
            return 100;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v >= 1 && v <= 1000) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw ApiException.invalid("limit must be a whole number from 1 to 1000");
    }
}
