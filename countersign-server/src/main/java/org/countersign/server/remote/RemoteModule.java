package org.countersign.server.remote;

import io.javalin.config.JavalinConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.liveness.JudgePolicy;
import org.countersign.biometrics.liveness.LivenessJudge;
import org.countersign.biometrics.protect.TemplateProtector;
import org.countersign.core.replay.FreshnessPolicy;
import org.countersign.server.ServerContext;
import org.countersign.server.http.ApiServer;
import org.slf4j.LoggerFactory;

/**
 * Assembles the remote biometric module (ITU-T X.1279 / ISO/IEC 27553-2) from the node's context. The
 * face models are opened on the first capture, not at start-up, so nodes that never see a capture pay nothing.
 */
public final class RemoteModule implements ApiServer.Routes, AutoCloseable {
    /** How long frame hashes are kept: far beyond any challenge's limit plus grace (X.1279 App. III item 4). */
    static final Duration FRAME_HASH_RETENTION = Duration.ofDays(30);

    private final RemoteRoutes routes;
    private final LazyEngines engines;
    private final RemoteBiometricService service;

    private RemoteModule(ServerContext ctx) {
        RemoteStore store = new RemoteStore(ctx.jdbc());
        JdbcFrameHashStore hashes = new JdbcFrameHashStore(ctx.jdbc(), FRAME_HASH_RETENTION);
        // Motion signatures of every judged capture, per user and shared by all nodes: a re-encoded replay of an
        // earlier capture has new bytes but retraces the same motion (X.1279 App. III item 4).
        JdbcReplaySignatureStore signatures = new JdbcReplaySignatureStore(ctx.jdbc(), FRAME_HASH_RETENTION);
        this.engines = new LazyEngines(hashes, signatures, ctx);
        SecureSessions sessions = new SecureSessions(store, ctx.keys(), ctx.random(), ctx.clock(),
                FreshnessPolicy.DEFAULT);
        this.service = new RemoteBiometricService(store, sessions, new RiskPolicyEngine(ctx.random()),
                new ReferenceVault(ctx.keys(), TemplateProtector.faceDefaults(), ctx.random()), engines,
                // Motion-replay signatures refuse a capture that retraces one of the same user's earlier ones, even
                // re-encoded (X.1279 App. III item 4; docs/liveness.md, "Replay"): the judge's defaults.
                JudgePolicy.defaults(), ctx.audit(), ctx.json(), ctx.random(), ctx.clock(), schedule(),
                RemoteBiometricService.LiveSettings.defaults());
        this.routes = new RemoteRoutes(service, ctx.users(), ctx.body());
    }

    /**
     * The random prompt schedule, unless a test put a {@link PromptSchedule.TestOnlyFixedSchedule} on the classpath
     * (only src/test declares one; no setting can select it).
     */
    private static PromptSchedule schedule() {
        return ServiceLoader.load(PromptSchedule.TestOnlyFixedSchedule.class).findFirst()
                .<PromptSchedule>map(s -> {
                    LoggerFactory.getLogger(RemoteModule.class).warn(
                            "TEST-ONLY fixed prompt schedule {} in use: live prompts are predictable", s.getClass());
                    return s;
                }).orElseGet(PromptSchedule::random);
    }

    /** Builds the module and registers it for closing; the caller adds the result to the route list. */
    public static RemoteModule create(ServerContext ctx, List<AutoCloseable> closeables) {
        RemoteModule m = new RemoteModule(ctx);
        closeables.add(m);
        return m;
    }

    public RemoteBiometricService service() {
        return service;
    }

    @Override
    public void accept(JavalinConfig config) {
        routes.accept(config);
    }

    /** The face engine's state for the health report; never waits for a load in progress. */
    public EngineState engineState() {
        return engines.state();
    }

    /** Starts opening the face engine on a low-priority background thread unless it is open or opening. */
    public void loadEnginesInBackground() {
        engines.loadInBackground();
    }

    @Override
    public void close() {
        engines.close();
    }

    /** Where the face engine is: not opened yet, opening, open, or its last open failed (retried on next use). */
    public enum EngineState {
        IDLE("idle"), LOADING("loading"), READY("ready"), UNAVAILABLE("unavailable");

        private final String label;

        EngineState(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Opens the analyzer once, on demand; a failed open is retried on the next capture. */
    static final class LazyEngines implements Supplier<RemoteBiometricService.Engines>, AutoCloseable {
        private final JdbcFrameHashStore hashes;
        private final JdbcReplaySignatureStore signatures;
        private final ServerContext ctx;
        private RemoteBiometricService.Engines engines;
        private Instant lastPurge = Instant.MIN;
        // Written under the monitor, read without it by /health, which must not wait behind a load.
        private volatile EngineState state = EngineState.IDLE;
        private boolean closed;

        LazyEngines(JdbcFrameHashStore hashes, JdbcReplaySignatureStore signatures, ServerContext ctx) {
            this.hashes = hashes;
            this.signatures = signatures;
            this.ctx = ctx;
        }

        EngineState state() {
            return state;
        }

        /**
         * The capture path calls {@link #get}, which holds this monitor while it opens: a capture that arrives
         * during the background load waits for it instead of failing or opening a second copy.
         */
        void loadInBackground() {
            if (state != EngineState.IDLE) {
                return;
            }
            Thread t = new Thread(() -> {
                try {
                    open();
                } catch (RuntimeException | LinkageError e) {
                    if (stopping()) {
                        // Stopped while loading (the runtime cannot register its exit hook once the JVM exits).
                        LoggerFactory.getLogger(RemoteModule.class).info("face engine load ended by the stop");
                        return;
                    }
                    LoggerFactory.getLogger(RemoteModule.class).warn(
                            "face engine not loaded in the background ({}); the first capture tries again", e.toString());
                }
            }, "countersign-face-engine-load");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            t.start();
        }

        /** The node is closing, or the JVM is already shutting down. */
        private boolean stopping() {
            synchronized (this) {
                if (closed) {
                    return true;
                }
            }
            try {
                Thread probe = new Thread(() -> { });
                Runtime.getRuntime().addShutdownHook(probe);
                Runtime.getRuntime().removeShutdownHook(probe);
                return false;
            } catch (IllegalStateException e) {
                return true;
            }
        }

        private synchronized RemoteBiometricService.Engines open() {
            if (engines == null && !closed) {
                state = EngineState.LOADING;
                try {
                    FaceAnalyzer analyzer = FaceAnalyzer.open();
                    engines = new RemoteBiometricService.Engines(analyzer,
                            new LivenessJudge(analyzer, hashes, signatures, ctx.clock()));
                } catch (BiometricException e) {
                    throw new RemoteException(RemoteException.Kind.ENGINE_UNAVAILABLE, e.getMessage());
                } finally {
                    state = engines != null ? EngineState.READY : EngineState.UNAVAILABLE;
                }
            }
            if (engines == null) {
                throw new RemoteException(RemoteException.Kind.ENGINE_UNAVAILABLE, "the node is shutting down");
            }
            return engines;
        }

        @Override
        public synchronized RemoteBiometricService.Engines get() {
            RemoteBiometricService.Engines engines = open();
            // Hourly, on the capture path: hashes past retention no longer protect anything (no scheduler needed).
            Instant now = ctx.clock().instant();
            if (lastPurge.isBefore(now.minus(Duration.ofHours(1)))) {
                lastPurge = now;
                hashes.purge(now);
            }
            return engines;
        }

        @Override
        public synchronized void close() {
            closed = true;
            if (engines != null) {
                engines.analyzer().close();
                engines = null;
            }
            state = EngineState.IDLE;
        }
    }
}
