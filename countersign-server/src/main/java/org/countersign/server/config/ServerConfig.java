package org.countersign.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every setting of a Countersign server node, typed and checked once. Built by {@link ConfigLoader} from a
 * properties file, then environment variables ({@code COUNTERSIGN_*}), then command-line flags (later wins).
 *
 * @param dataDir           folder for the embedded database, generated CA and keys, audit signing key
 * @param host              interface to bind
 * @param port              HTTPS (or, with {@code insecureHttp}, HTTP) port; 0 picks a free one
 * @param databaseUrl       JDBC URL of an external PostgreSQL; empty means the embedded store in {@code dataDir}
 * @param databaseUser      user for the external database
 * @param databasePassword  password for the external database
 * @param tlsCertificate    PEM certificate chain; empty means the generated local CA's server certificate
 * @param tlsPrivateKey     PEM private key for {@code tlsCertificate}
 * @param insecureHttp      serve plain HTTP (only behind a TLS-terminating proxy)
 * @param publicUrl         base URL users reach; empty means derived from host and port
 * @param maxRequestBytes   request bodies above this are refused with 413
 * @param tenantRatePerSecond sustained requests per second per relying party
 * @param ipRatePerSecond   sustained requests per second per client IP
 * @param auditCheckpointEvery sign an audit checkpoint after this many events
 * @param databasePoolSize  maximum JDBC connections of this node
 * @param extraHostNames    extra DNS names for the generated server certificate
 * @param auditCheckpointInterval also sign an audit checkpoint when events were added and this much time passed
 * @param auditCheckpointKeyFingerprint the pinned SHA-256 fingerprint of the audit checkpoint public key; when
 *                          set, a node refuses to start and {@code audit verify} fails on any other key
 * @param shutdownGrace     how long in-flight requests may finish at shutdown
 * @param embeddedUnsafeFast run the embedded PostgreSQL without fsync and synchronous commit (tests only: a crash
 *                          loses acknowledged writes)
 * @param tenantConcurrency writes (non-GET requests) one relying party may have in flight at once on this node
 * @param masterKey         where the master key comes from: {@code COUNTERSIGN_MASTER_KEY} or the data folder
 */
