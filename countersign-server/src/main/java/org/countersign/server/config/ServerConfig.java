package org.countersign.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * @param shutdownGrace     how long in-flight requests may finish at shutdown
 * @param embeddedUnsafeFast run the embedded PostgreSQL without fsync and synchronous commit (tests only: a crash
 *                          loses acknowledged writes)
 * @param tenantConcurrency writes (non-GET requests) one relying party may have in flight at once on this node
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
        boolean embeddedUnsafeFast,
        int tenantConcurrency) {

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
        if (tenantConcurrency < 1) {
            throw new IllegalArgumentException("tenant concurrency must be positive");
        }
        if (databasePoolSize < 2) {
            throw new IllegalArgumentException("database pool size must be at least 2");
        }
        extraHostNames = List.copyOf(extraHostNames);
    }

    public boolean embeddedStore() {
        return databaseUrl.isEmpty();
    }

    /** Defaults for a single node on this machine: embedded store in ./countersign-data, HTTPS on 8443. */
    public static ServerConfig defaults() {
        return new ServerConfig(Path.of("countersign-data"), "0.0.0.0", 8443, Optional.empty(), "postgres", "",
                Optional.empty(), Optional.empty(), false, Optional.empty(), 1_048_576, 200, 100, 1000, 16,
                List.of(), Duration.ofSeconds(2), false, defaultTenantConcurrency());
    }

    /** Twice the cores: enough for one relying party's parallel writes, yet a flood cannot occupy every core. */
    public static int defaultTenantConcurrency() {
        return Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
    }

    /** The embedded store without fsync and synchronous commit: only for tests that throw the data away. */
    public ServerConfig withEmbeddedUnsafeFast(boolean unsafe) {
        return new ServerConfig(dataDir, host, port, databaseUrl, databaseUser, databasePassword, tlsCertificate,
                tlsPrivateKey, insecureHttp, publicUrl, maxRequestBytes, tenantRatePerSecond, ipRatePerSecond,
                auditCheckpointEvery, databasePoolSize, extraHostNames, shutdownGrace, unsafe, tenantConcurrency);
    }

    public ServerConfig withTenantConcurrency(int perTenant) {
        return new ServerConfig(dataDir, host, port, databaseUrl, databaseUser, databasePassword, tlsCertificate,
                tlsPrivateKey, insecureHttp, publicUrl, maxRequestBytes, tenantRatePerSecond, ipRatePerSecond,
                auditCheckpointEvery, databasePoolSize, extraHostNames, shutdownGrace, embeddedUnsafeFast, perTenant);
    }

    public ServerConfig withDataDir(Path dir) {
        return new ServerConfig(dir, host, port, databaseUrl, databaseUser, databasePassword, tlsCertificate,
                tlsPrivateKey, insecureHttp, publicUrl, maxRequestBytes, tenantRatePerSecond, ipRatePerSecond,
                auditCheckpointEvery, databasePoolSize, extraHostNames, shutdownGrace, embeddedUnsafeFast, tenantConcurrency);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(dataDir, host, newPort, databaseUrl, databaseUser, databasePassword, tlsCertificate,
                tlsPrivateKey, insecureHttp, publicUrl, maxRequestBytes, tenantRatePerSecond, ipRatePerSecond,
                auditCheckpointEvery, databasePoolSize, extraHostNames, shutdownGrace, embeddedUnsafeFast, tenantConcurrency);
    }

    public ServerConfig withDatabase(String url, String user, String password) {
        return new ServerConfig(dataDir, host, port, Optional.ofNullable(url), user, password, tlsCertificate,
                tlsPrivateKey, insecureHttp, publicUrl, maxRequestBytes, tenantRatePerSecond, ipRatePerSecond,
                auditCheckpointEvery, databasePoolSize, extraHostNames, shutdownGrace, embeddedUnsafeFast, tenantConcurrency);
    }

    public ServerConfig withRateLimits(int perTenant, int perIp) {
        return new ServerConfig(dataDir, host, port, databaseUrl, databaseUser, databasePassword, tlsCertificate,
                tlsPrivateKey, insecureHttp, publicUrl, maxRequestBytes, perTenant, perIp,
                auditCheckpointEvery, databasePoolSize, extraHostNames, shutdownGrace, embeddedUnsafeFast, tenantConcurrency);
    }

    public ServerConfig withAuditCheckpointEvery(int every) {
        return new ServerConfig(dataDir, host, port, databaseUrl, databaseUser, databasePassword, tlsCertificate,
                tlsPrivateKey, insecureHttp, publicUrl, maxRequestBytes, tenantRatePerSecond, ipRatePerSecond,
                every, databasePoolSize, extraHostNames, shutdownGrace, embeddedUnsafeFast, tenantConcurrency);
    }

    public ServerConfig withInsecureHttp(boolean insecure) {
        return new ServerConfig(dataDir, host, port, databaseUrl, databaseUser, databasePassword, tlsCertificate,
                tlsPrivateKey, insecure, publicUrl, maxRequestBytes, tenantRatePerSecond, ipRatePerSecond,
                auditCheckpointEvery, databasePoolSize, extraHostNames, shutdownGrace, embeddedUnsafeFast, tenantConcurrency);
    }
}
