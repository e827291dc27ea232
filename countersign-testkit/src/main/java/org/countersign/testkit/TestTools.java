package org.countersign.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The rule for a tool a test needs (chromium, node, openssl, ffmpeg, PostgreSQL): missing under CI ({@code CI=true})
 * fails the test, because CI installs every tool; elsewhere the test is skipped and the message names the tool.
 * Also the one place that finds a program on the machine.
 */
public final class TestTools {
    private TestTools() {}

    /** Fails (CI) or skips (elsewhere) the calling test unless {@code present}. */
    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        String message = what + " is required by this test and is not installed";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + " (CI installs it: see .ci/run)");
        }
        Assumptions.abort(message + ": test skipped");
    }

    /** The first of {@code names} that is an executable file in a folder of {@code PATH}. */
    public static Optional<Path> onPath(String... names) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            for (String name : names) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A program the test cannot run without: the executable named by the environment variable {@code override}
     * if set, else the first of {@code names} on {@code PATH}; fails (CI) or skips (elsewhere) without one.
     */
    public static Path program(String override, String... names) {
        String set = System.getenv(override);
        Optional<Path> found = set != null && !set.isBlank() ? Optional.of(Path.of(set)) : onPath(names);
        require(found.filter(Files::isExecutable).isPresent(),
                String.join(" or ", names) + " (on the PATH, or named by " + override + ")");
        return found.orElseThrow();
    }

    /** Node.js, for the browser clients' JavaScript tests ({@code NODE} overrides the PATH). */
    public static Path node() {
        return program("NODE", "node", "nodejs");
    }

    /** ffmpeg, which makes the fake-camera files of the capture-page tests ({@code FFMPEG} overrides the PATH). */
    public static Path ffmpeg() {
        return program("FFMPEG", "ffmpeg");
    }
}
