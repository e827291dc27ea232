package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An operator who stops {@code countersign serve} while it is still starting (Ctrl-C, systemd's stop timeout, a
 * start-up script that gives up) must not be left with the embedded PostgreSQL running on its own: an orphaned
 * postmaster keeps the data folder's port and memory until someone finds and kills it by hand.
 */
@Tag("integration")
class EmbeddedStopDuringStartTest {
    private Path dataDir;
    private Optional<ProcessHandle> postmaster = Optional.empty();

    @AfterEach
    void cleanUp() throws Exception {
        postmaster.ifPresent(ProcessHandle::destroyForcibly);
        if (dataDir != null) {
            try (var files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void A_G4_sigtermWhileStartingStopsTheEmbeddedPostgres() throws Exception {
        dataDir = Files.createTempDirectory("countersign-stop-during-start");
        Path out = dataDir.resolveSibling(dataDir.getFileName() + ".out");
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.countersign.cli.Main", "serve", "--data-dir", dataDir.toString(), "--port", "0",
                "--host", "127.0.0.1").redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("COUNTERSIGN_"));
        Process serve = pb.start();
        try {
            // The moment the postmaster exists the node is still migrating and starting its modules: stop it then.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (postmaster.isEmpty()) {
                assertThat(serve.isAlive()).as(() -> read(out)).isTrue();
                assertThat(System.nanoTime()).as("no postmaster started").isLessThan(deadline);
                postmaster = postmasterPid(pidFile).flatMap(ProcessHandle::of);
                Thread.sleep(20);
            }
            assertThat(read(out)).as("stopped before the node was serving").doesNotContain("is serving");
            serve.destroy(); // SIGTERM
            assertThat(serve.waitFor(90, TimeUnit.SECONDS)).as(() -> read(out)).isTrue();
        } finally {
            serve.destroyForcibly();
        }
        ProcessHandle pg = postmaster.orElseThrow();
        // PostgreSQL's own fast shutdown takes a moment after the JVM is gone only if nobody asked it to stop.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (pg.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        String log = read(out);
        Files.deleteIfExists(out);
        assertThat(pg.isAlive()).as("the embedded postmaster (pid %d) outlived the stopped server:%n%s", pg.pid(), log)
                .isFalse();
    }

    /** Line 1 of postmaster.pid is the postmaster's process id; the file is written while the server starts. */
    private static Optional<Long> postmasterPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() || lines.get(0).isBlank() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
