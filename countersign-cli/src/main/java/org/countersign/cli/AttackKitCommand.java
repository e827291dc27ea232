package org.countersign.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.countersign.biometrics.attack.AttackKit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code countersign attack-kit --from DIR --out DIR}: builds a liveness attack corpus (bona fide clips and attack
 * species) from real clips and stills, in the layout {@code countersign evaluate liveness} reads.
 */
@Command(name = "attack-kit", mixinStandardHelpOptions = true,
        description = "Build a liveness evaluation corpus (bona fide clips and recorded-media attack species)"
                + " from real clips and stills.")
public final class AttackKitCommand implements Callable<Integer> {
    static final int FAILED = 1;
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "DIR",
            description = "Data root holding liveness/clips, liveness/photo-attack and faces/human-samples.")
    Path from;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Folder to write bona-fide/, attack/<species>/ and manifest.json into (keep it outside"
                    + " the repository: the clips are third-party material).")
    Path out;

    @Option(names = "--seed", defaultValue = "11",
            description = "Seed of every random choice (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (!Files.isDirectory(from.resolve("liveness").resolve("clips"))) {
            stderr.println("error: --from has no liveness/clips folder: " + from);
            return USAGE;
        }
        Path repo = enclosingWorkTree(out);
        if (repo != null) {
            stderr.println("error: --out is inside the git work tree " + repo + ": the clips are third-party material"
                    + " and must stay out of repositories; choose a folder elsewhere (e.g. under the temp folder)");
            return USAGE;
        }
        try {
            AttackKit.Manifest m = new AttackKit(from, seed).build(out);
            Map<String, Integer> perSpecies = new TreeMap<>();
            for (AttackKit.Entry e : m.clips()) {
                perSpecies.merge(e.species() == null ? AttackKit.BONA_FIDE : e.species(), 1, Integer::sum);
            }
            perSpecies.forEach((k, v) -> stdout.println(k + " " + v));
            stdout.println("manifest " + out.resolve("manifest.json").toAbsolutePath());
            stdout.println("corpus " + out.toAbsolutePath() + " bona_fide=" + m.bonaFide() + " attack=" + m.attack()
                    + " species=" + m.species().size() + " seed=" + m.seed());
            stdout.flush();
            return 0;
        } catch (IOException | RuntimeException e) {
            stderr.println("error: " + e.getMessage());
            return FAILED;
        }
    }

    /** The nearest folder at or above {@code dir} that holds {@code .git}, or {@code null}. */
    static Path enclosingWorkTree(Path dir) {
        for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return p;
            }
        }
        return null;
    }

    /** Standalone entry point. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new AttackKitCommand()).execute(args));
    }
}
