package org.countersign.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.countersign.server.Countersign;
import org.countersign.server.config.ServerConfig;
import org.countersign.server.store.Store;

/**
 * A database of the test's own on the machine's PostgreSQL (127.0.0.1:5432 unless {@code countersign.test.pg}
 * says otherwise), created on open and dropped on close, and real nodes started on it.
 */
final class TestDatabase implements AutoCloseable {
    static final String PG_ADMIN = System.getProperty("countersign.test.pg", "jdbc:postgresql://127.0.0.1:5432/postgres");
    static final String PG_USER = System.getProperty("countersign.test.pgUser", "postgres");

    final String name;
    final String url;

    private TestDatabase(String name, String url) {
        this.name = name;
        this.url = url;
    }

    static TestDatabase create() throws Exception {
        String name = "cs_test_" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
        Store.createDatabaseIfMissing(PG_ADMIN, PG_USER, "", name);
        return new TestDatabase(name, PG_ADMIN.substring(0, PG_ADMIN.lastIndexOf('/') + 1) + name);
    }

    /** A node on this database with its own data folder, HTTPS on a free port, start-up banner discarded. */
    Countersign startNode(Path dataDir) throws Exception {
        ServerConfig cfg = ServerConfig.defaults().withDataDir(dataDir).withPort(0).withDatabase(url, PG_USER, "");
        return Countersign.start(cfg, Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream()));
    }

    @Override
    public void close() throws Exception {
        Store.dropDatabase(PG_ADMIN, PG_USER, "", name);
    }
}
