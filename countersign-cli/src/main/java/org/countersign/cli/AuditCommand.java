package org.countersign.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.countersign.core.audit.VerificationResult;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.CheckpointKeys;
import org.countersign.server.config.ServerConfig;
import org.countersign.server.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code countersign audit verify}: walks the hash chain and the signed checkpoints (A-G4). */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Audit log tools.",
        subcommands = AuditCommand.Verify.class)
final class AuditCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check every audit row's hash link and every signed checkpoint; name the first broken row. "
                    + "Exit code 0 when intact, 1 when broken.")
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings")
        Path configFile;

        Verify() {}

        @Override
        public Integer call() throws Exception {
            ServerConfig config = StoreAccess.config(spec, Optional.ofNullable(configFile));
            try (Store store = StoreAccess.open(config)) {
                VerificationResult r = AuditLog.verify(store.dataSource(),
                        CheckpointKeys.publicKey(config.dataDir().toAbsolutePath().normalize()));
                if (r instanceof VerificationResult.Intact ok) {
                    System.out.println("audit chain intact: " + ok.rows() + " rows, last seq " + ok.lastSeq()
                            + ", head " + ok.headHash().toHex());
                    return 0;
                }
                VerificationResult.Broken broken = (VerificationResult.Broken) r;
                System.out.println("audit chain BROKEN at seq " + broken.firstBadSeq() + ": " + broken.reason());
                return 1;
            }
        }
    }
}
