package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.keys.AssociatedData;
import org.countersign.core.keys.SealedBlob;
import org.countersign.server.Countersign;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;
import org.countersign.testkit.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** `countersign audit verify` and `countersign keys rotate` against a real node on PostgreSQL (A-G4, A-G5). */
@Tag("integration")
class OperatorCommandsTest {
    private TestDatabase database;
    private String url;
    private Path dataDir;

    @BeforeEach
    void setUp() throws Exception {
        database = TestDatabase.create();
        url = database.url();
        dataDir = Files.createTempDirectory("countersign-cli");
    }

    @AfterEach
    void tearDown() throws Exception {
        database.close();
    }

    private Countersign startNode() throws Exception {
        return TestNodes.start(database, dataDir);
    }

    private record Run(int exit, String out) {}

    private Run cli(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.commandLine().execute(args);
            return new Run(exit, buffer.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void A_G4_auditVerifyReportsIntactThenNamesTheEditedRow() throws Exception {
        try (Countersign node = startNode()) {
            for (int i = 0; i < 5; i++) {
                node.auditLog().event(AuditAction.SERVER_START).by(AuditActor.principal("test"), "req-" + i)
                        .about(AuditSubject.user("row-" + i)).record(AuditOutcome.SUCCESS);
            }
            Run ok = cli("audit", "verify", "--data-dir", dataDir.toString(), "--database-url", url);
            assertThat(ok.exit()).as(ok.out()).isZero();
            assertThat(ok.out()).contains("intact");

            try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("set session_replication_role = replica");
                s.execute("update audit_events set subject = 'someone-else' where seq = 3");
            }
            Run broken = cli("audit", "verify", "--data-dir", dataDir.toString(), "--database-url", url);
            assertThat(broken.exit()).isEqualTo(1);
            assertThat(broken.out()).contains("BROKEN at seq 3");
        }
    }

    @Test
    void A_G4_auditVerifySaysWhatItProvesAndHonoursThePinnedKey() throws Exception {
        String fingerprint;
        try (Countersign node = startNode()) {
            for (int i = 0; i < 3; i++) {
                node.auditLog().event(AuditAction.SERVER_START).by(AuditActor.principal("test"), "req-" + i)
                        .about(AuditSubject.user("row-" + i)).record(AuditOutcome.SUCCESS);
            }
            fingerprint = org.countersign.core.audit.CheckpointSigner.fingerprint(
                    org.countersign.server.audit.CheckpointKeys.publicKey(dataDir));
            Run open = cli("audit", "verify", "--data-dir", dataDir.toString(), "--database-url", url);
            assertThat(open.exit()).as(open.out()).isZero();
            assertThat(open.out()).contains("unsealed:", "NOT PINNED", fingerprint);
        }
        // After the shutdown checkpoint nothing is unsealed; the pinned key is reported as matching.
        Run pinned = cli("audit", "verify", "--data-dir", dataDir.toString(), "--database-url", url,
                "--checkpoint-key-fingerprint", fingerprint.replace(":", ""));
        assertThat(pinned.exit()).as(pinned.out()).isZero();
        assertThat(pinned.out()).contains("the last 0 row(s)", "matches the pinned fingerprint", "cross-checked");
        // Incremental: from the shutdown checkpoint.
        long head;
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement();
                var rs = s.executeQuery("select max(seq) from audit_checkpoints")) {
            rs.next();
            head = rs.getLong(1);
        }
        Run from = cli("audit", "verify", "--data-dir", dataDir.toString(), "--database-url", url,
                "--from-checkpoint", Long.toString(head));
        assertThat(from.exit()).as(from.out()).isZero();
        assertThat(from.out()).contains("not read:   rows before seq " + head);
        Run noSuch = cli("audit", "verify", "--data-dir", dataDir.toString(), "--database-url", url,
                "--from-checkpoint", Long.toString(head + 1000));
        assertThat(noSuch.exit()).isEqualTo(2);
        // Another key pinned: the key in the data folder is not trusted.
        Run other = cli("audit", "verify", "--data-dir", dataDir.toString(), "--database-url", url,
                "--checkpoint-key-fingerprint", org.countersign.core.audit.CheckpointSigner.fingerprint(
                        org.countersign.core.audit.CheckpointSigner.generate().publicKey()));
        assertThat(other.exit()).isEqualTo(1);
        assertThat(other.out()).contains("does not match the pinned fingerprint");

        // The same pin as a setting: a node refuses to start with another key, and says so when it matches.
        org.countersign.server.config.ServerConfig cfg = org.countersign.server.config.ServerConfig.defaults()
                .withDataDir(dataDir).withPort(0).withDatabase(url, "postgres", "");
        String foreign = org.countersign.core.audit.CheckpointSigner.fingerprint(
                org.countersign.core.audit.CheckpointSigner.generate().publicKey());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Countersign.start(
                cfg.withAuditCheckpointKeyFingerprint(foreign), java.time.Clock.systemUTC(),
                new PrintStream(java.io.OutputStream.nullOutputStream())))
                .hasMessageContaining("not the pinned");
        ByteArrayOutputStream banner = new ByteArrayOutputStream();
        try (Countersign node = Countersign.start(cfg.withAuditCheckpointKeyFingerprint(fingerprint),
                java.time.Clock.systemUTC(), new PrintStream(banner, true, StandardCharsets.UTF_8))) {
            assertThat(banner.toString(StandardCharsets.UTF_8)).contains("audit key:", fingerprint, "(pinned)");
        }
    }

    @Test
    void A_G5_keysRotateKeepsSealedDataAndKeyFilesUsable() throws Exception {
        AssociatedData ad = new AssociatedData("bank", "alice", "test");
        SealedBlob blob;
        try (Countersign node = startNode()) {
            blob = node.keyService().seal("test", ad, SecretBytes.copyOf("reference".getBytes(StandardCharsets.UTF_8)));
        }
        Run rotated = cli("keys", "rotate", "--data-dir", dataDir.toString(), "--database-url", url);
        assertThat(rotated.exit()).as(rotated.out()).isZero();
        assertThat(rotated.out()).contains("re-wrapped 1 data keys").contains("re-sealed 3 key files");
        try (Countersign node = startNode()) {
            SecretBytes opened = node.keyService().open(blob, ad);
            assertThat(new String(opened.revealForCrypto(), StandardCharsets.UTF_8)).isEqualTo("reference");
        }
    }
}