public record ServerConfig(
        Path dataDir,
        String host,
        int port,
        Optional<String> databaseUrl,
        String databaseUser,
        String databasePassword,
        Optional<Path> tlsCertificate,
        Optional<Path> tlsPrivateKey,
        boolean insecureHttp,
        Optional<String> publicUrl,
        long maxRequestBytes,
        int tenantRatePerSecond,
        int ipRatePerSecond,
        int auditCheckpointEvery,
        int databasePoolSize,
        List<String> extraHostNames,
        Duration shutdownGrace,
        Duration auditCheckpointInterval,
        Optional<String> auditCheckpointKeyFingerprint,
        boolean embeddedUnsafeFast,
        int tenantConcurrency,
        MasterKeySource masterKey) {

    public ServerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (tlsCertificate.isPresent() != tlsPrivateKey.isPresent()) {
            throw new IllegalArgumentException("--tls-cert and --tls-key must be given together");
        }
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException("max request size must be at least 1024 bytes");
        }
        if (tenantRatePerSecond < 1 || ipRatePerSecond < 1) {
            throw new IllegalArgumentException("rate limits must be positive");
        }
        if (auditCheckpointEvery < 1) {
            throw new IllegalArgumentException("audit checkpoint interval must be positive");
        }
        if (databasePoolSize < 2) {
            throw new IllegalArgumentException("database pool size must be at least 2");
        }
        if (auditCheckpointInterval.isNegative() || auditCheckpointInterval.isZero()) {
            throw new IllegalArgumentException("audit checkpoint seconds must be positive");
        }
        Objects.requireNonNull(auditCheckpointKeyFingerprint, "auditCheckpointKeyFingerprint");
        if (tenantConcurrency < 1) {
            throw new IllegalArgumentException("tenant concurrency must be positive");
        }
        extraHostNames = List.copyOf(extraHostNames);
        Objects.requireNonNull(masterKey, "masterKey");
    }

    public boolean embeddedStore() {
        return databaseUrl.isEmpty();
    }

    /**
     * Defaults for a single node on this machine: embedded store in ./countersign-data, HTTPS on 8443, the master key
     * from this process's environment when it sets one.
     */
    public static ServerConfig defaults() {
        return new ServerConfig(Path.of("countersign-data"), "0.0.0.0", 8443, Optional.empty(), "postgres", "",
                Optional.empty(), Optional.empty(), false, Optional.empty(), 1_048_576, 200, 100, 1000, 16,
                List.of(), Duration.ofSeconds(2), Duration.ofSeconds(60), Optional.empty(), false,
                defaultTenantConcurrency(), MasterKeySource.fromEnvironment(System.getenv()));
    }

    /** Twice the cores: enough for one relying party's parallel writes, yet a flood cannot occupy every core. */
    public static int defaultTenantConcurrency() {
        return Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
    }

    public ServerConfig withDataDir(Path dir) {
        return edit(b -> b.dataDir = dir);
    }

    public ServerConfig withPort(int newPort) {
        return edit(b -> b.port = newPort);
    }

    public ServerConfig withDatabase(String url, String user, String password) {
        return edit(b -> {
            b.databaseUrl = Optional.ofNullable(url);
            b.databaseUser = user;
            b.databasePassword = password;
        });
    }

    public ServerConfig withRateLimits(int perTenant, int perIp) {
        return edit(b -> {
            b.tenantRatePerSecond = perTenant;
            b.ipRatePerSecond = perIp;
        });
    }

    public ServerConfig withAuditCheckpointEvery(int every) {
        return edit(b -> b.auditCheckpointEvery = every);
    }

    public ServerConfig withInsecureHttp(boolean insecure) {
        return edit(b -> b.insecureHttp = insecure);
    }

    public ServerConfig withAuditCheckpointInterval(Duration interval) {
        return edit(b -> b.auditCheckpointInterval = interval);
    }

    public ServerConfig withAuditCheckpointKeyFingerprint(String fingerprint) {
        return edit(b -> b.auditCheckpointKeyFingerprint = Optional.ofNullable(fingerprint).filter(f -> !f.isBlank()));
    }

    /** The embedded store without fsync and synchronous commit: only for tests that throw the data away. */
    public ServerConfig withEmbeddedUnsafeFast(boolean unsafe) {
        return edit(b -> b.embeddedUnsafeFast = unsafe);
    }

    public ServerConfig withTenantConcurrency(int perTenant) {
        return edit(b -> b.tenantConcurrency = perTenant);
    }

    /** One copy path for every {@code with…}: a field added to the record is added here once, not in each method. */
    private ServerConfig edit(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return f.build();
    }

    /** The record's components as mutable fields, only for {@link #edit}. */
    private static final class Fields {
        Path dataDir;
        String host;
        int port;
        Optional<String> databaseUrl;
        String databaseUser;
        String databasePassword;
        Optional<Path> tlsCertificate;
        Optional<Path> tlsPrivateKey;
        boolean insecureHttp;
        Optional<String> publicUrl;
        long maxRequestBytes;
        int tenantRatePerSecond;
        int ipRatePerSecond;
        int auditCheckpointEvery;
        int databasePoolSize;
        List<String> extraHostNames;
        Duration shutdownGrace;
        Duration auditCheckpointInterval;
        Optional<String> auditCheckpointKeyFingerprint;
        boolean embeddedUnsafeFast;
        int tenantConcurrency;
        MasterKeySource masterKey;

        Fields(ServerConfig c) {
            dataDir = c.dataDir;
            host = c.host;
            port = c.port;
            databaseUrl = c.databaseUrl;
            databaseUser = c.databaseUser;
            databasePassword = c.databasePassword;
            tlsCertificate = c.tlsCertificate;
            tlsPrivateKey = c.tlsPrivateKey;
            insecureHttp = c.insecureHttp;
            publicUrl = c.publicUrl;
            maxRequestBytes = c.maxRequestBytes;
            tenantRatePerSecond = c.tenantRatePerSecond;
            ipRatePerSecond = c.ipRatePerSecond;
            auditCheckpointEvery = c.auditCheckpointEvery;
            databasePoolSize = c.databasePoolSize;
            extraHostNames = c.extraHostNames;
            shutdownGrace = c.shutdownGrace;
            auditCheckpointInterval = c.auditCheckpointInterval;
            auditCheckpointKeyFingerprint = c.auditCheckpointKeyFingerprint;
            embeddedUnsafeFast = c.embeddedUnsafeFast;
            tenantConcurrency = c.tenantConcurrency;
            masterKey = c.masterKey;
        }

        ServerConfig build() {
            return new ServerConfig(dataDir, host, port, databaseUrl, databaseUser, databasePassword, tlsCertificate,
                    tlsPrivateKey, insecureHttp, publicUrl, maxRequestBytes, tenantRatePerSecond, ipRatePerSecond,
                    auditCheckpointEvery, databasePoolSize, extraHostNames, shutdownGrace, auditCheckpointInterval,
                    auditCheckpointKeyFingerprint, embeddedUnsafeFast, tenantConcurrency, masterKey);
        }
    }
}
