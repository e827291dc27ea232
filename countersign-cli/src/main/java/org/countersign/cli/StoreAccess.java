package org.countersign.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.countersign.server.Countersign;
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

    static ServerConfig config(CommandLine.Model.CommandSpec spec, Optional<java.nio.file.Path> configFile) {
        return ConfigLoader.load(configFile, System.getenv(), givenFlags(spec));
    }

    static Store open(ServerConfig c) {
        return c.databaseUrl()
                .map(url -> Store.external(url, c.databaseUser(), c.databasePassword(), 2))
                .orElseGet(() -> {
                    java.nio.file.Path dir = c.dataDir().toAbsolutePath().normalize();
                    return Store.embedded(dir, 2, Countersign.masterKeys(dir), c.embeddedUnsafeFast());
                });
    }
}
