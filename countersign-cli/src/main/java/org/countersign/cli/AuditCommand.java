package org.countersign.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.countersign.core.audit.CheckpointSigner;
import org.countersign.core.audit.VerificationResult;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.CheckpointKeys;
import org.countersign.server.config.ServerConfig;
import org.countersign.server.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code countersign audit verify}: walks the hash chain and the signed checkpoints (A-G4). */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Audit log tools.",
        subcommands = AuditCommand.Verify.class)
final class AuditCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand there is nothing to do: the usage on stderr and the usage exit code. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return HelpLayout.EXIT_USAGE;
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check every audit row's hash link and every signed checkpoint; demand a checkpoint at least"
                    + " every audit-checkpoint-every rows; cross-check audit-checkpoints.log in the data folder; name"
                    + " the first broken row and say what the result proves. Exit code 0 when intact, 1 when broken,"
                    + " 2 for a bad argument.")
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings")
        Path configFile;

        @CommandLine.Option(names = "--checkpoint-key-fingerprint", paramLabel = "SHA256",
                description = "Expected SHA-256 fingerprint of the checkpoint public key (printed at the server's first"
                        + " start). Without it (or the audit-checkpoint-key-fingerprint setting) the key file in the data"
                        + " folder is trusted as is.")
        String fingerprint;

        @CommandLine.Option(names = "--from-checkpoint", paramLabel = "SEQ",
                description = "Start at the signed checkpoint with this seq (trusted from an earlier full verify)"
                        + " instead of row 1")
        Long fromCheckpoint;

        @CommandLine.Option(names = "--checkpoint-every", paramLabel = "N",
                description = "Largest audit-checkpoint-every the writers ever used (default: the setting)")
        Long checkpointEvery;

        Verify() {}

        @Override
        public Integer call() throws Exception {
            ServerConfig config = StoreAccess.config(spec, Optional.ofNullable(configFile));
            Path dataDir = config.dataDir().toAbsolutePath().normalize();
            Optional<String> pinned = Optional.ofNullable(fingerprint).filter(f -> !f.isBlank())
                    .or(config::auditCheckpointKeyFingerprint);
            ByteArray key = CheckpointKeys.publicKey(dataDir);
            Path published = dataDir.resolve(AuditLog.PUBLISHED_CHECKPOINTS);
            long every = checkpointEvery != null ? checkpointEvery : config.auditCheckpointEvery();
            if (every < 1 || (fromCheckpoint != null && fromCheckpoint < 1)) {
                System.err.println("--checkpoint-every and --from-checkpoint must be positive");
                return 2;
            }
            String fp = CheckpointSigner.fingerprint(key);
            try (Store store = StoreAccess.open(config)) {
                VerificationResult r;
                try {
                    r = AuditLog.verify(store.dataSource(), key, new AuditLog.VerifyOptions(every,
                            Optional.of(published), Optional.ofNullable(fromCheckpoint), pinned));
                } catch (IllegalArgumentException e) {
                    System.err.println(e.getMessage());
                    return 2;
                }
                if (r instanceof VerificationResult.Intact ok) {
                    System.out.println("audit chain intact: " + ok.rows() + " rows checked (seq " + ok.firstCheckedSeq()
                            + ".." + ok.lastSeq() + "), head " + ok.headHash().toHex());
                    System.out.println("  signed:     rows up to seq " + ok.sealedThroughSeq() + " are covered by "
                            + ok.checkpoints() + " valid checkpoint(s), at most " + every + " rows apart");
                    System.out.println("  unsealed:   the last " + ok.unsealedTail() + " row(s) are protected by the hash"
                            + " chain only; a database writer could still rewrite or cut them until the next checkpoint");
                    if (fromCheckpoint != null) {
                        System.out.println("  not read:   rows before seq " + fromCheckpoint
                                + " (trusted from an earlier full verification)");
                    }
                    System.out.println("  published:  " + (Files.exists(published) ? "cross-checked with " + published
                            : "no " + AuditLog.PUBLISHED_CHECKPOINTS + " in the data folder: not cross-checked"));
                    System.out.println("  key:        SHA-256 " + fp + (pinned.isPresent() ? "  (matches the pinned fingerprint)"
                            : "  NOT PINNED: trusted because it sits in " + CheckpointKeys.publicKeyFile(dataDir)
                                    + "; whoever can replace that file can forge every checkpoint"));
                    return 0;
                }
                VerificationResult.Broken broken = (VerificationResult.Broken) r;
                System.out.println("audit chain BROKEN at seq " + broken.firstBadSeq() + ": " + broken.reason());
                System.out.println("  key:        SHA-256 " + fp + (pinned.isPresent() ? "" : "  (not pinned)"));
                return 1;
            }
        }
    }
}
