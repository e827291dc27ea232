package org.countersign.testkit;

import org.junit.jupiter.api.Assumptions;

/**
 * The rule for a tool a test needs (chromium, node, openssl, ffmpeg): missing under CI ({@code CI=true}) fails the
 * test, because CI installs every tool; elsewhere the test is skipped and the message names the tool.
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
}
