package org.countersign.server.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.countersign.biometrics.liveness.MotionSignature;
import org.countersign.server.store.Jdbc;
import org.countersign.server.store.Store;
import org.countersign.testkit.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The shared replay-signature store on the machine's PostgreSQL (X.1279 App. III item 4). */
@Tag("integration")
class JdbcReplaySignatureStoreTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private static MotionSignature signature(double phase) {
        int n = 12;
        long[] ms = new long[n];
        double[] yaw = new double[n], pitch = new double[n], eye = new double[n], mouth = new double[n];
        for (int i = 0; i < n; i++) {
            ms[i] = i * 100L;
            yaw[i] = 0.4 * Math.sin(i * 0.5 + phase);
            pitch[i] = 0.45 + 0.1 * Math.cos(i * 0.3 + phase);
            eye[i] = 0.3;
            mouth[i] = 0.05;
        }
        return MotionSignature.of(ms, yaw, pitch, eye, mouth);
    }

    @Test
    void X1279_App3_4_signaturesKeptPerSubjectNewestFirstAndPurgedAfterRetention() throws Exception {
        try (TestDatabase db = TestDatabase.create(); Store store = Store.external(db.url(), db.user(), db.password(), 2)) {
            JdbcReplaySignatureStore signatures = new JdbcReplaySignatureStore(new Jdbc(store.dataSource()),
                    Duration.ofDays(30));
            MotionSignature a = signature(0), b = signature(1), c = signature(2);
            signatures.add("alice", a, T0);
            signatures.add("alice", b, T0.plusSeconds(60));
            signatures.add("bob", c, T0.plusSeconds(30));

            List<MotionSignature> alice = signatures.recent("alice", T0.minusSeconds(1), 10);
            assertThat(alice).hasSize(2);
            assertThat(alice.get(0).encode()).isEqualTo(b.encode());
            assertThat(alice.get(1).encode()).isEqualTo(a.encode());
            assertThat(alice.get(1).compare(a, 8).meanDistance()).isZero();
            assertThat(signatures.recent("alice", T0.plusSeconds(1), 10)).hasSize(1);
            assertThat(signatures.recent("alice", T0.minusSeconds(1), 1)).hasSize(1);
            assertThat(signatures.recent("carol", T0.minusSeconds(1), 10)).isEmpty();

            assertThat(signatures.purge(T0.plus(Duration.ofDays(30)).plusSeconds(45))).isEqualTo(2);
            assertThat(signatures.recent("alice", T0.minusSeconds(1), 10)).hasSize(1);
            assertThat(signatures.recent("bob", T0.minusSeconds(1), 10)).isEmpty();
        }
    }
}
