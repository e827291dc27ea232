package org.countersign.agent.oob;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The push channel of X.1280 §8.3 step 5: a Server-Sent Events connection to
 * {@code /v1/oob/authenticator/stream}, signed per the contract. When the stream cannot be held (network change,
 * a proxy that buffers event streams, a verifier restart) it reconnects with exponential back-off and meanwhile
 * polls {@code /pending}, so a request is never missed just because the stream is down. Each request is delivered
 * once, whichever route brought it.
 *
 * <p>Listener methods run on the stream's threads; keep them short (hand the request to the UI thread).
 */
public final class PushStream implements AutoCloseable {

    /** Connection state, for the UI. */
    public enum State { CONNECTING, CONNECTED, POLLING, CLOSED }

    /** Receives what the verifier pushes. */
    public interface Listener {
        /** A new request to show (already decoded and its code computed on this device). */
        void onRequest(PendingRequest request);

        /** A request ended elsewhere: another device answered, or it expired. */
        default void onResolved(String requestId, String status) {}

        /** The connection changed state; {@code cause} says why it dropped. */
        default void onState(State state, Optional<OobException> cause) {}

        /** A pushed request was refused (bad offset, another user). */
        default void onInvalidPush(OobException.InvalidPush problem) {}
    }

    /**
     * Timing of the stream.
     *
     * @param initialBackoff first wait before reconnecting
     * @param maxBackoff     longest wait between reconnects
     * @param pollInterval   how often {@code /pending} is polled while disconnected
     * @param idleTimeout    silence after which the connection is presumed dead (the verifier sends a keep-alive
     *                       comment every 15 s)
     */
    public record Options(Duration initialBackoff, Duration maxBackoff, Duration pollInterval, Duration idleTimeout) {
        public Options {
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0
                    || pollInterval.isNegative() || pollInterval.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("stream timings must be positive and maxBackoff >= initialBackoff");
            }
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5),
                    Duration.ofSeconds(45));
        }
    }

    private static final int REMEMBERED_IDS = 1024;

    private final OobAuthenticator authenticator;
    private final Listener listener;
    private final Options options;
    private final Thread loop;
    private final Map<String, Boolean> delivered = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_IDS;
        }
    };
    private final AtomicLong lastActivityNanos = new AtomicLong();
    private volatile boolean closed;
    private volatile SseSubscriber current;

    private PushStream(OobAuthenticator authenticator, Listener listener, Options options) {
        this.authenticator = authenticator;
        this.listener = listener;
        this.options = options;
        this.loop = new Thread(this::run, "countersign-oob-stream-" + authenticator.info().authenticatorId());
        this.loop.setDaemon(true);
    }

    static PushStream start(OobAuthenticator authenticator, Listener listener, Options options) {
        PushStream s = new PushStream(authenticator, Objects.requireNonNull(listener, "listener"),
                Objects.requireNonNull(options, "options"));
        s.loop.start();
        return s;
    }

    @Override
    public void close() {
        closed = true;
        SseSubscriber s = current;
        if (s != null) {
            s.cancel(null);
        }
        loop.interrupt();
        try {
            loop.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        Duration backoff = options.initialBackoff();
        while (!closed) {
            listener.onState(State.CONNECTING, Optional.empty());
            Optional<OobException> cause;
            boolean wasConnected;
            SseSubscriber sub = new SseSubscriber();
            current = sub;
            try {
                wasConnected = holdStream(sub);
                cause = Optional.empty();
            } catch (OobException e) {
                wasConnected = sub.connected;
                cause = Optional.of(e);
            } catch (InterruptedException e) {
                break;
            } finally {
                sub.cancel(null);
                current = null;
            }
            if (closed) {
                break;
            }
            if (wasConnected) {
                backoff = options.initialBackoff();
            }
            listener.onState(State.POLLING, cause);
            if (!pollUntil(System.nanoTime() + backoff.toNanos())) {
                break;
            }
            backoff = backoff.multipliedBy(2).compareTo(options.maxBackoff()) > 0 ? options.maxBackoff()
                    : backoff.multipliedBy(2);
        }
        listener.onState(State.CLOSED, Optional.empty());
    }

    /** Polls /pending until the deadline; false when the stream was closed meanwhile. */
    private boolean pollUntil(long deadlineNanos) {
        while (!closed) {
            pollOnce();
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, options.pollInterval().toNanos()));
            } catch (InterruptedException e) {
                return false;
            }
            if (System.nanoTime() >= deadlineNanos) {
                return true;
            }
        }
        return false;
    }

    private void pollOnce() {
        try {
            for (PendingRequest r : authenticator.pending()) {
                deliver(r);
            }
        } catch (OobException.InvalidPush e) {
            listener.onInvalidPush(e);
        } catch (OobException e) {
            // Unreachable verifier while polling: the loop keeps trying, and the state already says POLLING.
        }
    }

    /** Returns after the stream ends; true when it had been connected. */
    private boolean holdStream(SseSubscriber sub) throws OobException, InterruptedException {
        VerifierClient client = authenticator.client();
        HttpRequest req = HttpRequest.newBuilder(client.signedUri("GET", OobAuthenticator.STREAM_PATH,
                        authenticator.keys().signer(), authenticator.info().authenticatorId()))
                .header("Accept", "text/event-stream").header("Cache-Control", "no-cache").GET().build();
        StringBuilder errorBody = new StringBuilder();
        int[] status = {0};
        HttpResponse.BodyHandler<Void> handler = info -> {
            status[0] = info.statusCode();
            if (info.statusCode() == 200) {
                return HttpResponse.BodySubscribers.fromLineSubscriber(sub, s -> null, StandardCharsets.UTF_8, null);
            }
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8),
                    body -> {
                        errorBody.append(body);
                        return null;
                    });
        };
        lastActivityNanos.set(System.nanoTime());
        CompletableFuture<HttpResponse<Void>> call = client.http().sendAsync(req, handler);
        call.whenComplete((r, e) -> {
            if (e != null) {
                sub.done.completeExceptionally(e);
            } else {
                sub.done.complete(null);
            }
        });
        // Wait for the end of the stream, checking for silence: a half-open TCP connection never errors by itself.
        long idle = options.idleTimeout().toNanos();
        while (true) {
            try {
                sub.done.get(Math.max(1, idle / 3), TimeUnit.NANOSECONDS);
                break;
            } catch (TimeoutException e) {
                if (System.nanoTime() - lastActivityNanos.get() > idle) {
                    sub.cancel(new IOException("no data for " + options.idleTimeout().toSeconds() + " s"));
                }
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
                    c = c.getCause();
                }
                if (closed) {
                    return sub.connected;
                }
                throw c instanceof IOException io ? client.transportError(io)
                        : new OobException.ServerUnreachable(client.server(), c);
            } catch (java.util.concurrent.CancellationException e) {
                return sub.connected;
            }
        }
        if (status[0] != 200 && status[0] != 0) {
            throw VerifierClient.problem(status[0], errorBody.toString());
        }
        return sub.connected;
    }

    private void deliver(PendingRequest r) {
        synchronized (delivered) {
            if (delivered.putIfAbsent(r.requestId(), Boolean.TRUE) != null) {
                return;
            }
        }
        listener.onRequest(r);
    }

    /** Parses the event-stream lines (WHATWG HTML "server-sent events": event, data, blank line dispatches). */
    private final class SseSubscriber implements Flow.Subscriber<String> {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile boolean connected;
        private volatile Flow.Subscription subscription;
        private String event = "";
        private final StringBuilder data = new StringBuilder();

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            connected = true;
            listener.onState(State.CONNECTED, Optional.empty());
            s.request(Long.MAX_VALUE);
            // Requests created while we were away are not replayed by the stream; fetch them once.
            Thread catchUp = new Thread(PushStream.this::pollOnce, "countersign-oob-catch-up");
            catchUp.setDaemon(true);
            catchUp.start();
        }

        @Override
        public void onNext(String raw) {
            lastActivityNanos.set(System.nanoTime());
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.isEmpty()) {
                dispatch();
            } else if (line.startsWith(":")) {
                return; // keep-alive comment
            } else {
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                if (field.equals("event")) {
                    event = value;
                } else if (field.equals("data")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(value);
                    if (data.length() > 64 * 1024) {
                        cancel(new IOException("event larger than 64 KiB"));
                    }
                }
            }
        }

        private void dispatch() {
            String name = event.isEmpty() ? "message" : event;
            String payload = data.toString();
            event = "";
            data.setLength(0);
            if (payload.isEmpty()) {
                return;
            }
            JsonNode n;
            try {
                n = VerifierClient.JSON.readTree(payload);
            } catch (IOException e) {
                listener.onInvalidPush(new OobException.InvalidPush(Optional.empty(), "event data is not JSON"));
                return;
            }
            switch (name) {
                case "request" -> {
                    try {
                        deliver(authenticator.decodePush(n));
                    } catch (OobException.InvalidPush e) {
                        listener.onInvalidPush(e);
                    }
                }
                case "resolved" -> listener.onResolved(n.path("requestId").asText(""), n.path("status").asText(""));
                default -> { } // unknown events are ignored so the verifier can add new ones
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }

        void cancel(IOException why) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            if (why != null) {
                done.completeExceptionally(why);
            } else {
                done.complete(null);
            }
        }
    }
}
