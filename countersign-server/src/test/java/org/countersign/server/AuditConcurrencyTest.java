package org.countersign.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.countersign.core.audit.CheckpointSigner;
import org.countersign.core.audit.VerificationResult;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;
import org.countersign.server.store.Store;
import org.countersign.testkit.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A-G4 with several nodes: two audit writers (as two nodes would have) append to one database at the same time;
 * the result is still one unbroken chain with every event in it.
 */
@Tag("integration")
class AuditConcurrencyTest {
    @Test
    void A_G4_twoWritersOnOneDatabaseKeepOneIntactChain() throws Exception {
        CheckpointSigner signer = CheckpointSigner.generate();
        try (TestDatabase db = TestDatabase.create();
                Store a = Store.external(db.url(), db.user(), db.password(), 4);
                Store b = Store.external(db.url(), db.user(), db.password(), 4);
                AuditLog nodeA = new AuditLog(a.dataSource(), signer, 50, Clock.systemUTC(), new SimpleMeterRegistry()).start();
                AuditLog nodeB = new AuditLog(b.dataSource(), signer, 50, Clock.systemUTC(), new SimpleMeterRegistry()).start()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                AuditLog log = t % 2 == 0 ? nodeA : nodeB;
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        log.event(AuditAction.USER_CREATE).tenant("bank")
                                .by(AuditActor.principal("thread-" + thread), "req")
                                .about(AuditSubject.user("event-" + i)).record(AuditOutcome.SUCCESS);
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
            pool.shutdown();
            VerificationResult r = nodeA.verify();
            assertThat(r).isInstanceOf(VerificationResult.Intact.class);
            assertThat(((VerificationResult.Intact) r).rows()).isEqualTo(2400);
        }
    }
}
