package org.countersign.keycloak;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Keycloak distribution of the pinned version (unpacked by the build into target/), started in dev mode
 * on free ports with our provider jar, a realm imported from JSON and a file vault. One per test class: a start
 * includes Keycloak's build step, which takes a minute or more.
 */
final class KeycloakProcess implements AutoCloseable {
    final String baseUrl;
    final int port;
    final Duration startTime;
    private final Process process;
    final Path log;

    private KeycloakProcess(String baseUrl, int port, Duration startTime, Process process, Path log) {
        this.baseUrl = baseUrl;
        this.port = port;
        this.startTime = startTime;
        this.process = process;
        this.log = log;
    }

    /** The distribution home and provider jar the failsafe configuration names; skips (or fails in CI) without them. */
    static Path home() {
        return required("countersign.keycloak.home", "the unpacked keycloak-quarkus-dist (run through mvn verify)");
    }

    static Path providerJar() {
        return required("countersign.keycloak.provider", "the packaged provider jar (run through mvn verify)");
    }

    private static Path required(String property, String what) {
        String v = System.getProperty(property, "");
        Path p = v.isEmpty() ? null : Path.of(v);
        if (p == null || !Files.exists(p)) {
            missing(what + " at " + (v.isEmpty() ? "(system property " + property + " unset)" : v));
        }
        return p;
    }

    static void missing(String what) {
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("required for the Keycloak test in CI: " + what);
        }
        Assumptions.abort("Keycloak test skipped, missing " + what);
    }

    /**
     * A JDK for Keycloak 26, which needs Java 21 or newer: the system property {@code countersign.keycloak.javaHome},
     * then {@code KC_JAVA_HOME}, then the running JDK when new enough, then the newest JDK under /usr/lib/jvm.
     */
    static Path javaHome() {
        for (String explicit : new String[] {System.getProperty("countersign.keycloak.javaHome", ""),
                Optional.ofNullable(System.getenv("KC_JAVA_HOME")).orElse("")}) {
            if (!explicit.isBlank()) {
                return Path.of(explicit.trim());
            }
        }
        if (Runtime.version().feature() >= 21) {
            return Path.of(System.getProperty("java.home"));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> dirs = Files.list(jvms)) {
                Optional<Path> best = dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")))
                        .filter(d -> feature(d) >= 21).max(Comparator.comparingInt(KeycloakProcess::feature));
                if (best.isPresent()) {
                    return best.get();
                }
            } catch (IOException e) {
                // fall through to "missing"
            }
        }
        missing("a Java 21+ JDK for Keycloak (set KC_JAVA_HOME)");
        return null;
    }

    private static int feature(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts Keycloak and waits until {@code realm}'s discovery document answers.
     *
     * @param realmJson the realm file's text, placeholders already replaced
     * @param vault     vault entries by their file name ({@code <realm>_<key>})
     */
    static KeycloakProcess start(Path work, String realm, String realmJson, Map<String, String> vault, int port)
            throws Exception {
        Path home = home();
        Path jar = providerJar();
        Path java = javaHome();
        // A clean slate: no H2 data or providers left from an earlier run.
        deleteTree(home.resolve("data"));
        Path providers = home.resolve("providers");
        try (Stream<Path> old = Files.list(providers)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                if (p.toString().endsWith(".jar")) {
                    Files.delete(p);
                }
            }
        }
        Files.copy(jar, providers.resolve("countersign-keycloak.jar"), StandardCopyOption.REPLACE_EXISTING);
        Path imports = Files.createDirectories(home.resolve("data/import"));
        Files.writeString(imports.resolve(realm + "-realm.json"), realmJson, StandardCharsets.UTF_8);
        Path vaultDir = Files.createDirectories(work.resolve("keycloak-vault"));
        for (Map.Entry<String, String> e : vault.entrySet()) {
            Files.writeString(vaultDir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
        }
        int management = freePort();
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-port=" + port, "--http-management-port=" + management, "--import-realm",
                "--vault=file", "--vault-dir=" + vaultDir.toAbsolutePath()));
        Path log = work.resolve("keycloak.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", java.toString());
        pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin-password-1");
        long t0 = System.nanoTime();
        Process process = pb.start();
        String baseUrl = "http://127.0.0.1:" + port;
        KeycloakProcess kc = new KeycloakProcess(baseUrl, port, Duration.ZERO, process, log);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI probe = URI.create(baseUrl + "/realms/" + realm + "/.well-known/openid-configuration");
        // Generous: Keycloak's build step on a loaded 2-core machine takes minutes; this is not a timing assertion.
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("Keycloak exited with " + process.exitValue() + "; log:\n" + tail(log));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                kc.close();
                throw new AssertionError("Keycloak did not come up; log:\n" + tail(log));
            }
            Thread.sleep(1000);
        }
        return new KeycloakProcess(baseUrl, port, Duration.ofNanos(System.nanoTime() - t0), process, log);
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    @Override
    public void close() {
        // kc.sh forwards the signal to its Java child; the children are stopped too in case it does not.
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle c : children) {
                c.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
