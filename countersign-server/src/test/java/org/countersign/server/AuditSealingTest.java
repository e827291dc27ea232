package org.countersign.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.countersign.core.audit.CheckpointSigner;
import org.countersign.core.audit.VerificationResult;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;
import org.countersign.server.store.Store;
import org.countersign.server.store.StoreException;
import org.countersign.testkit.TestClock;
import org.countersign.testkit.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A-G4: when checkpoints are signed, and when a node refuses to sign. Real PostgreSQL, a test-controlled clock. */
@Tag("integration")
class AuditSealingTest {
    private TestDatabase db;
    private String url;
    private Store store;
    private final CheckpointSigner signer = CheckpointSigner.generate();
    private final TestClock clock = TestClock.frozenAt(Instant.parse("2026-01-05T10:00:00Z"));

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.create();
        url = db.url();
        store = Store.external(url, db.user(), db.password(), 4);
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
        db.close();
    }

    private AuditLog log(int every, Optional<Path> published) {
        return new AuditLog(store.dataSource(), signer, every, Duration.ofSeconds(60), published, clock,
                new SimpleMeterRegistry());
    }

    private void write(AuditLog log, int n) {
        for (int i = 0; i < n; i++) {
            log.event(AuditAction.SERVER_START).by(AuditActor.principal("test"), "r").about(AuditSubject.user("e" + i))
                    .record(AuditOutcome.SUCCESS);
        }
    }

    private long scalar(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, TestDatabase.USER, ""); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void nothingRunsBeforeStart() {
        AuditLog log = log(1000, Optional.empty());
        assertThatThrownBy(() -> log.event(AuditAction.SERVER_START).by(AuditActor.SYSTEM, "r")
                .record(AuditOutcome.SUCCESS))
                .isInstanceOf(StoreException.class).hasMessageContaining("not accepting");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("audit-writer") && t.isAlive());
        log.start();
        try {
            write(log, 1);
        } finally {
            log.close();
        }
    }

    @Test
    void A_G4_aCheckpointIsSignedByTimeNotOnlyByCount() throws Exception {
        try (AuditLog log = log(1000, Optional.empty()).start()) {
            write(log, 3);
            assertThat(scalar("select count(*) from audit_checkpoints")).isZero();
            clock.advance(Duration.ofSeconds(61));
            // The writer checks the interval whenever it is idle (every 200 ms); wait for it, boundedly.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (scalar("select count(*) from audit_checkpoints") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(scalar("select max(seq) from audit_checkpoints")).isEqualTo(3);
        }
    }

    @Test
    void A_G4_checkpointsArePublishedOutsideTheDatabase() throws Exception {
        Path dir = Files.createTempDirectory("countersign-audit");
        Path file = dir.resolve(AuditLog.PUBLISHED_CHECKPOINTS);
        try (AuditLog log = log(5, Optional.of(file)).start()) {
            write(log, 12);
        }
        assertThat(Files.readAllLines(file)).extracting(l -> l.split(" ")[0]).containsExactly("5", "10", "12");
        VerificationResult r = AuditLog.verify(store.dataSource(), signer.publicKey(),
                AuditLog.VerifyOptions.full(5, Optional.of(file)));
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Intact.class, ok -> {
            assertThat(ok.sealedThroughSeq()).isEqualTo(12);
            assertThat(ok.unsealedTail()).isZero();
        });
        Files.delete(file);
        Files.delete(dir);
    }

    @Test
    void A_G4_aRestartedNodeRefusesToSignAChainWhoseCheckpointsWereDeleted() throws Exception {
        try (AuditLog first = log(5, Optional.empty()).start()) {
            write(first, 23);
        }
        try (Connection c = DriverManager.getConnection(url, TestDatabase.USER, ""); Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica");
            s.execute("delete from audit_checkpoints");
        }
        // A node that starts now knows no checkpoint: 23 rows and none signed cannot be trusted.
        try (AuditLog second = log(5, Optional.empty()).start()) {
            assertThat(second.checkpointNow()).isFalse();
            assertThat(second.sealingRefused()).get().asString().contains("covered by no signed checkpoint");
        }
        assertThat(scalar("select count(*) from audit_checkpoints")).isZero();
    }

    @Test
    void A_G4_anIntactChainIsSealedIncrementallyAcrossRestarts() throws Exception {
        try (AuditLog first = log(5, Optional.empty()).start()) {
            write(first, 7);
        }
        try (AuditLog second = log(5, Optional.empty()).start()) {
            write(second, 4);
            assertThat(second.checkpointNow()).isTrue();
            assertThat(second.sealingRefused()).isEmpty();
            assertThat(second.verify()).isInstanceOf(VerificationResult.Intact.class);
        }
        assertThat(scalar("select max(seq) from audit_checkpoints")).isEqualTo(11);
    }
}
