package org.countersign.server.oob;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.countersign.server.TestServer;
import org.countersign.server.oob.OobEvents.Event;
import org.countersign.server.oob.OobEvents.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * C-F5 long-poll wake-ups. A result poll registers a waiter, re-reads the request and sleeps until an announcement
 * about it arrives; an approval committed at any moment around that registration must wake it. Each case is run many
 * times because the losing interleavings are narrow.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OobEventsRaceTest {
    static final int ROUNDS = 20;
    TestServer server;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.onPostgres(c -> c);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    void announce(String requestId) throws Exception {
        try (Connection c = server.node.store().dataSource().getConnection()) {
            c.setAutoCommit(false);
            OobEvents.announce(c, new Event(Kind.RESOLVED, "t", "u", requestId, "approved"));
            c.commit();
        }
    }

    /**
     * A freshly started node: the poll registers and the approval commits right after the events hub starts. The
     * announcement must not fall into the gap before the node's LISTEN is in place.
     */
    @Test
    void C_F5_approvalRightAfterStartWakesThePoll() throws Exception {
        int missed = 0;
        for (int i = 0; i < ROUNDS; i++) {
            try (OobEvents events = new OobEvents(server.node.store())) {
                events.start(e -> { });
                String id = "req_start" + i;
                CompletableFuture<Void> waiter = events.awaitChange(id);
                announce(id);
                try {
                    waiter.get(5, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    missed++;
                }
            }
        }
        assertThat(missed).as("polls not woken by an approval announced after they registered").isZero();
    }

    /**
     * Polls of the same request come and go (one times out and forgets its waiter while another registers). A
     * waiter registered at that moment must still be woken by the next announcement.
     */
    @Test
    void C_F5_waiterRegisteredWhileAnotherIsForgottenIsStillWoken() throws Exception {
        try (OobEvents events = new OobEvents(server.node.store())) {
            events.start(e -> { });
            int missed = 0;
            for (int i = 0; i < ROUNDS * 50; i++) {
                String id = "req_churn" + i;
                CompletableFuture<Void> leaving = events.awaitChange(id);
                CompletableFuture<CompletableFuture<Void>> arriving = new CompletableFuture<>();
                Thread t = new Thread(() -> arriving.complete(events.awaitChange(id)));
                t.start();
                events.forget(id, leaving);
                t.join();
                events.deliverForTest(new Event(Kind.RESOLVED, "t", "u", id, "approved"));
                if (!arriving.get().isDone()) {
                    missed++;
                }
            }
            assertThat(missed).as("waiters lost in a set that was removed while they joined it").isZero();
        }
    }

    /** The whole path once more through PostgreSQL: many polls registering while approvals are announced. */
    @Test
    void C_F5_concurrentRegistrationAndAnnouncementNeverLosesAWakeUp() throws Exception {
        try (OobEvents events = new OobEvents(server.node.store())) {
            events.start(e -> { });
            List<CompletableFuture<Void>> waiters = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                String id = "req_conc" + i;
                CompletableFuture<Void> w = events.awaitChange(id);
                waiters.add(w);
                Thread t = new Thread(() -> {
                    try {
                        announce(id);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        }
    }
}
