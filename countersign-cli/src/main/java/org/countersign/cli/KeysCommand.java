package org.countersign.cli;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.countersign.core.keys.FileMasterKeyProvider;
import org.countersign.core.keys.KeyService;
import org.countersign.core.keys.MasterKey;
import org.countersign.server.config.ServerConfig;
import org.countersign.server.keys.DataFolderSecrets;
import org.countersign.server.keys.JdbcDataKeyStore;
import org.countersign.server.store.Jdbc;
import org.countersign.server.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code countersign keys rotate}: a new master key, and every data key re-wrapped under it (A-G5). */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Key management.",
        subcommands = KeysCommand.Rotate.class)
final class KeysCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand there is nothing to do: the usage on stderr and the usage exit code. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return HelpLayout.EXIT_USAGE;
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Create a new master key and re-wrap every data key under it. Sealed data stays valid "
                    + "(data keys do not change), so running servers keep working: no downtime.",
                    "With --data-key PURPOSE, instead start a new primary data key for that purpose; "
                            + "old data keys keep opening what they sealed."})
    static final class Rotate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings")
        Path configFile;

        @CommandLine.Option(names = "--data-key", paramLabel = "PURPOSE", description = "Rotate the data key of this purpose")
        String dataKeyPurpose;

        @Override
        public Integer call() throws Exception {
            ServerConfig config = StoreAccess.config(spec, Optional.ofNullable(configFile));
            Path dataDir = config.dataDir().toAbsolutePath().normalize();
            FileMasterKeyProvider masterKeys = FileMasterKeyProvider.openOrCreate(dataDir);
            try (Store store = StoreAccess.open(config)) {
                KeyService keys = new KeyService(masterKeys, new JdbcDataKeyStore(new Jdbc(store.dataSource())),
                        new SecureRandom(), Clock.systemUTC());
                if (dataKeyPurpose != null) {
                    String id = keys.rotateDataKey(dataKeyPurpose);
                    System.out.println("new primary data key " + id + " for purpose " + dataKeyPurpose);
                    return 0;
                }
                MasterKey previous = masterKeys.current();
                MasterKey next = masterKeys.rotate();
                int n = keys.rewrapAll();
                int files = DataFolderSecrets.resealAll(dataDir, masterKeys);
                System.out.println("master key rotated: " + previous.id() + " -> " + next.id() + "; re-wrapped " + n
                        + " data keys and re-sealed " + files + " key files. Keep " + previous.id()
                        + " until every node has restarted, then retire it.");
                return 0;
            }
        }
    }
}
