package org.countersign.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.countersign.server.Countersign;
import org.countersign.server.config.ConfigLoader;
import org.countersign.server.config.ServerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code countersign serve}: runs a server node until interrupted. Options come from the settings table. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start a Countersign server node (HTTPS).",
                "With no options: embedded PostgreSQL and a generated local CA in ./countersign-data, port 8443.",
                "Every option can also be set in countersign.properties (in the data folder, or --config) "
                        + "or as an environment variable; flags win over the environment, which wins over the file.",
                "GET /metrics (Prometheus) requires the admin key: 'Authorization: Bearer <admin key>'."})
final class ServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings (keys as the flags without --)")
    Path configFile;

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = StoreAccess.config(spec, Optional.ofNullable(configFile));
        } catch (ConfigLoader.ConfigException e) {
            System.err.println("countersign: " + e.getMessage());
            return 2;
        }
        Countersign node = Countersign.start(config, Clock.systemUTC(), System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "countersign-shutdown"));
        stopped.await();
        return 0;
    }
}
