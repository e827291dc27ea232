package org.countersign.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import org.countersign.server.Countersign;
import org.countersign.server.config.ServerConfig;
import org.countersign.testkit.TestDatabase;

/** Real nodes for the CLI's end-to-end tests, on a test database of their own. */
final class TestNodes {
    private TestNodes() {}

    /** A node on {@code database} with its own data folder, HTTPS on a free port, start-up banner discarded. */
    static Countersign start(TestDatabase database, Path dataDir) throws Exception {
        ServerConfig cfg = ServerConfig.defaults().withDataDir(dataDir).withPort(0)
                .withDatabase(database.url(), database.user(), database.password());
        return Countersign.start(cfg, Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream()));
    }
}
