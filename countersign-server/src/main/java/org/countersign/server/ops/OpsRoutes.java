package org.countersign.server.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.countersign.server.http.Access;
import org.countersign.server.http.ApiServer;
import org.countersign.server.remote.RemoteModule;
import org.countersign.server.store.Store;

/** Health probes, Prometheus metrics (admin key), the OpenAPI document and its docs page. All read-only. */
public final class OpsRoutes implements ApiServer.Routes {
    private final Store store;
    private final PrometheusMeterRegistry meters;
    private final String version;
    private final Supplier<RemoteModule.EngineState> biometrics;

    /**
     * {@code biometrics} reports the face engine's state without waiting; it is informative only: a node whose
     * engine is still loading is ready, because a capture waits for the load (issue 14).
     */
    public OpsRoutes(Store store, PrometheusMeterRegistry meters, String version,
            Supplier<RemoteModule.EngineState> biometrics) {
        this.store = store;
        this.meters = meters;
        this.version = version;
        this.biometrics = biometrics;
    }

    /** {@code GET /health/live}. */
    public record Liveness(String status) {}

    /** {@code GET /health/ready} and {@code /health}: {@code status} is up only when the database answers. */
    public record Readiness(String status, String version, Checks checks) {}

    /** {@code biometrics}: the face engine's state (idle, loading, ready, unavailable), informative only. */
    public record Checks(String database, String store, String biometrics) {}

    @Override
    public void accept(JavalinConfig config) {
        config.routes.get("/health/live", ctx -> ctx.json(new Liveness("up")), Access.PUBLIC);
        config.routes.get("/health/ready", this::ready, Access.PUBLIC);
        config.routes.get("/health", this::ready, Access.PUBLIC);
        // Metrics reveal tenants' traffic and the server's internals: only the admin key may read them
        // (docs/operations.md "Metrics").
        config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(meters.scrape()), Access.ADMIN);
        String document = openApiDocument();
        config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(document), Access.PUBLIC);
    }

    private void ready(Context ctx) {
        boolean db = store.ping();
        ctx.status(db ? 200 : 503).json(new Readiness(db ? "up" : "down", version,
                new Checks(db ? "up" : "down", store.isEmbedded() ? "embedded" : "external", biometrics.get().label())));
    }

    /** Feature modules describe their routes in their own fragment files, merged here into one document. */
    static final List<String> OPENAPI_FRAGMENTS = List.of("openapi/oob.json", "openapi/local.json", "openapi/remote.json");

    static String openApiDocument() {
        try {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode doc = (ObjectNode) mapper.readTree(resource("openapi.json"));
            for (String name : OPENAPI_FRAGMENTS) {
                if (OpsRoutes.class.getClassLoader().getResource(name) == null) {
                    continue;
                }
                JsonNode fragment = mapper.readTree(resource(name));
                merge(doc, fragment, "paths");
                merge((ObjectNode) doc.get("components"), fragment.path("components"), "schemas");
                merge((ObjectNode) doc.get("components"), fragment.path("components"), "responses");
                if (fragment.has("tags")) {
                    ((ArrayNode) doc.withArray("tags")).addAll(
                            (ArrayNode) fragment.get("tags"));
                }
            }
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
        } catch (IOException e) {
            throw new IllegalStateException("cannot assemble the OpenAPI document", e);
        }
    }

    private static void merge(ObjectNode target, JsonNode fragment, String field) {
        if (fragment.has(field)) {
            ObjectNode into = target.with(field);
            fragment.get(field).fields().forEachRemaining(e -> into.set(e.getKey(), e.getValue()));
        }
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
