package org.countersign.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.countersign.core.keys.EnvMasterKeyProvider;
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
                "GET /metrics (Prometheus) requires the admin key: 'Authorization: Bearer <admin key>'."},
        footerHeading = "%nEnvironment only (never a flag, so it stays out of shell history and process lists):%n",
        footer = {"  " + EnvMasterKeyProvider.KEY_VARIABLE + "  base64 of a 32-byte master key (AES-256) that wraps "
                + "every data key, instead of the key file in the data folder; for example from a secrets manager.",
                "  " + EnvMasterKeyProvider.ID_VARIABLE + "  its id (optional; derived from the key when unset).",
                "  " + EnvMasterKeyProvider.PREVIOUS_VARIABLE + "  older keys as id:base64,... kept during a "
                        + "rotation."})
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
        Optional<String> busy = portInUse(config.host(), config.port());
        if (busy.isPresent()) {
            // Before the store opens: a second node on the same data folder would otherwise attach to the first
            // one's embedded database and fail only when the HTTP port is bound, long after.
            System.err.println("countersign: " + busy.get());
            return 1;
        }
        // The stop hook exists before the start begins: a SIGTERM while the embedded postmaster is already up but
        // the node not yet serving must still stop it (EmbeddedStopDuringStartTest).
        NodeStop stop = new NodeStop();
        Runtime.getRuntime().addShutdownHook(new Thread(stop::run, "countersign-shutdown"));
        Countersign node;
        try {
            node = Countersign.start(config, Clock.systemUTC(), System.out);
        } catch (RuntimeException | Error e) {
            stop.startFailed();  // start closes what it opened before it throws
            throw e;
        }
        stop.started(node);
        // After the node answers, so that the face models never delay /health (issue 14).
        node.loadBiometricsInBackground();
        node.bootstrapAdminToken().ifPresent(k -> Boxes.adminKey(System.out, k, "created for this new store"));
        stop.awaitStopped();
        return 0;
    }

    /**
     * The JVM's stop (SIGTERM, Ctrl-C) for a node that may still be starting: the hook waits for the start to end
     * (the main thread keeps running while hooks run) and closes the node it produced, so the store, and with it
     * an embedded postmaster, is never left behind.
     */
    static final class NodeStop {
        private static final Duration START_WAIT = Duration.ofMinutes(2);
        private final CountDownLatch startEnded = new CountDownLatch(1);
        private final CountDownLatch stopped = new CountDownLatch(1);
        private volatile Countersign node;

        void started(Countersign started) {
            node = started;
            startEnded.countDown();
        }

        void startFailed() {
            startEnded.countDown();
        }

        void run() {
            try {
                if (startEnded.await(START_WAIT.toSeconds(), TimeUnit.SECONDS) && node != null) {
                    node.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }

        void awaitStopped() throws InterruptedException {
            stopped.await();
        }
    }

    /** Why the server's port cannot be bound, if it cannot; port 0 (any free port) is never busy. */
    static Optional<String> portInUse(String host, int port) {
        if (port == 0) {
            return Optional.empty();
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(host, port));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("port " + port + " on " + host + " is already in use (is another server running?);"
                    + " stop it or choose another port with --port N");
        }
    }
}
