package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.countersign.agent.oob.PendingRequest;
import org.countersign.agent.oob.ServerTrust;
import org.countersign.agent.remote.RemoteClient;
import org.countersign.cli.pam.PamLogin;
import org.countersign.server.Countersign;
import org.countersign.testkit.TestDatabase;
import org.countersign.testkit.TestTools;
import org.countersign.testkit.emulators.EmulatedPhone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * C-U1, X.1280 Appendix II "operating systems": a real Linux-PAM stack ({@code pamtester} → {@code pam_exec.so} →
 * {@code countersign pam} in its own JVM) against a real node on PostgreSQL, with an emulated phone answering.
 * The PAM service file must live in {@code /etc/pam.d}, so each test run writes
 * {@code /etc/pam.d/countersign-test-<random>} (root only) and removes it afterwards.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PamEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PAMTESTER = Path.of("/usr/bin/pamtester");
    private static final Path PAM_D = Path.of("/etc/pam.d");

    Path tmp;
    TestDatabase database;
    Countersign node;
    HttpClient http;
    String apiKey;
    EmulatedPhone phone;
    Path script;
    String service;
    Path serviceFile;

    @BeforeAll
    void start() throws Exception {
        TestTools.require(Files.isExecutable(PAMTESTER), "pamtester (Debian package pamtester)");
        TestTools.require(Files.isWritable(PAM_D), "root, to write a service file in /etc/pam.d,");
        tmp = Files.createTempDirectory("countersign-pam-test");
        database = TestDatabase.create();
        node = TestNodes.start(database, tmp.resolve("data"));
        http = RemoteClient.httpClient(Optional.of(node.caCertificatePath()));
        apiKey = call("POST", "/v1/admin/tenants", node.bootstrapAdminToken().orElseThrow(),
                "{\"id\":\"hosts\",\"displayName\":\"Linux hosts\",\"allowedOrigins\":[\"https://hosts.example\"]}",
                201).get("apiKey").asText();
        String uri = call("POST", "/v1/oob/enrolments", apiKey, "{\"userId\":\"alice\"}", 201)
                .get("enrolmentUri").asText();
        phone = EmulatedPhone.enrol(uri, ServerTrust.caPemFile(node.caCertificatePath())).listen();

        // pam_exec runs the command with an empty PATH: a script naming the JVM and the classes absolutely, the
        // way docs/pam.md's wrapper does with the installed jar.
        Path classes = Path.of(PamLogin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        script = tmp.resolve("countersign-pam");
        Files.writeString(script, "#!/bin/sh\nexec " + Path.of(System.getProperty("java.home"), "bin", "java")
                + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:disable -Xlog:all=warning:stderr -cp " + classes + " org.countersign.cli.pam.PamLogin \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        service = "countersign-test-" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
        serviceFile = PAM_D.resolve(service);
    }

    @AfterAll
    void stop() throws Exception {
        if (serviceFile != null) {
            Files.deleteIfExists(serviceFile);
        }
        if (phone != null) {
            phone.close();
        }
        if (node != null) {
            node.close();
        }
        if (database != null) {
            database.close();
        }
        if (tmp != null) {
            try (var files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @BeforeEach
    void forgetEarlierRequests() throws Exception {
        // Requests of earlier tests, pushed twice or never answered: withdrawn, so the tenant's "block" policy
        // does not refuse this test's request.
        Optional<PendingRequest> left;
        while ((left = phone.awaitRequest(Duration.ZERO)).isPresent()) {
            send("POST", "/v1/oob/requests/" + left.get().requestId() + "/cancel", apiKey, null);
        }
    }

    @AfterEach
    void removeServiceFile() throws IOException {
        Files.deleteIfExists(serviceFile);
    }

    @Test
    void C_U1_approvedOnThePhone_pamSucceeds_andTheLoginShowsThePhonesCode() throws Exception {
        configure(node.baseUrl(), "");
        Login login = pamtester("alice", "rhost=198.51.100.7", "tty=ssh");
        PendingRequest r = phone.awaitRequest(Duration.ofSeconds(60)).orElseThrow();
        // X.1280 §8.3: the phone computed its code from the offset this host built: terminal = the remote host.
        assertThat(r.offset().terminalPublicIp()).isEqualTo("198.51.100.7");
        assertThat(r.offset().browser()).isEqualTo(service);
        assertThat(r.offset().browserVersion()).isEqualTo("ssh");
        assertThat(r.userId()).isEqualTo("alice");
        phone.approve(r);
        login.await();
        assertThat(login.exit).as(login.out).isZero();
        assertThat(login.out).contains("Code:  " + r.groupedCode(), "Approved on Emulated phone.",
                "successfully authenticated");
    }

    @Test
    void C_U1_consoleLogin_terminalIsThisComputer() throws Exception {
        configure(node.baseUrl(), "");
        Login login = pamtester("alice", "tty=tty1");
        PendingRequest r = phone.awaitRequest(Duration.ofSeconds(60)).orElseThrow();
        assertThat(r.offset().terminalPublicIp()).isEqualTo("127.0.0.1");
        assertThat(r.offset().browserVersion()).isEqualTo("tty1");
        phone.approve(r);
        login.await();
        assertThat(login.exit).as(login.out).isZero();
    }

    @Test
    void C_U1_rejectedOnThePhone_pamFailsWithOneLine() throws Exception {
        configure(node.baseUrl(), "");
        Login login = pamtester("alice", "rhost=198.51.100.7");
        phone.reject(phone.awaitRequest(Duration.ofSeconds(60)).orElseThrow());
        login.await();
        assertThat(login.exit).as(login.out).isNotZero();
        assertThat(login.reason()).isEqualTo("Sign-in refused: rejected on the phone");
        assertThat(login.out).doesNotContain("successfully authenticated");
    }

    @Test
    void X1280_8_4_codesDifferOnThePhone_pamFails() throws Exception {
        configure(node.baseUrl(), "");
        Login login = pamtester("alice", "rhost=198.51.100.7");
        phone.reportCodesDiffer(phone.awaitRequest(Duration.ofSeconds(60)).orElseThrow());
        login.await();
        assertThat(login.exit).as(login.out).isNotZero();
        assertThat(login.reason()).startsWith("Sign-in refused: the phone reported that the codes differ");
    }

    @Test
    void X1280_8_3_unansweredRequestExpires_pamFails() throws Exception {
        putSettings(10);
        try {
            configure(node.baseUrl(), "");
            Login login = pamtester("alice", "rhost=198.51.100.7");
            assertThat(phone.awaitRequest(Duration.ofSeconds(60))).isPresent();
            login.await();
            assertThat(login.exit).as(login.out).isNotZero();
            assertThat(login.out).containsPattern("Code:  \\d{3} \\d{3}\n").containsPattern("\\(\\d+ s left\\)");
            assertThat(login.reason()).isEqualTo("Sign-in refused: no answer from the phone in time (the request expired)");
        } finally {
            putSettings(60);
        }
    }

    @Test
    void C_U1_userWithoutAuthenticator_pamFails() throws Exception {
        configure(node.baseUrl(), "");
        Login login = pamtester("bob", "rhost=198.51.100.7");
        login.await();
        assertThat(login.exit).as(login.out).isNotZero();
        assertThat(login.reason()).isEqualTo("Sign-in refused: no Countersign authenticator is enrolled for bob");
    }

    @Test
    void C_U1_verifierUnreachable_failsClosed() throws Exception {
        configure(closedPortUrl(), "");
        Login login = pamtester("alice", "rhost=198.51.100.7");
        login.await();
        assertThat(login.exit).as(login.out).isNotZero();
        assertThat(login.reason()).startsWith("Sign-in refused: the Countersign verifier cannot be reached");
    }

    @Test
    void C_U1_verifierUnreachable_fallbackListLetsOnlyListedUsersIn() throws Exception {
        configure(closedPortUrl(), "fallback-users = alice, root\n");
        Login alice = pamtester("alice", "rhost=198.51.100.7");
        alice.await();
        assertThat(alice.exit).as(alice.out).isZero();
        assertThat(alice.out).contains("alice is on the fallback list");
        Login carol = pamtester("carol", "rhost=198.51.100.7");
        carol.await();
        assertThat(carol.exit).as(carol.out).isNotZero();
        assertThat(carol.reason()).startsWith("Sign-in refused: the Countersign verifier cannot be reached");
    }

    @Test
    void C_U1_fallbackNeverCoversAnUntrustedVerifier() throws Exception {
        // The node's certificate against another CA: TLS fails, which may be an attacker, so no fallback.
        Path otherCa = otherCa();
        configure(node.baseUrl(), "fallback-users = alice\n", otherCa);
        Login login = pamtester("alice", "rhost=198.51.100.7");
        login.await();
        assertThat(login.exit).as(login.out).isNotZero();
        assertThat(login.reason()).startsWith("Sign-in refused: TLS to localhost failed");
    }

    @Test
    void C_U1_sigtermWhileWaiting_cancelsTheRequestAtTheVerifier() throws Exception {
        configure(node.baseUrl(), "");
        Login login = pamtester("alice", "rhost=198.51.100.7");
        PendingRequest r = phone.awaitRequest(Duration.ofSeconds(60)).orElseThrow();
        ProcessHandle jvm = login.process.descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                .findFirst().orElseThrow();
        assertThat(jvm.destroy()).isTrue();
        login.await();
        assertThat(login.exit).isNotZero();
        JsonNode result = call("GET", "/v1/oob/requests/" + r.requestId() + "?waitSeconds=0", apiKey, null, 200);
        assertThat(result.get("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void C_U1_configReadableByOthers_refusedBeforeUse() throws Exception {
        Path conf = configure(node.baseUrl(), "");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = PamLogin.run(new String[] {"--config", conf.toString()}, Map.of("PAM_USER", "alice",
                "PAM_TYPE", "auth"), new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("its mode must be 0600");
        assertThat(phone.awaitRequest(Duration.ofMillis(500))).isEmpty();
    }

    @Test
    void C_U1_sshKeyboardInteractive_codeShownAtThePrompt_phoneApproves_loggedIn() throws Exception {
        Ssh ssh = ssh(Decision.APPROVE);
        assertThat(ssh.connected).as(ssh.failure).isTrue();
        // OpenSSH shows PAM's messages only with the next prompt: the request stage's code arrives with it.
        assertThat(ssh.instruction).contains("Code:  " + ssh.request.groupedCode(), "answer the next prompt");
        assertThat(ssh.request.offset().terminalPublicIp()).isEqualTo("127.0.0.1");
        assertThat(ssh.request.userId()).isEqualTo("alice");
    }

    @Test
    void C_U1_sshKeyboardInteractive_phoneRejects_loginRefused() throws Exception {
        Ssh ssh = ssh(Decision.REJECT);
        assertThat(ssh.request).as(ssh.failure).isNotNull();
        assertThat(ssh.instruction).contains("Code:  " + ssh.request.groupedCode());
        assertThat(ssh.connected).isFalse();
        // MaxAuthTries 1: the failed keyboard-interactive round ends the connection.
        assertThat(ssh.failure).containsAnyOf("Auth fail", "Too many authentication failures");
    }

    @Test
    void C_U1_sshPasswordThenPhone_codeArrivesWithThePasswordPrompt_loggedIn() throws Exception {
        Ssh ssh = ssh(Decision.APPROVE, Stack.PASSWORD_THEN_PHONE, PASSWORD);
        assertThat(ssh.connected).as(ssh.failure).isTrue();
        // One prompt only (the password's), with the request stage's code in front of it.
        assertThat(ssh.instruction).contains("Code:  " + ssh.request.groupedCode());
        assertThat(ssh.request.userId()).isEqualTo("alice");
    }

    @Test
    void C_U1_sshPasswordThenPhone_wrongPasswordIsRefusedAndTheRequestStaysOpenOnThePhone() throws Exception {
        Ssh ssh = ssh(Decision.NONE, Stack.PASSWORD_THEN_PHONE, "wrong password");
        assertThat(ssh.request).as(ssh.failure).isNotNull();
        assertThat(ssh.connected).isFalse();
        assertThat(ssh.failure).containsAnyOf("Auth fail", "Too many authentication failures");
        // The stack ended at the password, before the wait stage: as docs/pam.md says, the request is still open
        // until the person rejects it on the phone (or it expires).
        JsonNode open = call("GET", "/v1/oob/requests/" + ssh.request.requestId() + "?waitSeconds=0", apiKey, null, 200);
        assertThat(open.get("status").asText()).isEqualTo("pending");
        phone.reject(ssh.request);
        JsonNode rejected = call("GET", "/v1/oob/requests/" + ssh.request.requestId() + "?waitSeconds=0", apiKey, null,
                200);
        assertThat(rejected.get("status").asText()).isEqualTo("rejected");
    }

    // ---------------------------------------------------------------------------------------------------------

    private Path configure(String verifier, String extra) throws IOException {
        return configure(verifier, extra, node.caCertificatePath());
    }

    /** The config file (0600, as required) and the PAM service file that runs the script with it. */
    private Path configure(String verifier, String extra, Path ca) throws IOException {
        Path conf = tmp.resolve("pam.conf");
        Files.deleteIfExists(conf);
        Files.createFile(conf, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(conf, "verifier = " + verifier + "\nca = " + ca + "\napi-key = " + apiKey
                + "\ntenant = hosts\nhost-address = 203.0.113.10\nconnect-timeout-seconds = 3\n" + extra);
        Files.writeString(serviceFile, "auth required pam_exec.so quiet stdout " + script + " --config " + conf + "\n"
                + "account required pam_permit.so\n");
        return conf;
    }

    /** pamtester in the background; {@code items} are PAM items such as {@code rhost=…} and {@code tty=…}. */
    private Login pamtester(String user, String... items) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PAMTESTER.toString(), "-v"));
        for (String item : items) {
            cmd.add("-I");
            cmd.add(item);
        }
        cmd.addAll(List.of(service, user, "authenticate"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        return new Login(p);
    }

    private static final class Login {
        final Process process;
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        final Thread reader;
        int exit = -1;
        String out = "";

        Login(Process process) {
            this.process = process;
            reader = new Thread(() -> {
                try {
                    process.getInputStream().transferTo(buf);
                } catch (IOException e) {
                    // process ended
                }
            });
            reader.start();
        }

        void await() throws InterruptedException {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("pamtester finished").isTrue();
            reader.join(10_000);
            exit = process.exitValue();
            out = buf.toString(StandardCharsets.UTF_8);
        }

        /** The one line countersign pam prints for a refusal. */
        String reason() {
            return out.lines().filter(l -> l.startsWith("Sign-in refused:")).reduce((a, b) -> a + "\n" + b)
                    .orElse("(no reason line) " + out);
        }
    }

    /** What the person does on the phone when the prompt shows the code (NONE: nothing yet). */
    private enum Decision { APPROVE, REJECT, NONE }

    /**
     * The two sshd stacks of docs/pam.md: the phone alone after the key (the wait stage's own prompt carries the
     * code), or a password first (the code arrives with the password prompt; the wait stage asks nothing). The
     * password module is a stand-in for {@code common-auth}: pam_exec with {@code expose_authtok} running a script
     * that accepts one password, so the test needs no Linux account.
     */
    private enum Stack { PHONE, PASSWORD_THEN_PHONE }

    private static final String PASSWORD = "correct horse battery";

    private static final class Ssh {
        volatile String instruction = "";
        volatile PendingRequest request;
        boolean connected;
        String failure = "";
    }

    /**
     * A real sshd (Debian's openssh-server) on a free loopback port with its own configuration, started through a
     * symbolic link named like the PAM service file, because OpenSSH uses its program name as the PAM service. It
     * runs the two-stage setup of docs/pam.md; the Linux user is root (the tests run as root), mapped to alice.
     */
    private Ssh ssh(Decision decision) throws Exception {
        return ssh(decision, Stack.PHONE, "");
    }

    private Ssh ssh(Decision decision, Stack stack, String typed) throws Exception {
        // A connection that never reached the prompt (no request was made) says nothing about the PAM module: one
        // more try on a fresh sshd, so a slow machine's start-up race does not fail the test. A login that reached
        // the phone is never retried.
        Ssh first = sshOnce(decision, stack, typed, 1);
        if (first.connected || first.request != null) {
            return first;
        }
        Ssh second = sshOnce(decision, stack, typed, 2);
        second.failure = second.failure + " (first try: " + first.failure + ")";
        return second;
    }

    private Ssh sshOnce(Decision decision, Stack stack, String typed, int attempt) throws Exception {
        Path sshd = Path.of("/usr/sbin/sshd");
        TestTools.require(Files.isExecutable(sshd), "sshd (Debian package openssh-server)");
        TestTools.require(Files.isExecutable(Path.of("/usr/bin/ssh-keygen")), "ssh-keygen (openssh-client)");
        Path dir = Files.createDirectories(tmp.resolve("sshd-" + stack + "-" + decision + "-" + attempt));
        Path hostKey = dir.resolve("host_ed25519");
        Process keygen = new ProcessBuilder("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                hostKey.toString()).redirectErrorStream(true).start();
        assertThat(keygen.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Files.createDirectories(Path.of("/run/sshd"));  // sshd's privilege-separation folder
        Path link = dir.resolve(service);
        Files.createSymbolicLink(link, sshd);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path sshdConfig = dir.resolve("sshd_config");
        Files.writeString(sshdConfig, "Port " + port + "\nListenAddress 127.0.0.1\nHostKey " + hostKey
                + "\nPidFile " + dir.resolve("sshd.pid") + "\nUsePAM yes\nKbdInteractiveAuthentication yes\n"
                + "PasswordAuthentication no\nPubkeyAuthentication no\nAuthenticationMethods keyboard-interactive\n"
                + "PermitRootLogin yes\nStrictModes no\nMaxAuthTries 1\n");
        Path conf = configure(node.baseUrl(), "user.root = alice\nstate-dir = " + dir.resolve("state") + "\n");
        String request = "auth requisite pam_exec.so quiet stdout " + script + " --config " + conf + " --stage request\n";
        if (stack == Stack.PHONE) {
            Files.writeString(serviceFile, request
                    + "auth required pam_exec.so quiet stdout expose_authtok " + script + " --config " + conf
                    + " --stage wait\n"
                    + "account required pam_permit.so\nsession required pam_permit.so\n");
        } else {
            // pam_exec hands the typed password to the checker on stdin, ending in a NUL byte.
            Path checker = dir.resolve("check-password");
            Files.writeString(checker, "#!/bin/sh\n[ \"$(tr -d '\\000')\" = '" + PASSWORD + "' ]\n");
            Files.setPosixFilePermissions(checker, PosixFilePermissions.fromString("rwx------"));
            Files.writeString(serviceFile, request
                    + "auth requisite pam_exec.so quiet expose_authtok " + checker + "\n"
                    + "auth required pam_exec.so quiet stdout " + script + " --config " + conf + " --stage wait\n"
                    + "account required pam_permit.so\nsession required pam_permit.so\n");
        }
        Process server = new ProcessBuilder(link.toString(), "-D", "-e", "-f", sshdConfig.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        Ssh result = new Ssh();
        try {
            awaitListening(port, server, dir.resolve("sshd.log"));
            com.jcraft.jsch.Session session = new com.jcraft.jsch.JSch().getSession("root", "127.0.0.1", port);
            session.setConfig("StrictHostKeyChecking", "no");
            session.setConfig("PreferredAuthentications", "keyboard-interactive");
            session.setUserInfo(new KeyboardUser(result, decision, typed));
            try {
                // connect() returns only after the server accepted the user authentication, which is what these
                // tests judge; isConnected() afterwards could race a server that closes the session right away
                // (CI once saw connected=false with no error at all).
                session.connect(120_000);
                result.connected = true;
                session.disconnect();
            } catch (com.jcraft.jsch.JSchException e) {
                result.failure = String.valueOf(e.getMessage());
            }
            if (!result.connected) {
                result.failure += " / sshd log: " + Files.readString(dir.resolve("sshd.log"));
            }
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        return result;
    }

    /** The next pushed request whose grouped code {@code shown} contains; others are skipped. */
    private PendingRequest awaitRequestShown(String shown, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            Optional<PendingRequest> next = phone.awaitRequest(Duration.ofNanos(deadline - System.nanoTime()));
            if (next.isEmpty()) {
                break;
            }
            if (shown.contains("Code:  " + next.get().groupedCode())) {
                return next.get();
            }
            skipped.add(next.get().requestId());
        }
        throw new AssertionError("no pushed request showing the prompt's code; skipped " + skipped + "; prompt: "
                + shown);
    }

    private static void awaitListening(int port, Process server, Path log) throws Exception {
        for (int i = 0; i < 300; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                assertThat(server.isAlive()).as(() -> readQuietly(log)).isTrue();
                Thread.sleep(100);
            }
        }
        throw new AssertionError("sshd did not listen: " + readQuietly(log));
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The person at the SSH client: reads the code at the prompt, lets the phone decide, presses Enter. */
    private final class KeyboardUser implements com.jcraft.jsch.UserInfo, com.jcraft.jsch.UIKeyboardInteractive {
        private final Ssh result;
        private final Decision decision;
        private final String typed;

        KeyboardUser(Ssh result, Decision decision, String typed) {
            this.result = result;
            this.decision = decision;
            this.typed = typed;
        }

        @Override
        public String[] promptKeyboardInteractive(String destination, String name, String instruction,
                                                  String[] prompt, boolean[] echo) {
            if (prompt.length == 0) {
                return new String[0];
            }
            if (result.request != null) {
                return null;  // a second round means the login failed: give up instead of looping
            }
            // OpenSSH puts PAM's held-back messages in front of the prompt text.
            result.instruction = instruction + "\n" + String.join("\n", prompt);
            try {
                // Only the request whose code this prompt shows: a late duplicate push of an earlier test's
                // request must not be the one approved (CI once saw this login fail for that reason).
                PendingRequest r = awaitRequestShown(result.instruction, Duration.ofSeconds(60));
                result.request = r;
                if (decision == Decision.APPROVE) {
                    phone.approve(r);
                } else if (decision == Decision.REJECT) {
                    phone.reject(r);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return new String[] {typed};
        }

        @Override
        public String getPassphrase() {
            return null;
        }

        @Override
        public String getPassword() {
            return null;
        }

        @Override
        public boolean promptPassword(String message) {
            return false;
        }

        @Override
        public boolean promptPassphrase(String message) {
            return false;
        }

        @Override
        public boolean promptYesNo(String message) {
            return false;
        }

        @Override
        public void showMessage(String message) {
            // banners and final messages: not needed here
        }
    }

    private void putSettings(int validitySeconds) throws Exception {
        call("PUT", "/v1/oob/settings", apiKey, "{\"codeDigits\":6,\"validitySeconds\":" + validitySeconds
                + ",\"concurrentRequests\":\"block\",\"passwordRenewal\":false,\"enrolmentValiditySeconds\":600}", 200);
    }

    private static String closedPortUrl() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return "https://127.0.0.1:" + port;
    }

    private JsonNode call(String method, String path, String token, String body, int expected) throws Exception {
        HttpResponse<String> r = send(method, path, token, body);
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(expected);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A self-signed certificate that did not sign the node's, made with the JDK's keytool. */
    private Path otherCa() throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path store = tmp.resolve("other.p12");
        Path pem = tmp.resolve("other-ca.pem");
        Files.deleteIfExists(store);
        Files.deleteIfExists(pem);
        for (List<String> args : List.of(
                List.of("-genkeypair", "-alias", "other", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                        "CN=Other CA", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                        "-storepass", "changeit"),
                List.of("-exportcert", "-rfc", "-alias", "other", "-keystore", store.toString(), "-storepass",
                        "changeit", "-file", pem.toString()))) {
            List<String> cmd = new ArrayList<>(List.of(keytool.toString()));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
        }
        return pem;
    }
}
