package org.countersign.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.countersign.biometrics.BiometricEngines;
import org.countersign.biometrics.api.BiometricEngine;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Modality;
import org.countersign.biometrics.api.PresentationAttackDetector;
import org.countersign.biometrics.eval.Evaluator;
import org.countersign.biometrics.eval.LivenessEvaluation;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.eval.ProgressListener;
import org.countersign.biometrics.eval.Reports;
import org.countersign.biometrics.protect.TemplateProtector;
import org.countersign.core.bytes.ByteArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code countersign evaluate face|fingerprint|pad|liveness --data DIR}: biometric performance per ISO/IEC 19795-1
 * (or PAD per ISO/IEC 30107-3) on a data folder. Writes {@code report.json} and {@code det.png} to {@code --out}
 * ({@code liveness}: the server's whole liveness judge on a clip corpus, {@code report.json} and {@code chart.png});
 * the last line on standard output is a one-line {@code summary key=value ...} for scripts.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Measure FMR/FNMR, EER and DET (face, fingerprint), APCER/BPCER (pad) or the liveness judge's"
                + " APCER per attack species and BPCER (liveness) on a data folder.")
public final class EvaluateCommand implements Callable<Integer> {
    /** Exit codes: 0 done, 1 evaluation failed, 2 usage error, 3 engine not available in this build. */
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int UNAVAILABLE = 3;

