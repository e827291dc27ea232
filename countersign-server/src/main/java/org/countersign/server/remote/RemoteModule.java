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

    @Override
    public void close() {
        engines.close();
    }

    /** Opens the analyzer once, on demand; a failed open is retried on the next capture. */
    static final class LazyEngines implements Supplier<RemoteBiometricService.Engines>, AutoCloseable {
        private final JdbcFrameHashStore hashes;
        private final JdbcReplaySignatureStore signatures;
        private final ServerContext ctx;
        private RemoteBiometricService.Engines engines;
        private Instant lastPurge = Instant.MIN;

        LazyEngines(JdbcFrameHashStore hashes, JdbcReplaySignatureStore signatures, ServerContext ctx) {
            this.hashes = hashes;
            this.signatures = signatures;
            this.ctx = ctx;
        }

        @Override
        public synchronized RemoteBiometricService.Engines get() {
            if (engines == null) {
                try {
                    FaceAnalyzer analyzer = FaceAnalyzer.open();
                    engines = new RemoteBiometricService.Engines(analyzer,
                            new LivenessJudge(analyzer, hashes, signatures, ctx.clock()));
                } catch (BiometricException e) {
                    throw new RemoteException(RemoteException.Kind.ENGINE_UNAVAILABLE, e.getMessage());
                }
            }
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
            if (engines != null) {
                engines.analyzer().close();
                engines = null;
            }
        }
    }
}
