package org.countersign.server.oob;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.countersign.server.ServerContext;
import org.countersign.server.http.ApiServer;
import org.countersign.server.local.LocalCredentialService;
import org.countersign.server.local.LocalStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Assembles the out-of-band module (X.1280) from the node's context; one line in {@code Countersign} calls it. */
public final class OutOfBandModule {
    private static final Logger LOG = LoggerFactory.getLogger(OutOfBandModule.class);
    static final long SWEEP_SECONDS = 5;

    /** Default accepted distance between an RP-supplied {@code requestTime} and the verifier's clock (§8.3). */
    static final Duration DEFAULT_REQUEST_TIME_SKEW = Duration.ofSeconds(120);
    static final String REQUEST_TIME_SKEW_PROPERTY = "countersign.oob.requestTimeSkewSeconds";

    private OutOfBandModule() {}

    static Duration requestTimeSkew() {
        String v = System.getProperty(REQUEST_TIME_SKEW_PROPERTY);
        if (v == null) {
            return DEFAULT_REQUEST_TIME_SKEW;
        }
        long seconds = Long.parseLong(v.trim());
        if (seconds < 1 || seconds > 3600) {
            throw new IllegalArgumentException(REQUEST_TIME_SKEW_PROPERTY + " must be 1..3600 seconds");
        }
        return Duration.ofSeconds(seconds);
    }

    /** Builds the service, starts the listener and sweep, and registers their shutdown in {@code closeables}. */
    public static ApiServer.Routes create(ServerContext ctx, List<AutoCloseable> closeables) {
        OobEvents events = new OobEvents(ctx.store());
        ExecutorService waits = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "oob-result");
            t.setDaemon(true);
            return t;
        });
        // The flow's ports on PostgreSQL; the audit trail is the node's hash-chained log.
        OobStore store = new JdbcOobStore(ctx.jdbc());
        AuditTrail audit = new AuditLogTrail(ctx.audit());
        OutOfBandService service = new OutOfBandService(store, audit, ctx.tenants(),
                new UserRepositoryDirectory(ctx.users()),
                new EnrolmentCodes(new JdbcEnrolmentCodeStore(ctx.jdbc()), ctx.random(), ctx.clock()),
                new RecoveryCodes(ctx.random()), new VerificationKeys(ctx.keys(), ctx.random()),
                new PasswordRenewal(ctx.random()),
                new AuthenticatorSignatures(store, new JdbcUsedSignatureStore(ctx.jdbc()), ctx.clock()), events, waits,
                ctx.random(), ctx.clock(), relayGuard(ctx, store, audit), requestTimeSkew());
        events.start(service::pushToLocalStreams);
        events.timers().scheduleWithFixedDelay(() -> {
            try {
                service.sweep();
            } catch (RuntimeException e) {
                LOG.warn("out-of-band sweep failed: {}", e.toString());
            }
        }, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
        closeables.add(events);
        closeables.add(() -> {
            waits.shutdownNow();
            waits.awaitTermination(2, TimeUnit.SECONDS);
        });
        return new OobRoutes(service, events, ctx.body(), ctx.baseUrl(), AuthenticatorAddress.fromSystemProperties());
    }

    /** §9.1.1 relay defences; WebAuthn-bound mode verifies with the local module's credentials and verifier. */
    private static RelayGuard relayGuard(ServerContext ctx, OobStore store, AuditTrail audit) {
        LocalCredentialService local = new LocalCredentialService(new LocalStore(ctx.jdbc(), ctx.json()), ctx.tenants(),
                ctx.users(), ctx.audit(), ctx.json(), ctx.random(), ctx.clock(), ctx.jdbc(), ctx.keys());
        return new RelayGuard(store, RelayGuard.loadInBackground(), new LocalTerminalAssertions(local), audit,
                ctx.clock());
    }
}
