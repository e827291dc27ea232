package org.countersign.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every problem type the API can answer with is documented in docs/api.md, and its URI is unique. */
class ProblemCatalogueTest {
    @Test
    void everyProblemTypeIsDocumentedOnce() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "api.md"));
        Set<String> slugs = new HashSet<>();
        for (ProblemType t : ProblemType.values()) {
            assertThat(slugs.add(t.slug())).as("duplicate slug %s", t.slug()).isTrue();
            assertThat(doc).as("docs/api.md lists %s", t.slug()).contains("| `" + t.slug() + "` | " + t.status() + " |");
        }
    }
}
