package org.countersign.server.oob;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.countersign.server.Countersign;
import org.countersign.server.config.ServerConfig;

/**
 * A second Countersign node in its own JVM, for the two-node test: same database, own data folder (holding a copy
 * of the first node's keys). Prints {@code PORT=<n>} once serving and stops when its standard input closes.
 */
public final class SecondNodeMain {
    private SecondNodeMain() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        ServerConfig cfg = ServerConfig.defaults().withDataDir(dataDir).withPort(0).withDatabase(args[1], args[2], "");
        try (Countersign node = Countersign.start(cfg, Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream()))) {
            System.out.println("PORT=" + node.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // wait until the parent closes our input
            }
        }
        System.exit(0);
    }
}
