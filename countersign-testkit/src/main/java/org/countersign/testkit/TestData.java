package org.countersign.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the external test material ({@code ../shared/data} beside the project, or {@code COUNTERSIGN_DATA}).
 *
 * <p>The data is not part of the repository (several sets are for research use only). When a test needs a
 * path that is missing, the test fails under CI ({@code CI=true}) and is skipped elsewhere, naming the path.
 */
public final class TestData {
    private TestData() {}

    /** The data root, or {@code null} if none could be located. */
    public static Path rootOrNull() {
        String env = System.getenv("COUNTERSIGN_DATA");
        if (env != null && !env.isBlank()) {
            return Paths.get(env).toAbsolutePath().normalize();
        }
        // Tests run with the module as working directory; walk up until a sibling "shared/data" appears.
        Path dir = Paths.get("").toAbsolutePath();
        for (int i = 0; i < 5 && dir != null; i++, dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared").resolve("data");
            if (Files.isDirectory(candidate)) {
                return candidate.normalize();
            }
        }
        return null;
    }

    /**
     * Resolves {@code relative} under the data root. Fails the calling test in CI and skips it elsewhere when
     * the file or folder is missing.
     */
    public static Path require(String relative) {
        Path root = rootOrNull();
        Path target = root == null ? Paths.get("../shared/data").resolve(relative) : root.resolve(relative);
        if (!Files.exists(target)) {
            String message = "external test data missing: " + target
                    + " (set COUNTERSIGN_DATA or place the shared data beside the project)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return target;
    }
}
