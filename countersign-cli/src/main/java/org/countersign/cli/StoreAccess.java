package org.countersign.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.countersign.core.keys.MasterKeyProvider;
import org.countersign.server.Countersign;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.CheckpointKeys;
import org.countersign.server.config.ConfigLoader;
import org.countersign.server.config.ServerConfig;
import org.countersign.server.config.Setting;
import org.countersign.server.store.Store;
import picocli.CommandLine;

/** How operator commands find the same configuration and store as the server they administer. */
final class StoreAccess {
    static final Set<String> STORE_SETTINGS = Set.of("data-dir", "database-url", "database-user", "database-password");

    private StoreAccess() {}

    /** Values of the setting flags that were given on this command line. */
    static Map<String, String> givenFlags(CommandLine.Model.CommandSpec spec) {
        Map<String, String> flags = new HashMap<>();
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        for (Setting s : Setting.ALL) {
            if (pr.hasMatchedOption(s.flag())) {
                flags.put(s.key(), pr.matchedOptionValue(s.flag(), ""));
            }
        }
        return flags;
    }

    static ServerConfig config(CommandLine.Model.CommandSpec spec, Optional<Path> configFile) {
        return ConfigLoader.load(configFile, System.getenv(), givenFlags(spec));
    }

    /**
     * The audit log of the store, signing checkpoints with the data folder's key as the server does, so rows an
     * operator command writes join the same verifiable chain (A-G4).
     */
    static AuditLog auditLog(Store store, ServerConfig c, MasterKeyProvider masterKeys) throws IOException {
        Path dir = c.dataDir().toAbsolutePath().normalize();
        return new AuditLog(store.dataSource(), CheckpointKeys.loadOrCreate(dir, masterKeys), c.auditCheckpointEvery(),
                c.auditCheckpointInterval(), Optional.of(dir.resolve(AuditLog.PUBLISHED_CHECKPOINTS)), Clock.systemUTC(),
                new SimpleMeterRegistry()).start();
    }

    static Store open(ServerConfig c) {
        return c.databaseUrl()
                .map(url -> Store.external(url, c.databaseUser(), c.databasePassword(), 2))
                .orElseGet(() -> {
                    Path dir = c.dataDir().toAbsolutePath().normalize();
                    return Store.embedded(dir, 2, Countersign.masterKeys(dir), c.embeddedUnsafeFast());
                });
    }
}
