package org.countersign.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
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

    private final HikariDataSource pool;
    private final EmbeddedPostgres embedded; // null for external stores
    private final String jdbcUrl;
    private final String user;
    private final String password;

    private Store(HikariDataSource pool, EmbeddedPostgres embedded, String jdbcUrl, String user, String password) {
        this.pool = pool;
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
     */
    public static Store embedded(Path dataDir, int poolSize) {
        Path pgDir = dataDir.resolve("postgres");
        try {
            Optional<Integer> runningPort = runningPostmasterPort(pgDir);
            EmbeddedPostgres pg = null;
            int port;
            if (runningPort.isPresent()) {
                port = runningPort.get();
                LOG.info("using the embedded PostgreSQL already running on port {}", port);
            } else {
                Files.createDirectories(dataDir);
                port = stablePort(dataDir.resolve("postgres.port"));
                pg = EmbeddedPostgres.builder()
                        .setDataDirectory(pgDir)
                        .setCleanDataDirectory(false)
                        .setPort(port)
                        // Our owner stops it (Countersign.close): a hook of its own would stop PostgreSQL while
                        // the audit log still writes its shutdown checkpoint.
                        .setRegisterShutdownHook(false)
                        .setServerConfig("max_connections", "100")
                        .start();
            }
            String adminUrl = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            createDatabaseIfMissing(adminUrl, "postgres", "", EMBEDDED_DB);
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + EMBEDDED_DB;
            HikariDataSource pool = pool(url, "postgres", "", poolSize);
            migrate(pool);
            return new Store(pool, pg, url, "postgres", "");
        } catch (IOException | SQLException e) {
            throw new StoreException("cannot start the embedded PostgreSQL in " + pgDir + ": " + e.getMessage(), e);
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** A dedicated connection outside the pool (for LISTEN, which needs one connection for its lifetime). */
    public Connection openDedicatedConnection() throws SQLException {
        return java.sql.DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** Readiness: can the store answer a trivial query now. */
    public boolean ping() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            return s.execute("select 1");
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
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
        try (Connection c = java.sql.DriverManager.getConnection(adminUrl, user, password);
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
        try (Connection c = java.sql.DriverManager.getConnection(adminUrl, user, password);
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
