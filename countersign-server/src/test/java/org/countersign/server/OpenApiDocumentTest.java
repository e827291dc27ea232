package org.countersign.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The hand-written OpenAPI 3.1 document is valid and describes exactly the routes the server has. */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {
    TestServer server;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.onPostgres(c -> c);
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @Test
    void documentIsValidAndMatchesTheRealRoutes() throws Exception {
        String json = server.get("/openapi.json", null).body();
        SwaggerParseResult result = new OpenAPIParser().readContents(json, null, null);
        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");

        List<String> documented = new ArrayList<>();
        result.getOpenAPI().getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(m -> documented.add(m.name().toUpperCase(Locale.ROOT) + " " + path)));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(server.node.endpoints());
    }
}
