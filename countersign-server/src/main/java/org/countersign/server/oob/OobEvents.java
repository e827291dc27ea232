package org.countersign.server.oob;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.countersign.server.store.Store;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fan-out of request changes to every node (C-F3 push, C-F5 long-poll). A change is announced with PostgreSQL
 * {@code NOTIFY} inside the transaction that makes it, so it is heard only once committed; each node listens on
 * one dedicated connection and hands what it hears to its own open authenticator streams and waiting result
 * polls. Announcements carry ids only: receivers read the current state from the database.
 */
public final class OobEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OobEvents.class);
    static final String CHANNEL = "countersign_oob";
    static final long KEEP_ALIVE_SECONDS = 15;

    public enum Kind { REQUEST, RESOLVED, REVOKED }

    /** One announcement: a request became pending, a request ended, or an authenticator was revoked. */
    public record Event(Kind kind, String tenantId, String userId, String id, String status) {}

    /** An open push stream of one authenticator on this node. */
    interface Stream {
        String tenantId();

        String userId();

        String authenticatorId();

        /** Sends one event; false once the client has gone. */
        boolean send(String event, String data);

        boolean comment(String text);

        /** Address the authenticator connected from, for the relay network check (§9.1.1); null if unknown. */
        default String address() {
            return null;
        }

        void close();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;
    private final Map<String, Set<Stream>> streamsByUser = new ConcurrentHashMap<>();
    private final Map<String, Set<CompletableFuture<Void>>> waitersByRequest = new ConcurrentHashMap<>();
    private final ExecutorService dispatch = Executors.newSingleThreadExecutor(r -> daemon(r, "oob-dispatch"));
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "oob-keepalive"));
    private final Thread listener;
    private volatile Consumer<Event> onRequest = e -> { };
    private volatile boolean running = true;
    private volatile boolean accepting = true;
    private volatile Connection listening;
    private final CountDownLatch listeningOnce = new CountDownLatch(1);

    OobEvents(Store store) {
        this.store = store;
        this.listener = daemon(this::listen, "oob-listen");
        this.timers.scheduleAtFixedRate(this::keepAlive, KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
    }

    /** Starts listening; {@code onRequest} turns a REQUEST announcement into pushes to local streams. */
    void start(Consumer<Event> onRequest) {
        this.onRequest = onRequest;
        listener.start();
        // A NOTIFY sent before our LISTEN is in place is never delivered to us: a poll registered in that gap would
        // sleep its whole timeout although the approval had committed. So the node serves nothing before it listens.
        try {
            if (!listeningOnce.await(30, TimeUnit.SECONDS)) {
                LOG.warn("out-of-band listener not ready after 30 s; result polls may wait their full timeout");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Announces a change; call inside the transaction that makes it. */
    static void announce(Connection c, Event e) throws SQLException {
        String payload;
        try {
            payload = JSON.writeValueAsString(e);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        try (var ps = c.prepareStatement("select pg_notify(?, ?)")) {
            ps.setString(1, CHANNEL);
            ps.setString(2, payload);
            ps.executeQuery().close();
        }
    }

    /**
     * Holds {@code s} for pushes, or closes it at once when the node is stopping (returns false): a phone that
     * reconnects during the stop must not leave a stream behind that outlives the HTTP server.
     */
    boolean register(Stream s) {
        if (!accepting) {
            s.close();
            return false;
        }
        streamsByUser.computeIfAbsent(userKey(s.tenantId(), s.userId()), k -> new CopyOnWriteArraySet<>()).add(s);
        // closeStreams() may have run between the check and the add: it clears accepting before it looks.
        if (!accepting) {
            unregister(s);
            s.close();
            return false;
        }
        return true;
    }

    /** Whether new streams are taken: false from the moment the node starts to stop. */
    boolean accepting() {
        return accepting;
    }

    void unregister(Stream s) {
        Set<Stream> set = streamsByUser.get(userKey(s.tenantId(), s.userId()));
        if (set != null) {
            set.remove(s);
        }
    }

    /** Streams of one user held on this node. */
    List<Stream> streams(String tenantId, String userId) {
        return List.copyOf(streamsByUser.getOrDefault(userKey(tenantId, userId), Set.of()));
    }

    /** Completes when the request changes on any node; the caller times it out and must call {@link #forget}. */
    CompletableFuture<Void> awaitChange(String requestId) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        // Added inside compute, atomically with the map entry: adding to a set fetched earlier could land in a set
        // that deliver() or forget() has just removed, and that waiter would never be woken.
        waitersByRequest.compute(requestId, (k, set) -> {
            Set<CompletableFuture<Void>> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(f);
            return s;
        });
        return f;
    }

    void forget(String requestId, CompletableFuture<Void> f) {
        waitersByRequest.computeIfPresent(requestId, (k, set) -> {
            set.remove(f);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Ends every stream held on this node and takes no new ones: called when the HTTP server starts to stop, while
     * the streams' responses are still alive. Open streams never finish by themselves, so without this the server's
     * graceful stop would wait for them.
     */
    void closeStreams() {
        accepting = false;
        for (Set<Stream> set : streamsByUser.values()) {
            set.forEach(Stream::close);
        }
        streamsByUser.clear();
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    private void listen() {
        while (running) {
            try (Connection c = store.openDedicatedConnection()) {
                listening = c;
                try (Statement s = c.createStatement()) {
                    s.execute("listen " + CHANNEL);
                }
                if (listeningOnce.getCount() == 0) {
                    // Reconnected: whatever was announced while we were not listening is lost, so every waiting
                    // poll re-reads its request now instead of sleeping to its timeout.
                    wakeAllWaiters();
                }
                listeningOnce.countDown();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] batch = pg.getNotifications(1_000);
                    if (batch == null) {
                        continue;
                    }
                    for (PGNotification n : batch) {
                        Event e = parse(n.getParameter());
                        if (e != null) {
                            dispatch.execute(() -> deliver(e));
                        }
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    LOG.warn("out-of-band listener lost its connection, reconnecting: {}", e.getMessage());
                    sleep(1_000);
                }
            }
        }
    }

    /** Delivers as if heard from PostgreSQL, on the calling thread (tests of the wake-up logic). */
    void deliverForTest(Event e) {
        deliver(e);
    }

    private void deliver(Event e) {
        try {
            if (e.kind() == Kind.REVOKED) {
                for (Stream s : streams(e.tenantId(), e.userId())) {
                    if (s.authenticatorId().equals(e.id())) {
                        unregister(s);
                        s.close();
                    }
                }
                return;
            }
            Set<CompletableFuture<Void>> waiters = waitersByRequest.remove(e.id());
            if (waiters != null) {
                waiters.forEach(f -> f.complete(null));
            }
            if (e.kind() == Kind.REQUEST) {
                onRequest.accept(e);
            } else {
                String data = JSON.writeValueAsString(new OobMessages.RequestResolved(e.id(), e.status()));
                for (Stream s : streams(e.tenantId(), e.userId())) {
                    if (!s.send("resolved", data)) {
                        unregister(s);
                    }
                }
            }
        } catch (IOException | RuntimeException ex) {
            LOG.warn("out-of-band event {} not delivered: {}", e, ex.toString());
        }
    }

    private void wakeAllWaiters() {
        for (String id : List.copyOf(waitersByRequest.keySet())) {
            Set<CompletableFuture<Void>> waiters = waitersByRequest.remove(id);
            if (waiters != null) {
                waiters.forEach(f -> f.complete(null));
            }
        }
    }

    private void keepAlive() {
        for (Set<Stream> set : streamsByUser.values()) {
            for (Stream s : set) {
                if (!s.comment("keep-alive")) {
                    unregister(s);
                }
            }
        }
    }

    private static Event parse(String payload) {
        try {
            return JSON.readValue(payload, Event.class);
        } catch (IOException e) {
            LOG.warn("ignoring a malformed out-of-band announcement");
            return null;
        }
    }

    private static String userKey(String tenantId, String userId) {
        return tenantId + '\u0000' + userId;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        Connection c = listening;
        if (c != null) {
            try {
                c.close(); // unblocks getNotifications
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        listener.interrupt();
        try {
            listener.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The HTTP server has stopped by now and recycled the streams' responses: closing an SSE client then would
        // resume its request on a dead response (Javalin's error handler fails on it, once per stream, and a load
        // run saw the stop hang in that loop). The streams were ended by closeStreams() at serverStopping; any left
        // are only forgotten.
        accepting = false;
        streamsByUser.clear();
        waitersByRequest.values().forEach(set -> set.forEach(f -> f.complete(null)));
        timers.shutdownNow();
        dispatch.shutdownNow();
    }
}
