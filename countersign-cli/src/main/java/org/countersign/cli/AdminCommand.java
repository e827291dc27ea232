package org.countersign.cli;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.countersign.core.keys.MasterKeyProvider;
import org.countersign.server.Countersign;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.config.ServerConfig;
import org.countersign.server.store.Jdbc;
import org.countersign.server.store.Store;
import org.countersign.server.tenant.JdbcTenantRepository;
import org.countersign.server.tenant.TenantService;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code countersign admin new-key}: recovery for a lost admin API key by whoever holds the data folder/store. */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Operator access to the verifier.",
        subcommands = AdminCommand.NewKey.class)
final class AdminCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return HelpLayout.EXIT_USAGE;
    }

    @Command(name = "new-key", mixinStandardHelpOptions = true,
            description = {"Issue an additional admin API key, for example when the one printed at first start is lost.",
                    "Needs what the server needs to open its store (the data folder, or --database-url and the "
                            + "master key). Earlier admin keys stay valid until revoked. The issue is written to the "
                            + "audit log (adminkey.create)."})
    static final class NewKey implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings")
        Path configFile;

        @Override
        public Integer call() throws Exception {
            ServerConfig config = StoreAccess.config(spec, Optional.ofNullable(configFile));
            Path dataDir = config.dataDir().toAbsolutePath().normalize();
            MasterKeyProvider masterKeys = Countersign.masterKeys(dataDir);
            try (Store store = StoreAccess.open(config); AuditLog audit = StoreAccess.auditLog(store, config, masterKeys)) {
                TenantService tenants = new TenantService(new JdbcTenantRepository(new Jdbc(store.dataSource())), audit,
                        new SecureRandom(), Clock.systemUTC());
                TenantService.IssuedKey key = tenants.newAdminKey("cli:" + System.getProperty("user.name", "operator"));
                Boxes.adminKey(System.out, key.token(), "key id " + key.keyId());
                return 0;
            }
        }
    }
}
