package org.countersign.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.countersign.server.config.ServerConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The embedded store, as {@code countersign serve} runs it by default: only the holder of the sealed password can
 * connect, commits are durable, and a crash of the database loses no acknowledged write.
 */
@Tag("integration")
class EmbeddedStoreSafetyTest {

    static int embeddedPort(Path dataDir) throws Exception {
        return Integer.parseInt(Files.readString(dataDir.resolve("postgres.port")).trim());
    }

    @Test
    void embeddedDatabaseRefusesConnectionsWithoutTheSealedSecret() throws Exception {
        try (TestServer server = TestServer.embedded(c -> c)) {
            String url = "jdbc:postgresql://127.0.0.1:" + embeddedPort(server.dataDir) + "/postgres";
            // The attack of issue 10 item 3: any local user logging in as the superuser over loopback TCP.
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "").close())
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "guessed-password").close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
            assertThatThrownBy(() -> DriverManager.getConnection(url, "countersign", "").close())
                    .isInstanceOf(SQLException.class);
            // No Unix socket to reach it by another path.
            try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                assertThat(tmp.map(p -> p.getFileName().toString()))
                        .doesNotContain(".s.PGSQL." + embeddedPort(server.dataDir));
            }
            // The password itself is only kept sealed.
            Path sealed = server.dataDir.resolve("db/embedded-password.sealed");
            assertThat(Files.readString(sealed)).startsWith("countersign-sealed-file v1 ");
        }
    }

    /** A cluster made by an older version (trust for everyone on loopback) is closed at the next start. */
    @Test
    void clusterFromAnOlderVersionStopsTrustingLocalUsers() throws Exception {
        Path dir = Files.createTempDirectory("countersign-test");
        try {
            int port;
            try (var old = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dir.resolve("postgres")).setCleanDataDirectory(false).start()) {
                port = old.getPort();
                DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "").close();
            }
            Files.writeString(dir.resolve("postgres.port"), Integer.toString(port));
            ServerConfig cfg = ServerConfig.defaults().withDataDir(dir).withPort(0).withEmbeddedUnsafeFast(true);
            try (Countersign node = Countersign.start(cfg, Clock.systemUTC(), new PrintStream(PrintStream.nullOutputStream()))) {
                String url = "jdbc:postgresql://127.0.0.1:" + embeddedPort(dir) + "/postgres";
                assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "").close())
                        .isInstanceOf(SQLException.class);
                assertThat(Files.readString(dir.resolve("postgres/pg_hba.conf"))).doesNotContain("trust");
                try (Connection c = node.store().dataSource().getConnection()) {
                    assertThat(c.isValid(5)).isTrue();
                }
            }
        } finally {
            TestFiles.deleteTree(dir);
        }
    }

    @Test
    void embeddedDatabaseIsDurableByDefault() throws Exception {
        try (TestServer server = TestServer.embedded(c -> c);
                Connection c = server.node.store().dataSource().getConnection();
                Statement s = c.createStatement()) {
            for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
                try (ResultSet rs = s.executeQuery("show " + setting)) {
                    rs.next();
                    assertThat(rs.getString(1)).as(setting).isEqualTo("on");
                }
            }
        }
    }

    @Test
    void unsafeFastModeIsExplicitAndWarns() throws Exception {
        Path dir = Files.createTempDirectory("countersign-test");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ServerConfig cfg = ServerConfig.defaults().withDataDir(dir).withPort(0).withEmbeddedUnsafeFast(true);
        try (Countersign node = Countersign.start(cfg, Clock.systemUTC(), new PrintStream(console, true, StandardCharsets.UTF_8));
                Connection c = node.store().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("show synchronous_commit")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("off");
            assertThat(console.toString(StandardCharsets.UTF_8)).contains("WARNING").contains("loses acknowledged writes");
        } finally {
            TestFiles.deleteTree(dir);
        }
    }

    /**
     * Issue 10 item 2: load of acknowledged writes, kill -9 of every database process mid-load, restart on the same
     * folder: every write that got its 201 is there.
     */
    @Test
    void durability_killOfTheEmbeddedDatabaseLosesNoAcknowledgedWrite() throws Exception {
        boolean unsafe = Boolean.getBoolean("countersign.test.crashUnsafe"); // to watch the old settings lose writes
        TestServer server = TestServer.embedded(c -> c.withEmbeddedUnsafeFast(unsafe).withRateLimits(10_000, 10_000));
        Path dataDir = server.dataDir;
        String key = server.createTenant("bank");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread w = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String id = "u" + thread + "-" + n;
                    try {
                        if (server.post("/v1/users", key, "{\"userId\":\"" + id + "\"}").status() == 201) {
                            acknowledged.add(id);
                        }
                    } catch (Exception e) {
                        // refused or cut off: not acknowledged
                    }
                }
            });
            w.start();
            writers.add(w);
        }
        while (acknowledged.size() < 200) {
            Thread.sleep(20);
        }
        killDatabaseProcesses(dataDir);
        Thread.sleep(500);
        stop.set(true);
        for (Thread w : writers) {
            w.join();
        }
        try {
            server.node.close();
        } catch (RuntimeException ignored) {
            // the database is gone; closing may complain
        }
        ServerConfig again = ServerConfig.defaults().withDataDir(dataDir).withPort(0);
        try (Countersign restarted = Countersign.start(again, Clock.systemUTC(), new PrintStream(PrintStream.nullOutputStream()));
                Connection c = restarted.store().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select user_id from users where tenant_id = 'bank'")) {
            Set<String> present = new java.util.HashSet<>();
            while (rs.next()) {
                present.add(rs.getString(1));
            }
            Set<String> missing = new java.util.TreeSet<>(acknowledged);
            missing.removeAll(present);
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(200);
            assertThat(missing).as("acknowledged writes missing after the crash (of %d)", acknowledged.size()).isEmpty();
        } finally {
            TestFiles.deleteTree(dataDir);
        }
    }

    /**
     * Issue 10 item 11: with PostgreSQL gone, calls fail at once (the breaker refuses them without waiting for the
     * pool), readiness says so at once, and both recover without a restart of the node when PostgreSQL returns.
     */
    @Test
    void storeDownFailsFastAndRecovers() throws Exception {
        Process postgres = null;
        // Durable mode: the tenant and key written just before the kill must survive it (in the unsafe fast mode
        // they may not, and the relaunched store would rightly answer 401).
        try (TestServer server = TestServer.embedded(c -> c)) {
            String key = server.createTenant("bank");
            assertThat(server.get("/v1/users", key).status()).isEqualTo(200);
            List<String> postmasterCommand = postmasterCommand(server.dataDir);
            killDatabaseProcesses(server.dataDir);

            long started = System.nanoTime();
            TestServer.Response first = server.get("/v1/users", key);
            long firstMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(first.status()).isEqualTo(503);
            assertThat(server.node.store().knownDown()).isTrue();
            long fastBefore = server.node.store().fastFailures();
            started = System.nanoTime();
            FoundationBehaviour.assertProblem(server.get("/v1/users", key), 503, "service-unavailable");
            TestServer.Response ready = server.get("/health/ready", null);
            long laterMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("checks").get("database").asText()).isEqualTo("down");
            // The later calls never reached the pool: the breaker refused them.
            assertThat(server.node.store().fastFailures()).isGreaterThan(fastBefore);
            System.out.printf("store down: first call %d ms, next call and readiness %d ms%n", firstMillis, laterMillis);

            // Relaunch through pg_ctl with the options the postmaster had; as root, inside a user namespace, as the
            // library itself does (PostgreSQL refuses to run as root).
            Path pgLog = Files.createTempFile("countersign-relaunch", ".log");
            Path pgCtl = Path.of(postmasterCommand.get(0)).resolveSibling("pg_ctl");
            List<String> relaunch = new ArrayList<>();
            if ("root".equals(System.getProperty("user.name"))) {
                relaunch.addAll(List.of("unshare", "-U"));
            }
            relaunch.addAll(List.of(pgCtl.toString(), "-D", postmasterCommand.get(2), "-w", "-l", pgLog.toString(),
                    "-o", String.join(" ", postmasterCommand.subList(3, postmasterCommand.size())), "start"));
            postgres = new ProcessBuilder(relaunch).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            postgres.waitFor();
            long deadline = System.nanoTime() + 60_000_000_000L;
            int status = 0;
            while (System.nanoTime() < deadline && (status = server.get("/v1/users", key).status()) != 200) {
                Thread.sleep(200);
            }
            assertThat(status).as("relaunched %s, breaker open %s, postgres said: %s", postmasterCommand,
                    server.node.store().knownDown(), Files.readString(pgLog)).isEqualTo(200);
            Files.deleteIfExists(pgLog);
            assertThat(server.node.store().knownDown()).isFalse();
            assertThat(server.get("/health/ready", null).status()).isEqualTo(200);
        } finally {
            if (postgres != null) {
                postgres.destroyForcibly().waitFor(); // the relaunched postmaster itself is stopped by the node's close
            }
        }
    }

    /** The command line the postmaster was started with, as PostgreSQL records it in postmaster.opts. */
    static List<String> postmasterCommand(Path dataDir) throws Exception {
        String opts = Files.readString(dataDir.resolve("postgres/postmaster.opts")).strip();
        List<String> args = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(opts);
        while (m.find()) {
            args.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return args;
    }

    /** SIGKILL to the postmaster and all its children at once, as a crash of the database would. */
    static void killDatabaseProcesses(Path dataDir) throws Exception {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        all.add(0, postmaster);
        List<String> cmd = new ArrayList<>(List.of("kill", "-9"));
        all.forEach(p -> cmd.add(Long.toString(p.pid())));
        new ProcessBuilder(cmd).inheritIO().start().waitFor();
        postmaster.onExit().get();
    }
}
