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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
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
import org.countersign.server.tenant.AdminRoutes;
import org.countersign.server.tenant.JdbcTenantRepository;
import org.countersign.server.tenant.TenantService;
import org.countersign.server.tls.ClientCertificates;
import org.countersign.server.tls.TlsMaterial;
import org.countersign.server.users.UserRepository;
import org.countersign.server.users.UserRoutes;
import org.countersign.server.web.SitePages;
import org.countersign.server.web.WebAuthenticatorPages;
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
    private Authenticator authenticator;

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
        Path dataDir = config.dataDir().toAbsolutePath().normalize();
        createPrivateDirectory(dataDir);
        MasterKeyProvider masterKeys = config.masterKey().open(dataDir);
        if (config.embeddedStore() && config.embeddedUnsafeFast()) {
            LOG.warn("--embedded-unsafe-fast is set: the embedded PostgreSQL runs without fsync and synchronous commit;"
                    + " a crash loses acknowledged writes. Never use it for data you keep.");
        }
        SecureRandom random = new SecureRandom();

        Store store = config.databaseUrl()
                .map(url -> Store.external(url, config.databaseUser(), config.databasePassword(), config.databasePoolSize()))
                .orElseGet(() -> Store.embedded(dataDir, config.databasePoolSize(), masterKeys, config.embeddedUnsafeFast()));
        try {
            Jdbc jdbc = new Jdbc(store.dataSource());
            KeyService keys = new KeyService(masterKeys, new JdbcDataKeyStore(jdbc), random, clock);
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
            AuditLog audit = new AuditLog(store.dataSource(), auditKey, config.auditCheckpointEvery(),
                    config.auditCheckpointInterval(), Optional.of(dataDir.resolve(AuditLog.PUBLISHED_CHECKPOINTS)), clock,
                    meters).start();

            ObjectMapper mapper = Json.strictMapper();
            Body body = new Body(mapper);
            Argon2idHasher hasher = new Argon2idHasher();
            JdbcTenantRepository tenantRepo = new JdbcTenantRepository(jdbc);
            Authenticator authenticator = new Authenticator(tenantRepo, hasher, clock, config.ipRatePerSecond());
            TenantService tenants = new TenantService(tenantRepo, audit, random, clock);
            Optional<TenantService.IssuedKey> adminKey = tenants.bootstrapAdminKey();

            new JvmMemoryMetrics().bindTo(meters);
            new JvmGcMetrics().bindTo(meters);
            new JvmThreadMetrics().bindTo(meters);
            new ProcessorMetrics().bindTo(meters);

            UserRepository users = new UserRepository(jdbc);
            AtomicReference<String> boundUrl = new AtomicReference<>();
            ServerContext ctx = new ServerContext(config, store, jdbc, keys, audit, mapper, body, tenantRepo, users, meters,
                    random, clock, boundUrl::get);
            List<AutoCloseable> closeables = new ArrayList<>();
            List<ApiServer.Routes> routes = new ArrayList<>();
            routes.add(new OpsRoutes(store, meters, VERSION));
            routes.add(new AdminRoutes(tenants, new ClientCertificates(tls.certificateAuthority(), tenantRepo, audit, clock),
                    audit, body));
            routes.add(new UserRoutes(users, audit, body, clock));

            // ---- feature modules: each standard's module registers its routes below its own marker ----

            // [oob] out-of-band server authentication, ITU-T X.1280
            routes.add(OutOfBandModule.create(ctx, closeables));

            // [local] local-mode biometric authentication, ISO/IEC 27553-1
            routes.add(LocalModule.routes(ctx));

            // [remote] remote biometric authentication, ITU-T X.1279 / ISO/IEC 27553-2
            routes.add(RemoteModule.create(ctx, closeables));

            // [web] static pages served by the verifier (web authenticator, capture page)
            routes.add(new WebAuthenticatorPages());
            routes.add(new SitePages());

            // ---- end of feature modules ----

            if (config.insecureHttp()) {
                LOG.warn("serving plain HTTP because --insecure-http is set: only do this behind a TLS-terminating proxy");
            }
            ApiServer http = new ApiServer(new ApiServer.Settings(config.host(), config.port(),
                    config.insecureHttp() ? Optional.empty() : Optional.of(tls.sslContextFactory()),
                    config.maxRequestBytes(), config.tenantRatePerSecond(), config.ipRatePerSecond(),
                    config.tenantConcurrency(), config.shutdownGrace()),
                    mapper, authenticator, audit, meters, routes).start();
            String baseUrl = config.publicUrl().orElse((config.insecureHttp() ? "http" : "https") + "://localhost:" + http.port());
            boundUrl.set(baseUrl);
            audit.event(AuditAction.SERVER_START).by(AuditActor.SYSTEM, "startup").about(AuditSubject.node())
                    .details(Map.of("version", VERSION, "store", store.isEmbedded() ? "embedded" : "external"))
                    .record(AuditOutcome.SUCCESS);
            Countersign node = new Countersign(config, store, audit, http, tls, keys, adminKey, baseUrl, closeables);
            node.authenticator = authenticator;
            node.printBanner(console, dataDir, (System.nanoTime() - t0) / 1_000_000);
            printAuditKey(console, auditKeyFingerprint, newAuditKey, config.auditCheckpointKeyFingerprint().isPresent());
            return node;
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
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

    @Override
    public void close() {
        http.stop();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("module did not close cleanly: {}", e.toString());
            }
        }
        audit.close();
        store.close();
    }
}
