package org.countersign.server.local;

import org.countersign.server.ServerContext;
import org.countersign.server.http.ApiServer;

/** Builds the local-mode module from the node's context; {@code Countersign} registers it with one line. */
public final class LocalModule {
    private LocalModule() {}

    public static ApiServer.Routes routes(ServerContext ctx) {
        LocalStore store = new LocalStore(ctx.jdbc(), ctx.json());
        LocalCredentialService service = new LocalCredentialService(store, ctx.tenants(), ctx.users(), ctx.audit(),
                ctx.json(), ctx.random(), ctx.clock(), ctx.jdbc(), ctx.keys());
        return new LocalRoutes(service, store, ctx.audit(), ctx.body(), ctx.clock());
    }
}
