package org.countersign.server.ops;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.countersign.server.http.Access;
import org.countersign.server.http.ApiServer;
import org.countersign.server.store.Store;

/** Health probes, Prometheus metrics, the OpenAPI document and its docs page. All public and read-only. */
public final class OpsRoutes implements ApiServer.Routes {
    private final Store store;
    private final PrometheusMeterRegistry meters;
    private final String version;

    public OpsRoutes(Store store, PrometheusMeterRegistry meters, String version) {
        this.store = store;
        this.meters = meters;
        this.version = version;
    }

    @Override
    public void accept(JavalinConfig config) {
        config.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "up")), Access.PUBLIC);
        config.routes.get("/health/ready", this::ready, Access.PUBLIC);
        config.routes.get("/health", this::ready, Access.PUBLIC);
        config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(meters.scrape()), Access.PUBLIC);
        config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(resource("openapi.json")),
                Access.PUBLIC);
        config.routes.get("/docs/api", ctx -> ctx.contentType("text/html; charset=utf-8").result(resource("web/api-docs.html")),
                Access.PUBLIC);
    }

    private void ready(Context ctx) {
        boolean db = store.ping();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", db ? "up" : "down");
        body.put("version", version);
        body.put("checks", Map.of("database", db ? "up" : "down", "store", store.isEmbedded() ? "embedded" : "external"));
        ctx.status(db ? 200 : 503).json(body);
    }

    static String resource(String name) {
        try (InputStream in = OpsRoutes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }
}
