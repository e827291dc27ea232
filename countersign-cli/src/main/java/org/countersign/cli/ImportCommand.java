package org.countersign.cli;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.core.keys.FileMasterKeyProvider;
import org.countersign.core.keys.KeyService;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.config.ServerConfig;
import org.countersign.server.keys.JdbcDataKeyStore;
import org.countersign.server.remote.RemoteImport;
import org.countersign.server.store.Jdbc;
import org.countersign.server.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code countersign import}: operator batch import of face references from images (A-S1). Works on the store
 * directly, like the other operator commands; references are protected and sealed exactly as a capture's are.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import face references for a tenant from a folder (one sub-folder per user) or a CSV file"
                + " (userId,imagePath).")
final class ImportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings")
    Path configFile;

    @Option(names = "--tenant", required = true, description = "Tenant to import into")
    String tenant;

    @Option(names = "--from", required = true, paramLabel = "DIR|CSV", description = "Source folder or CSV file")
    Path from;

    @Override
    public Integer call() throws Exception {
        Map<String, List<Path>> plan = RemoteImport.plan(from);
        if (plan.isEmpty()) {
            System.err.println("nothing to import in " + from);
            return 3;
        }
        ServerConfig config = StoreAccess.config(spec, Optional.ofNullable(configFile));
        Path dataDir = config.dataDir().toAbsolutePath().normalize();
        FileMasterKeyProvider masterKeys = FileMasterKeyProvider.openOrCreate(dataDir);
        try (Store store = StoreAccess.open(config); FaceAnalyzer analyzer = FaceAnalyzer.open()) {
            Jdbc jdbc = new Jdbc(store.dataSource());
            if (new org.countersign.server.tenant.JdbcTenantRepository(jdbc).find(tenant).isEmpty()) {
                System.err.println("no tenant " + tenant);
                return 3;
            }
            KeyService keys = new KeyService(masterKeys, new JdbcDataKeyStore(jdbc), new SecureRandom(),
                    Clock.systemUTC());
            try (AuditLog audit = StoreAccess.auditLog(store, config, masterKeys)) {
                List<RemoteImport.Entry> result = new RemoteImport(jdbc, keys, analyzer, audit, new SecureRandom(),
                        Clock.systemUTC()).run(tenant, plan, p -> bar(p));
                System.err.println();
                long ok = result.stream().filter(RemoteImport.Entry::imported).count();
                result.stream().filter(e -> !e.imported())
                        .forEach(e -> System.out.println("not imported: " + e.userId() + " — " + e.detail()));
                System.out.println("imported " + ok + " of " + result.size() + " users into " + tenant
                        + " (protected and sealed; no image kept)");
                return ok == result.size() ? 0 : 1;
            }
        }
    }

    private static void bar(RemoteImport.Progress p) {
        int width = 30;
        int filled = p.total() == 0 ? width : p.done() * width / p.total();
        System.err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + p.done() + "/" + p.total()
                + "  " + p.last().userId() + (p.last().imported() ? "" : " (skipped)") + "          ");
        System.err.flush();
    }
}
