package org.countersign.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.keys.MasterKeyProvider;
import org.countersign.core.keys.SealedFiles;
import org.countersign.server.keys.DataFolderSecrets;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL store of one node: either the embedded server kept in the data folder (zero set-up, one node)
 * or an external PostgreSQL shared by several nodes. Both run the same Flyway migrations at start-up.
 */
public final class Store implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    private static final String EMBEDDED_DB = "countersign";
    private static final String SUPERUSER = "postgres";

    private final HikariDataSource pool;
    private final GuardedDataSource guarded;
    private final EmbeddedPostgres embedded; // null for external stores
    private final String jdbcUrl;
    private final String user;
    private final String password;

    private Store(HikariDataSource pool, EmbeddedPostgres embedded, String jdbcUrl, String user, String password) {
        this.pool = pool;
        this.guarded = new GuardedDataSource(pool, jdbcUrl, user, password);
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /** Opens an external PostgreSQL and migrates it. */
    public static Store external(String jdbcUrl, String user, String password, int poolSize) {
        HikariDataSource pool = pool(jdbcUrl, user, password, poolSize);
        try {
            migrate(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Store(pool, null, jdbcUrl, user, password);
    }

    /**
     * Opens the embedded PostgreSQL kept under {@code dataDir/postgres}. When another process (a running server)
     * already serves that folder, connects to it instead of starting a second postmaster.
     *
     * <p>The cluster listens on 127.0.0.1 only, has no Unix socket, and accepts only SCRAM password logins; the
     * superuser's password is generated once and kept sealed under the master key in the data folder, so another
     * local OS user cannot connect. Commits are durable (fsync, synchronous commit, full-page writes) unless
     * {@code unsafeFast} is set, which only tests that throw their data away should do.
     */
    public static Store embedded(Path dataDir, int poolSize, MasterKeyProvider masterKeys, boolean unsafeFast) {
        Path pgDir = dataDir.resolve("postgres");
        long t0 = System.nanoTime();
        EmbeddedPostgres pg = null;
        HikariDataSource pool = null;
        try {
            Files.createDirectories(dataDir);
            String password = embeddedPassword(dataDir, masterKeys);
            Optional<Integer> runningPort = runningPostmasterPort(pgDir);
            int port;
            if (runningPort.isPresent()) {
                port = runningPort.get();
                LOG.info("using the embedded PostgreSQL already running on port {}", port);
            } else {
                port = stablePort(dataDir.resolve("postgres.port"));
                pg = startEmbedded(dataDir, pgDir, port, password, unsafeFast);
                LOG.debug("start-up: embedded PostgreSQL running after {} ms", (System.nanoTime() - t0) / 1_000_000);
            }
            String adminUrl = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            if (pg != null) {
                closeTrustHoles(pgDir, adminUrl, password);
            }
            createDatabaseIfMissing(adminUrl, SUPERUSER, password, EMBEDDED_DB);
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + EMBEDDED_DB;
            pool = pool(url, SUPERUSER, password, poolSize);
            migrate(pool);
            LOG.debug("start-up: embedded store open and migrated after {} ms", (System.nanoTime() - t0) / 1_000_000);
            return new Store(pool, pg, url, SUPERUSER, password);
        } catch (IOException | SQLException | RuntimeException e) {
            // No half-started store: a postmaster we started stops again whatever failed after it (issue 14).
            if (pool != null) {
                pool.close();
            }
            if (pg != null) {
                try {
                    pg.close();
                } catch (IOException | RuntimeException stop) {
                    e.addSuppressed(stop);
                }
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new StoreException("cannot start the embedded PostgreSQL in " + pgDir + ": " + e.getMessage(), e);
        }
    }

    private static EmbeddedPostgres startEmbedded(Path dataDir, Path pgDir, int port, String password, boolean unsafeFast)
            throws IOException {
        String durable = unsafeFast ? "off" : "on";
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                // The library would unpack (and reuse) its programs under <tmpdir>/embedded-pg, a folder it makes
                // world-writable: any local user could plant an initdb or postgres there and have it run as this
                // server with the superuser's password. Inside the owner-only data folder nobody else can.
                .setOverrideWorkingDirectory(runtimeDirectory(dataDir).toFile())
                .setDataDirectory(pgDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                // Our owner stops it (Countersign.close): a hook of its own would stop PostgreSQL while the audit
                // log still writes its shutdown checkpoint.
                .setRegisterShutdownHook(false)
                .setServerConfig("max_connections", "100")
                .setServerConfig("listen_addresses", "127.0.0.1")
                // No Unix socket at all: its default directory is shared, and peer/trust rules would apply to it.
                .setServerConfig("unix_socket_directories", "")
                // The library starts postgres with -F (fsync off) and synchronous_commit off; later -c options
                // win, so these restore PostgreSQL's durable defaults: a commit is acknowledged once it is on disk.
                .setServerConfig("fsync", durable)
                .setServerConfig("synchronous_commit", durable)
                .setServerConfig("full_page_writes", durable)
                .setServerConfig("password_encryption", "scram-sha-256")
                // The library's own readiness check logs in as the superuser over TCP: give it the password.
                .setConnectConfig("password", password);
        Path pwFile = null;
        try {
            if (!Files.isRegularFile(pgDir.resolve("PG_VERSION"))) {
                // A new cluster gets its password and password-only rules from initdb itself, so it never runs
                // with trust. The library passes locale settings to initdb as --name=value and puts them after
                // its own "-A trust", so these two override it.
                pwFile = Files.createTempFile(dataDir, ".pw", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(pwFile, password + "\n", StandardCharsets.US_ASCII);
                b.setLocaleConfig("pwfile", pwFile.toString()).setLocaleConfig("auth", "scram-sha-256");
            }
            return b.start();
        } finally {
            if (pwFile != null) {
                Files.deleteIfExists(pwFile);
            }
        }
    }

    /**
     * Where the embedded PostgreSQL programs are unpacked: below {@code postgres-runtime} in the data folder, which
     * is owner-only (set again at every start). The library opens the folder it is given to everyone, so it gets one
     * level further down: nobody else can pass the owner-only level above it.
     */
    static Path runtimeDirectory(Path dataDir) throws IOException {
        Path guard = dataDir.resolve("postgres-runtime");
        if (!Files.isDirectory(guard)) {
            Files.createDirectories(guard, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Files.setPosixFilePermissions(guard, PosixFilePermissions.fromString("rwx------"));
        return guard.resolve("unpacked");
    }

    /**
     * Clusters created by older versions trusted every local connection: give the superuser its password, replace
     * the rules with password-only ones, and reload, before anything else connects.
     */
    private static void closeTrustHoles(Path pgDir, String adminUrl, String password) throws IOException, SQLException {
        Path hba = pgDir.resolve("pg_hba.conf");
        boolean trusting = Files.readAllLines(hba, StandardCharsets.UTF_8).stream()
                .map(String::strip)
                .anyMatch(l -> !l.startsWith("#") && l.matches(".*\\btrust\\b.*"));
        if (!trusting) {
            return;
        }
        LOG.warn("embedded PostgreSQL trusted local connections; switching it to password-only logins");
        try (Connection c = DriverManager.getConnection(adminUrl, SUPERUSER, password);
                Statement s = c.createStatement()) {
            // The password is base64url text (no quotes), so it is safe inside the literal.
            s.execute("alter role " + SUPERUSER + " password '" + password + "'");
            Files.writeString(hba, HBA_RULES, StandardCharsets.UTF_8);
            s.execute("select pg_reload_conf()");
        }
    }

    private static final String HBA_RULES = """
            # Written by Countersign: password (SCRAM) logins over loopback TCP only; there is no Unix socket.
            host    all             all             127.0.0.1/32            scram-sha-256
            host    all             all             ::1/128                 scram-sha-256
            """;

    /** The embedded superuser's password, generated once and sealed under the master key (A-G5). */
    static String embeddedPassword(Path dataDir, MasterKeyProvider masterKeys) {
        Path file = dataDir.resolve(DataFolderSecrets.EMBEDDED_DB_PASSWORD.relativePath());
        String purpose = DataFolderSecrets.EMBEDDED_DB_PASSWORD.purpose();
        if (!Files.exists(file)) {
            SecretBytes fresh = SecretBytes.random(32, new SecureRandom());
            try {
                SealedFiles.write(file, fresh, masterKeys, purpose);
            } finally {
                fresh.destroy();
            }
        }
        SecretBytes sealed = SealedFiles.read(file, masterKeys, purpose);
        byte[] raw = sealed.revealForCrypto();
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
            sealed.destroy();
        }
    }

    /** The connection pool behind the circuit breaker: fails at once while the store is known to be down. */
    public DataSource dataSource() {
        return guarded;
    }

    /** True while the store is known to be unreachable and calls fail fast. */
    public boolean knownDown() {
        return guarded.isOpen();
    }

    /** Calls refused by the circuit breaker without waiting for the pool, since start. */
    public long fastFailures() {
        return guarded.fastFailures();
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The password of the store's login (the embedded cluster's generated one; never printed). */
    String password() {
        return password;
    }

    /** A dedicated connection outside the pool (for LISTEN, which needs one connection for its lifetime). */
    public Connection openDedicatedConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** Readiness: can the store answer a trivial query now. */
    public boolean ping() {
        if (guarded.isOpen()) {
            return false;
        }
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            return s.execute("select 1");
        } catch (SQLException e) {
            guarded.report(e);
            return false;
        }
    }

    @Override
    public void close() {
        guarded.close();
        pool.close();
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
            }
        }
    }

    /** Creates {@code database} on the server at {@code adminUrl} if it does not exist (tests and embedded). */
    public static void createDatabaseIfMissing(String adminUrl, String user, String password, String database)
            throws SQLException {
        if (!database.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("unsafe database name " + database);
        }
        try (Connection c = DriverManager.getConnection(adminUrl, user, password);
                PreparedStatement q = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            q.setString(1, database);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    try (Statement s = c.createStatement()) {
                        s.execute("create database " + database);
                    }
                }
            }
        }
    }

    /** Drops {@code database} (tests clean up their own databases). */
    public static void dropDatabase(String adminUrl, String user, String password, String database) throws SQLException {
        if (!database.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("unsafe database name " + database);
        }
        try (Connection c = DriverManager.getConnection(adminUrl, user, password);
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + database + " with (force)");
        }
    }

    private static HikariDataSource pool(String url, String user, String password, int size) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(Math.min(2, size));
        hc.setPoolName("countersign");
        hc.setConnectionTimeout(5_000);
        hc.addDataSourceProperty("reWriteBatchedInserts", "true"); // one multi-row INSERT per audit batch
        hc.setInitializationFailTimeout(10_000);
        return new HikariDataSource(hc);
    }

    private static void migrate(DataSource ds) {
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    }

    /** The port of a live postmaster serving {@code pgDir}, read from its postmaster.pid (line 4). */
    private static Optional<Integer> runningPostmasterPort(Path pgDir) throws IOException {
        Path pidFile = pgDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.size() < 4) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(lines.get(0).trim());
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Optional.of(Integer.parseInt(lines.get(3).trim()));
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The embedded server keeps one port across restarts so that other tools can find it. */
    private static int stablePort(Path portFile) throws IOException {
        if (Files.isRegularFile(portFile)) {
            try {
                int port = Integer.parseInt(Files.readString(portFile).trim());
                if (isFree(port)) {
                    return port;
                }
            } catch (NumberFormatException ignored) {
                // rewritten below
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(portFile, Integer.toString(port));
        return port;
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
