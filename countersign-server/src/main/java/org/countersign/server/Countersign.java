package org.countersign.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.countersign.core.audit.CheckpointSigner;
import org.countersign.core.keys.KeyService;
import org.countersign.core.keys.MasterKeyProvider;
import org.countersign.core.password.Argon2idHasher;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;
import org.countersign.server.audit.CheckpointKeys;
import org.countersign.server.auth.Authenticator;
import org.countersign.server.config.MasterKeySource;
import org.countersign.server.config.ServerConfig;
import org.countersign.server.http.ApiServer;
import org.countersign.server.http.Body;
import org.countersign.server.http.Json;
import org.countersign.server.keys.JdbcDataKeyStore;
import org.countersign.server.local.LocalModule;
import org.countersign.server.oob.OutOfBandModule;
import org.countersign.server.ops.OpsRoutes;
import org.countersign.server.remote.RemoteModule;
import org.countersign.server.store.Jdbc;
import org.countersign.server.store.Store;
import org.countersign.server.store.StoreException;
import org.countersign.server.tenant.AdminRoutes;
import org.countersign.server.tenant.JdbcTenantRepository;
import org.countersign.server.tenant.TenantService;
import org.countersign.server.tls.ClientCertificates;
import org.countersign.server.tls.TlsMaterial;
import org.countersign.server.users.UserRepository;
import org.countersign.server.users.UserRoutes;
import org.countersign.server.web.SitePages;
import org.countersign.server.web.WebAuthenticatorPages;
import org.eclipse.jetty.util.URIUtil;
import org.eclipse.jetty.util.resource.MountedPathResourceFactory;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Countersign node: store, keys, audit log, TLS identity and the HTTP API, assembled in start-up
 * order. {@link #start} is what {@code countersign serve} and the integration tests call.
 */
public final class Countersign implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Countersign.class);
    public static final String VERSION = Optional.ofNullable(Countersign.class.getPackage().getImplementationVersion())
            .orElse("dev");

    private final ServerConfig config;
    private final Store store;
    private final AuditLog audit;
    private final ApiServer http;
    private final TlsMaterial tls;
    private final KeyService keys;
    private final Optional<TenantService.IssuedKey> bootstrapAdminKey;
    private final String baseUrl;
    private final List<AutoCloseable> closeables;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Authenticator authenticator;
    private RemoteModule remote;

    private Countersign(ServerConfig config, Store store, AuditLog audit, ApiServer http, TlsMaterial tls, KeyService keys,
            Optional<TenantService.IssuedKey> bootstrapAdminKey, String baseUrl, List<AutoCloseable> closeables) {
        this.closeables = closeables;
        this.config = config;
        this.store = store;
        this.audit = audit;
        this.http = http;
        this.tls = tls;
        this.keys = keys;
        this.bootstrapAdminKey = bootstrapAdminKey;
        this.baseUrl = baseUrl;
    }

    public static Countersign start(ServerConfig config, Clock clock, PrintStream console) throws IOException {
        long t0 = System.nanoTime();
        StartupTimer timer = new StartupTimer(t0);
        Path dataDir = config.dataDir().toAbsolutePath().normalize();
        createPrivateDirectory(dataDir);
        MasterKeyProvider masterKeys = config.masterKey().open(dataDir);
        if (config.embeddedStore() && config.embeddedUnsafeFast()) {
            LOG.warn("--embedded-unsafe-fast is set: the embedded PostgreSQL runs without fsync and synchronous commit;"
                    + " a crash loses acknowledged writes. Never use it for data you keep.");
        }
        timer.phase("master key");
        SecureRandom random = new SecureRandom();

        // The store opens on its own thread (issue 14): starting the embedded postmaster and migrating the schema is
        // mostly waiting on another process, while the TLS material, the audit key and the HTTP/JSON classes below
        // need no database. Any failure on either side closes what the other opened before it is rethrown.
        StoreStart storeStart = StoreStart.begin(() -> config.databaseUrl()
                .map(url -> Store.external(url, config.databaseUser(), config.databasePassword(), config.databasePoolSize()))
                .orElseGet(() -> Store.embedded(dataDir, config.databasePoolSize(), masterKeys, config.embeddedUnsafeFast())));
        Store store = null;
        try {
            OwnJarResources.install();
            TlsMaterial tls = TlsMaterial.loadOrCreate(dataDir, masterKeys, config.tlsCertificate(), config.tlsPrivateKey(),
                    config.extraHostNames());
            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            boolean newAuditKey = !Files.exists(CheckpointKeys.publicKeyFile(dataDir));
            CheckpointSigner auditKey = CheckpointKeys.loadOrCreate(dataDir, masterKeys);
            String auditKeyFingerprint = CheckpointSigner.fingerprint(auditKey.publicKey());
            if (config.auditCheckpointKeyFingerprint().isPresent() && !CheckpointSigner
                    .sameFingerprint(config.auditCheckpointKeyFingerprint().get(), auditKeyFingerprint)) {
                throw new IllegalStateException("the audit checkpoint key in " + dataDir.resolve("audit") + " has fingerprint "
                        + auditKeyFingerprint + ", not the pinned " + config.auditCheckpointKeyFingerprint().get());
            }
            ObjectMapper mapper = Json.strictMapper();
            Body body = new Body(mapper);
            Argon2idHasher hasher = new Argon2idHasher();
            new JvmMemoryMetrics().bindTo(meters);
            new JvmGcMetrics().bindTo(meters);
            new JvmThreadMetrics().bindTo(meters);
            new ProcessorMetrics().bindTo(meters);
            timer.phase("TLS material, audit key, metrics, JSON (in parallel with the store)");

            store = storeStart.await();
            timer.phase("store ready (waited for it)");
            Jdbc jdbc = new Jdbc(store.dataSource());
            KeyService keys = new KeyService(masterKeys, new JdbcDataKeyStore(jdbc), random, clock);
            AuditLog audit = new AuditLog(store.dataSource(), auditKey, config.auditCheckpointEvery(),
                    config.auditCheckpointInterval(), Optional.of(dataDir.resolve(AuditLog.PUBLISHED_CHECKPOINTS)), clock,
                    meters).start();

            JdbcTenantRepository tenantRepo = new JdbcTenantRepository(jdbc);
            Authenticator authenticator = new Authenticator(tenantRepo, hasher, clock, config.ipRatePerSecond());
            TenantService tenants = new TenantService(tenantRepo, audit, random, clock);
            Optional<TenantService.IssuedKey> adminKey = tenants.bootstrapAdminKey();
            timer.phase("data keys, audit log, tenants");

            UserRepository users = new UserRepository(jdbc);
            AtomicReference<String> boundUrl = new AtomicReference<>();
            ServerContext ctx = new ServerContext(config, store, jdbc, keys, audit, mapper, body, tenantRepo, users, meters,
                    random, clock, boundUrl::get);
            List<AutoCloseable> closeables = new ArrayList<>();
            List<ApiServer.Routes> routes = new ArrayList<>();

            // ---- feature modules: each standard's module registers its routes below its own marker ----

            // [oob] out-of-band server authentication, ITU-T X.1280
            routes.add(OutOfBandModule.create(ctx, closeables));

            // [local] local-mode biometric authentication, ISO/IEC 27553-1
            routes.add(LocalModule.routes(ctx));

            // [remote] remote biometric authentication, ITU-T X.1279 / ISO/IEC 27553-2
            RemoteModule remote = RemoteModule.create(ctx, closeables);
            routes.add(remote);

            // [web] static pages served by the verifier (web authenticator, capture page)
            routes.add(new WebAuthenticatorPages());
            routes.add(new SitePages());

            // ---- end of feature modules ----

            // Ops first so that /health is registered before the modules, as before; it reports the face engine's
            // state without ever waiting for it.
            routes.add(0, new OpsRoutes(store, meters, VERSION, remote::engineState));
            routes.add(1, new AdminRoutes(tenants, new ClientCertificates(tls.certificateAuthority(), tenantRepo, audit, clock),
                    audit, body));
            routes.add(2, new UserRoutes(users, audit, body, clock));
            timer.phase("modules");

            if (config.insecureHttp()) {
                LOG.warn("serving plain HTTP because --insecure-http is set: only do this behind a TLS-terminating proxy");
            }
            ApiServer http = new ApiServer(new ApiServer.Settings(config.host(), config.port(),
                    config.insecureHttp() ? Optional.empty() : Optional.of(tls.sslContextFactory()),
                    config.maxRequestBytes(), config.tenantRatePerSecond(), config.ipRatePerSecond(),
                    config.tenantConcurrency(), config.shutdownGrace()),
                    mapper, authenticator, audit, meters, routes).start();
            timer.phase("HTTP server");
            String baseUrl = config.publicUrl().orElse((config.insecureHttp() ? "http" : "https") + "://localhost:" + http.port());
            boundUrl.set(baseUrl);
            audit.event(AuditAction.SERVER_START).by(AuditActor.SYSTEM, "startup").about(AuditSubject.node())
                    .details(Map.of("version", VERSION, "store", store.isEmbedded() ? "embedded" : "external"))
                    .record(AuditOutcome.SUCCESS);
            Countersign node = new Countersign(config, store, audit, http, tls, keys, adminKey, baseUrl, closeables);
            node.authenticator = authenticator;
            node.remote = remote;
            node.printBanner(console, dataDir, (System.nanoTime() - t0) / 1_000_000);
            printAuditKey(console, auditKeyFingerprint, newAuditKey, config.auditCheckpointKeyFingerprint().isPresent());
            return node;
        } catch (IOException | RuntimeException | Error e) {
            if (store != null) {
                store.close();
            } else {
                storeStart.closeWhenOpened();
            }
            throw e;
        }
    }

    /**
     * Opens the face engine on a background thread now that the node answers (issue 14): {@code /health} reports it
     * as {@code loading} meanwhile, and a remote capture that arrives before it is ready waits for it. Nodes that
     * never judge captures (tests, benchmarks of other modules) do not call this and load it on first use.
     */
    public void loadBiometricsInBackground() {
        remote.loadEnginesInBackground();
    }

    private void printBanner(PrintStream out, Path dataDir, long millis) {
        out.println();
        out.println("Countersign " + VERSION + " is serving " + baseUrl + "  (started in " + millis + " ms)");
        out.println("  store:        " + (store.isEmbedded() ? "embedded PostgreSQL in " + dataDir.resolve("postgres")
                : "external PostgreSQL " + maskSecrets(store.jdbcUrl())));
        if (store.isEmbedded() && config.embeddedUnsafeFast()) {
            out.println("  WARNING:      --embedded-unsafe-fast: no fsync, no synchronous commit; a crash loses acknowledged writes");
        }
        if (!config.insecureHttp()) {
            out.println("  TLS CA:       " + tls.caCertificatePath() + (tls.generatedNow() ? "  (generated now)" : ""));
            out.println("  CA SHA-256:   " + tls.caFingerprint());
            out.println("  try:          curl --cacert " + tls.caCertificatePath() + " " + baseUrl + "/health");
        }
        out.println("  health:       " + baseUrl + "/health");
        out.println("  metrics:      " + baseUrl + "/metrics   (admin key required)");
        out.println("  API document: " + baseUrl + "/openapi.json   (readable at " + baseUrl + "/docs/api)");
        out.println();
        out.flush();
    }

    private static void printAuditKey(PrintStream out, String fingerprint, boolean generatedNow, boolean pinned) {
        out.println("  audit key:    SHA-256 " + fingerprint + (generatedNow ? "  (generated now)" : "")
                + (pinned ? "  (pinned)" : ""));
        if (!pinned) {
            out.println("                not pinned: record it and pass it to 'audit verify --checkpoint-key-fingerprint'"
                    + " (or set audit-checkpoint-key-fingerprint)");
        }
        out.println();
        out.flush();
    }

    /**
     * A JDBC URL fit for printing: a password in the user-info part ({@code //user:pw@host}) or in a
     * {@code password=} parameter is replaced by {@code ***}.
     */
    public static String maskSecrets(String jdbcUrl) {
        String masked = jdbcUrl.replaceAll("(//[^/@:?]*:)[^@/?]*@", "$1***@");
        return masked.replaceAll("(?i)([?&;](?:password|sslpassword)=)[^&;]*", "$1***");
    }

    /**
     * The master key for offline commands that open a store without a {@link ServerConfig}: from this process's
     * COUNTERSIGN_MASTER_KEY when set, else the key file in the data folder. A node uses its config's.
     */
    public static MasterKeyProvider masterKeys(Path dataDir) {
        return MasterKeySource.fromEnvironment(System.getenv()).open(dataDir);
    }

    static void createPrivateDirectory(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException ignored) {
                // non-POSIX file systems: nothing to tighten
            }
        }
    }

    public int port() {
        return http.port();
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Path caCertificatePath() {
        return tls.caCertificatePath();
    }

    /** The admin key created at this start, present only on the first start of a new store. */
    public Optional<String> bootstrapAdminToken() {
        return bootstrapAdminKey.map(TenantService.IssuedKey::token);
    }

    public List<String> endpoints() {
        return http.endpoints();
    }

    public AuditLog auditLog() {
        return audit;
    }

    public Store store() {
        return store;
    }

    /** The node's credential checker (its failure throttle and legacy-hash counters are per node). */
    public Authenticator authenticator() {
        return authenticator;
    }

    public KeyService keyService() {
        return keys;
    }

    /**
     * Stops the node: HTTP first (no new work), then the modules, then the audit log (its closing checkpoint needs
     * the store), the store last. A step that fails is logged and the next still runs, so an embedded postmaster is
     * never left running because something before it threw. Closing twice is harmless.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            closeStep("HTTP server", http::stop);
            for (AutoCloseable c : closeables) {
                closeStep("module", c::close);
            }
            closeStep("audit log", audit::close);
        } finally {
            store.close();
        }
    }

    private static void closeStep(String what, Closing step) {
        try {
            step.close();
        } catch (Exception | LinkageError e) {
            LOG.warn("{} did not close cleanly: {}", what, e.toString());
        }
    }

    @FunctionalInterface
    private interface Closing {
        void close() throws Exception;
    }

    /** The store's start on its own thread; {@link #await} hands over the store or rethrows the start's failure. */
    static final class StoreStart {
        private final FutureTask<Store> task;

        private StoreStart(FutureTask<Store> task) {
            this.task = task;
        }

        static StoreStart begin(Supplier<Store> open) {
            FutureTask<Store> task = new FutureTask<>(open::get);
            Thread t = new Thread(task, "countersign-store-start");
            t.setDaemon(true);
            t.start();
            return new StoreStart(task);
        }

        /**
         * Waits for the store. The start bounds itself (the postmaster's start-up wait, the pool's initialisation
         * timeout), so this cannot hang longer than those; its exception is rethrown as it was thrown.
         */
        Store await() {
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return task.get();
                    } catch (InterruptedException e) {
                        interrupted = true; // finish the start either way: a half-open store would leak its postmaster
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof RuntimeException r) {
                            throw r;
                        }
                        if (cause instanceof Error err) {
                            throw err;
                        }
                        throw new StoreException("cannot open the store: " + cause, cause);
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** After a failure elsewhere: waits for the store's start to end and closes the store if it opened. */
        void closeWhenOpened() {
            try {
                await().close();
            } catch (RuntimeException | Error e) {
                LOG.debug("the store did not open either: {}", e.toString());
            }
        }
    }

    /**
     * Debug-level timings of the start-up phases (issue 14: where the time to the first answer goes): wall time and
     * the starting thread's own CPU time, which says more than wall time on a machine shared with other work.
     */
    static final class StartupTimer {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private long last;
        private long lastCpu;

        StartupTimer(long start) {
            this.last = start;
            this.lastCpu = cpu();
        }

        void phase(String name) {
            long now = System.nanoTime();
            long cpu = cpu();
            LOG.debug("start-up: {} took {} ms ({} ms CPU on the starting thread)", name, (now - last) / 1_000_000,
                    (cpu - lastCpu) / 1_000_000);
            last = now;
            lastCpu = cpu;
        }

        private static long cpu() {
            return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
        }
    }

    /**
     * Jetty 12.1 opens a new zip file system for every classpath resource it resolves inside a jar, and the
     * static-file handlers (web pages, capture page) resolve theirs several times each: the executable jar has
     * ~38,000 entries, so each of those file systems cost ~12 MB of heap for its index and a fraction of a second to
     * build. A node held a dozen of them (about 150 MB of its live heap, and a third of the main thread's start-up
     * time in a JFR profile; issue 14). Registered once per JVM, this factory answers every resource inside the
     * executable jar from one shared file system, kept open for the life of the process; other jars and directories
     * (tests run from class folders) are resolved as before.
     */
    static final class OwnJarResources implements ResourceFactory {
        private static boolean installed;
        private final Path jar;
        private final ResourceFactory shared;
        private final ResourceFactory others = new MountedPathResourceFactory();

        private OwnJarResources(Path jar, FileSystem fs) {
            this.jar = jar;
            this.shared = new MountedPathResourceFactory(fs);
        }

        static synchronized void install() {
            if (installed) {
                return;
            }
            installed = true;
            try {
                Path location = Path.of(Countersign.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (!Files.isRegularFile(location)) {
                    return; // classes from a folder: Jetty mounts nothing for them
                }
                FileSystem fs = FileSystems.newFileSystem(location, Map.of());
                ResourceFactory.registerResourceFactory("jar", new OwnJarResources(location.toRealPath(), fs));
            } catch (IOException | URISyntaxException | RuntimeException e) {
                LOG.debug("serving classpath pages with Jetty's own jar mounts: {}", e.toString());
            }
        }

        @Override
        public Resource newResource(URI uri) {
            return inOwnJar(uri) ? shared.newResource(uri) : others.newResource(uri);
        }

        private boolean inOwnJar(URI uri) {
            try {
                return Path.of(URIUtil.unwrapContainer(uri).normalize()).toRealPath().equals(jar);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
    }
}
