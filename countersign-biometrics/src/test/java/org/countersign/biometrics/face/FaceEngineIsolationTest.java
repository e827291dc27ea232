package org.countersign.biometrics.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The face engine in a JVM of its own, as a server runs it: it must open whatever the process's command line looks
 * like, and the native runtime must not start a usage-telemetry client (ONNX Runtime 1.29.0 did both wrong on Linux:
 * it read the command line and machine id for events posted to its vendor, and crashed the whole JVM on a command
 * line over about 4 KB).
 */
@Tag("integration")
class FaceEngineIsolationTest {

    /** The child: opens and closes the bundled engine, and says so. */
    public static void main(String[] args) throws Exception {
        try (FaceAnalyzer analyzer = FaceAnalyzer.open()) {
            System.out.println("engine opened: " + analyzer.templateFormat());
        }
    }

    @Test
    void engineOpensUnderALongCommandLineAndStartsNoTelemetry() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String padding = "x".repeat(9_000);  // a test or launcher class path easily reaches this length
        Process child = new ProcessBuilder(java, "-Dcountersign.padding=" + padding, "-cp",
                System.getProperty("java.class.path"), FaceEngineIsolationTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("exit code (139 = the JVM died of SIGSEGV); output:%n%s", out).isZero();
        assertThat(out).contains("engine opened: ");
        // 1.29.0's telemetry client announced itself with this log file, named after the process id.
        Path telemetryLog = Path.of("/tmp", "mat-debug-" + child.pid() + ".log");
        assertThat(Files.exists(telemetryLog)).as("%s written by the runtime's telemetry client", telemetryLog).isFalse();
    }
}