    enum Target { face, fingerprint, pad, liveness }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "face|fingerprint|pad|liveness", description = "What to evaluate.")
    Target target;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Data folder: one sub-folder per subject, or files <subject>_<n>.<ext>;"
                    + " for pad, 'bona-fide' and 'attack' folders at any depth;"
                    + " for liveness, bona-fide/<clip>/ and attack/<species>/<clip>/ (frames, actions.txt, fps.txt).")
    Path data;

    @Option(names = "--dpi", defaultValue = "500", description = "Fingerprint scan resolution (default ${DEFAULT-VALUE}).")
    double dpi;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder for report.json and det.png (liveness: chart.png). Default: a new folder"
                    + " <target>-<UTC time> under ./countersign-data/evaluations if that exists, else under the temp"
                    + " folder's countersign-evaluations.")
    Path out;

    @Option(names = "--protected",
            description = "Also evaluate renewable template protection (face): raw vs protected EER, unlinkability.")
    boolean protectedTemplates;

    @Option(names = "--multi-impression", defaultValue = "3", paramLabel = "K",
            description = "Fingerprint: also compare enrolment from K impressions with 1 (0 = off; default ${DEFAULT-VALUE}).")
    int multiImpression;

    @Option(names = "--pad-threshold", defaultValue = "0.5",
            description = "PAD: attack-score threshold for APCER/BPCER (default ${DEFAULT-VALUE}).")
    double padThreshold;

    @Option(names = "--no-progress", description = "Do not draw the progress bar on standard error.")
    boolean noProgress;

    /** Standalone entry point until {@code Main} registers this subcommand. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new EvaluateCommand()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (!Files.isDirectory(data)) {
            stderr.println("error: --data is not a folder: " + data);
            return USAGE;
        }
        if (protectedTemplates && target != Target.face) {
            stderr.println("error: --protected applies to face embeddings only. Fingerprint (SourceAFIS) templates"
                    + " are not cancelable; they are protected by sealing (encryption) alone.");
            return USAGE;
        }
        ProgressBar bar = new ProgressBar(stderr, !noProgress);
        if (target == Target.liveness) {
            return liveness(stdout, stderr, bar);
        }
        Path outDir = out != null ? out : defaultOut(target, Clock.systemUTC());
        Evaluator evaluator = new Evaluator(bar);
        try {
            String json;
            ByteArray png;
            String summary;
            if (target == Target.pad) {
                PresentationAttackDetector detector = BiometricEngines.presentationAttackDetector();
                Evaluator.PadOutcome outcome = evaluator.presentationAttack(detector, data, padThreshold);
                json = Reports.toJson(outcome.report());
                png = outcome.detPng();
                summary = outcome.summaryLine();
            } else {
                try (BiometricEngine engine = target == Target.face ? BiometricEngines.face()
                        : BiometricEngines.fingerprint(dpi)) {
                    Evaluator.VerificationOptions options = new Evaluator.VerificationOptions(
                            engine.modality() == Modality.FINGERPRINT ? dpi : null,
                            engine.modality() == Modality.FINGERPRINT ? multiImpression : 0,
                            protectedTemplates ? TemplateProtector.faceDefaults() : null,
                            protectedTemplates ? new SecureRandom() : null);
                    Evaluator.VerificationOutcome outcome = evaluator.verification(engine, data, options);
                    json = Reports.toJson(outcome.report());
                    png = outcome.detPng();
                    summary = outcome.summaryLine();
                }
            }
            bar.finish();
            Files.createDirectories(outDir);
            Path report = outDir.resolve("report.json");
            Path det = outDir.resolve("det.png");
            Files.writeString(report, json + System.lineSeparator(), StandardCharsets.UTF_8);
            Files.write(det, png.toByteArray());
            stdout.println("report " + report.toAbsolutePath());
            stdout.println("det " + det.toAbsolutePath());
            stdout.println(summary);
            stdout.flush();
            return 0;
        } catch (UnsupportedOperationException e) {
            bar.finish();
            stderr.println("error: the " + target + " engine is not available in this build (" + e.getMessage()
                    + "). Face and PAD evaluation need the face engine.");
            return UNAVAILABLE;
        } catch (BiometricException e) {
            bar.finish();
            stderr.println("error: " + e.reason() + ": " + e.getMessage());
            return FAILED;
        } catch (IOException | IllegalArgumentException e) {
            bar.finish();
            stderr.println("error: " + e.getMessage());
            return FAILED;
        }
    }

    /**
     * The server's liveness judge over a clip corpus (ISO/IEC 30107-3): per-species table, {@code report.json},
     * {@code chart.png}, summary line last. Never writes into the working folder unless asked to.
     */
    private int liveness(PrintWriter stdout, PrintWriter stderr, ProgressBar bar) {
        try (FaceAnalyzer analyzer = FaceAnalyzer.open()) {
            LivenessEvaluation.Outcome outcome = LivenessEvaluation.run(analyzer, data, Clock.systemUTC(), bar);
            bar.finish();
            Path outDir = out != null ? out : defaultOut(target, Clock.systemUTC());
            Files.createDirectories(outDir);
            Path report = outDir.resolve("report.json");
            Path chart = outDir.resolve("chart.png");
            Files.writeString(report, Reports.toJson(outcome.report()) + System.lineSeparator(),
                    StandardCharsets.UTF_8);
            Files.write(chart, outcome.chartPng().toByteArray());
            stdout.print(outcome.table());
            stdout.println("report " + report.toAbsolutePath());
            stdout.println("chart " + chart.toAbsolutePath());
            stdout.println(outcome.summaryLine());
            stdout.flush();
            return 0;
        } catch (BiometricException e) {
            bar.finish();
            stderr.println("error: the face engine cannot be opened: " + e.reason() + ": " + e.getMessage());
            return UNAVAILABLE;
        } catch (IOException | IllegalArgumentException e) {
            bar.finish();
            stderr.println("error: " + e.getMessage());
            return FAILED;
        }
    }

    /** Where results go without --out: never the working folder, which a newcomer would find cluttered. */
    static Path defaultOut(Target target, Clock clock) {
        return defaultOut(target, Path.of("countersign-data", "evaluations"), Path.of(System.getProperty("java.io.tmpdir")),
                clock);
    }

    /** {@code <target>-<UTC time>} under {@code preferred} if it exists, else under {@code temp}. */
    static Path defaultOut(Target target, Path preferred, Path temp, Clock clock) {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC)
                .format(clock.instant());
        Path base = Files.isDirectory(preferred) ? preferred : temp.resolve("countersign-evaluations");
        return base.resolve(target.name() + "-" + stamp);
    }

    /** A one-line bar on standard error, redrawn in place; silent when disabled. */
    static final class ProgressBar implements ProgressListener {
        private static final int WIDTH = 30;
        private final PrintWriter err;
        private final boolean enabled;
        private String lastLine = "";
        private boolean drawn;

        ProgressBar(PrintWriter err, boolean enabled) {
            this.err = err;
            this.enabled = enabled;
        }

        @Override
        public void progress(String phase, int done, int total) {
            if (!enabled || total <= 0) {
                return;
            }
            int filled = (int) ((long) WIDTH * done / total);
            String line = String.format(Locale.ROOT, "\r%-18s [%s%s] %d/%d", phase, "#".repeat(filled),
                    " ".repeat(WIDTH - filled), done, total);
            if (!line.equals(lastLine)) {
                err.print(line);
                err.flush();
                lastLine = line;
                drawn = true;
            }
        }

        void finish() {
            if (drawn) {
                err.println();
                err.flush();
                drawn = false;
            }
        }
    }
}
