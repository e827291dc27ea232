package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.Countersign;
import org.countersign.server.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A-G4: {@code countersign serve} on the embedded store, stopped the way an operator stops it (SIGTERM, as Ctrl-C
 * or systemd do), must sign its head before PostgreSQL goes down; otherwise the tail written since the last
 * checkpoint stays unsealed and could be cut or rewritten unnoticed.
 */
@Tag("integration")
class EmbeddedShutdownCheckpointTest {
    private Path dataDir;

    @AfterEach
    void cleanUp() throws Exception {
        if (dataDir != null) {
            try (var files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void A_G4_embeddedServeSignsTheHeadCheckpointOnShutdown() throws Exception {
        dataDir = Files.createTempDirectory("countersign-embedded");
        Path out = dataDir.resolveSibling(dataDir.getFileName() + ".out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.countersign.cli.Main", "serve", "--data-dir", dataDir.toString(), "--port", "0",
                "--host", "127.0.0.1", "--audit-checkpoint-every", "1000")
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("COUNTERSIGN_"));
        Process serve = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(out, StandardCharsets.UTF_8).contains("is serving")) {
                assertThat(serve.isAlive()).as(Files.readString(out, StandardCharsets.UTF_8)).isTrue();
                assertThat(System.nanoTime()).as("server did not start").isLessThan(deadline);
                Thread.sleep(200);
            }
            serve.destroy(); // SIGTERM: the JVM runs its shutdown hooks
            assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            serve.destroyForcibly();
        }
        String log = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        assertThat(log).doesNotContain("no closing audit checkpoint").doesNotContain("did not stop cleanly");

        long head;
        long lastCheckpoint;
        try (Store store = Store.embedded(dataDir, 2, Countersign.masterKeys(dataDir), false); Connection c = store.dataSource().getConnection();
                Statement s = c.createStatement()) {
            head = single(s, "select seq from audit_head");
            lastCheckpoint = single(s, "select coalesce(max(seq), 0) from audit_checkpoints");
        }
        assertThat(head).as("events written by the run").isPositive();
        assertThat(lastCheckpoint).as("the shutdown checkpoint seals the head").isEqualTo(head);
        List<String> published = Files.readAllLines(dataDir.resolve(AuditLog.PUBLISHED_CHECKPOINTS));
        assertThat(published).isNotEmpty();
        assertThat(published.get(published.size() - 1)).startsWith(head + " ");
    }

    private static long single(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
