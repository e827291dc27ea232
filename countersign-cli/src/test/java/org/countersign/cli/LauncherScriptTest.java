package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code countersign} launcher a newcomer runs first: the build stays quiet (no npm notices, no raw ANSI codes
 * when stderr is not a terminal) and the program's own output comes through untouched. The build tool and java
 * are stand-in scripts on PATH so the launcher's logic runs in seconds; the real build is what CI does anyway.
 */
class LauncherScriptTest {
    @TempDir
    Path root;

    private Path bin;
    private final Map<String, String> extraEnv = new HashMap<>();

    @BeforeEach
    void copyTheLauncher() throws IOException {
        Path script = launcher();
        Files.copy(script, root.resolve("countersign"));
        executable(root.resolve("countersign"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.createDirectories(root.resolve("countersign-cli/src/main/java"));
        bin = Files.createDirectories(root.resolve("bin"));
        // The stand-in java shows what it would have run.
        script(bin.resolve("java"), "echo \"ran $*\"");
    }

    @Test
    void aFirstBuildIsQuietAndThenTheCommandRuns() throws Exception {
        script(bin.resolve("mvn"), """
                for i in $(seq 1 40); do echo "npm notice tarball line $i"; done
                printf '\\033[0m\\033[0m[INFO] done\\n'
                [ "${npm_config_loglevel:-}" = error ] || { echo "npm would print notices" >&2; exit 3; }
                mkdir -p "$(dirname "$0")/../countersign-cli/target"
                touch "$(dirname "$0")/../countersign-cli/target/countersign.jar"
                """);
        Result r = run("serve", "--port", "9443");
        assertThat(r.exit()).as(r.err()).isZero();
        // The launcher's JVM options (heap sized for one node, serial GC) and, for serve, the class-data archive
        // made at exit on a first run; the command itself last.
        assertThat(r.out()).startsWith("ran -Xms64m -Xmx112m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+UseSerialGC")
                .contains("-Djdk.nio.maxCachedBufferSize=65536")
                .contains("-XX:ArchiveClassesAtExit=")
                .endsWith("-jar " + root.resolve("countersign-cli/target/countersign.jar") + " serve --port 9443\n");
        assertThat(r.err()).contains("countersign: building").contains("countersign: built in")
                .doesNotContain("npm notice").doesNotContain("\u001b");
        assertThat(r.err().lines().count()).isEqualTo(2);

        Result again = run("--version");
        assertThat(again.err()).as("no build when nothing changed").isEmpty();
    }

    @Test
    void theJavaComesFromCountersignJavaThenJavaHomeThenPath() throws Exception {
        Files.createDirectories(root.resolve("countersign-cli/target"));
        Files.writeString(root.resolve("countersign-cli/target/countersign.jar"), "");
        Path home = Files.createDirectories(root.resolve("jdk25/bin"));
        script(home.resolve("java"), "echo \"jdk25 $*\"");
        Path chosen = root.resolve("chosen-java");
        script(chosen, "echo \"chosen $*\"");

        assertThat(run("--version").out()).startsWith("ran ");
        extraEnv.put("JAVA_HOME", root.resolve("jdk25").toString());
        assertThat(run("--version").out()).startsWith("jdk25 ");
        extraEnv.put("COUNTERSIGN_JAVA", chosen.toString());
        assertThat(run("--version").out()).startsWith("chosen ").endsWith("countersign.jar --version\n");
    }

    @Test
    void aFailedBuildShowsTheEndOfItsLogWithoutColourCodes() throws Exception {
        script(bin.resolve("mvn"), """
                printf '\\033[1;31m[ERROR] COMPILATION ERROR in Foo.java\\033[m\\n'
                exit 1
                """);
        Result r = run("serve");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("the build failed").contains("[ERROR] COMPILATION ERROR in Foo.java")
                .doesNotContain("\u001b");
    }

    /** The repository's launcher: next to the root pom, above the module folder the tests run in. */
    private static Path launcher() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("countersign")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir.resolve("countersign");
            }
        }
        throw new AssertionError("no countersign launcher above " + Path.of("").toAbsolutePath());
    }

    private record Result(int exit, String out, String err) {}

    private Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("countersign").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().remove("npm_config_loglevel");
        pb.environment().remove("JAVA_HOME");
        pb.environment().remove("COUNTERSIGN_JAVA");
        extraEnv.forEach(pb.environment()::put);
        Path out = root.resolve("out.txt");
        Path err = root.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/bash\n" + body);
        executable(file);
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
