package org.countersign.cli.pam;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code countersign pam}: a Linux login through X.1280 out-of-band server authentication, run by
 * {@code pam_exec.so} (C-U1, X.1280 Appendix II "operating systems"). The relying party is this host: it builds
 * the offset from what PAM knows (the remote host, or the local console), asks the verifier for a request
 * (docs/oob-api.md), shows the code on the login's conversation (pam_exec's {@code stdout} option) and waits for the
 * phone. Exit 0 only on approval, or for a listed fallback user while the verifier cannot be reached; every other
 * outcome prints one line and exits non-zero, so pam_exec answers {@code PAM_SYSTEM_ERR} and the login fails closed.
 *
 * <p>Only JDK classes are used here, so the same code runs from the small {@code countersign-pam.jar} that starts
 * fast enough for a login prompt (docs/pam.md).
 */
public final class PamLogin {
    static final int APPROVED = 0;
    static final int DENIED = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 4;
    static final int UNTRUSTED = 5;
    static final int REFUSED = 6;

    /** Longest single long-poll; the countdown line is printed between polls. */
    private static final int POLL_SECONDS = 15;
    /** The console has no remote address: the loopback address tells the phone "this computer" (not comparable). */
    private static final String CONSOLE_ADDRESS = "127.0.0.1";

    private final PamConfig config;
    private final VerifierApi api;
    private final PrintStream out;
    private final Clock clock;
    private final AtomicReference<String> open = new AtomicReference<>();
    /** Counted down once the create call has returned, so a signal during it still learns the id to cancel. */
    private final CountDownLatch created = new CountDownLatch(1);

    private PamLogin(PamConfig config, VerifierApi api, PrintStream out, Clock clock) {
        this.config = config;
        this.api = api;
        this.out = out;
        this.clock = clock;
    }

    /** What pam_exec puts in the environment (pam_exec(8)); empty strings for unset variables. */
    record PamEnvironment(String user, String remoteHost, String service, String tty, String type) {
        static PamEnvironment from(Map<String, String> env) {
            return new PamEnvironment(env.getOrDefault("PAM_USER", ""), env.getOrDefault("PAM_RHOST", ""),
                    env.getOrDefault("PAM_SERVICE", ""), env.getOrDefault("PAM_TTY", ""),
                    env.getOrDefault("PAM_TYPE", ""));
        }

        boolean local() {
            return remoteHost.isBlank();
        }
    }

    /**
     * One login in one step, or split in two for sshd: OpenSSH holds back PAM's informational messages until the
     * next prompt (OpenSSH bug 2876), so {@code request} shows the code and ends, pam_exec's {@code expose_authtok}
     * prompt then carries it to the user, and {@code wait} waits for the phone (docs/pam.md).
     */
    enum Stage {
        WHOLE, REQUEST, WAIT;

        static final Map<String, Stage> NAMES = Map.of("request", REQUEST, "wait", WAIT);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out));
    }

    /** The whole login; {@code out} is what the user sees through the PAM conversation. */
    public static int run(String[] args, Map<String, String> env, PrintStream out) {
        Path configFile = PamConfig.DEFAULT_PATH;
        Stage stage = Stage.WHOLE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--stage" -> {
                    if (i + 1 >= args.length || !Stage.NAMES.containsKey(args[i + 1])) {
                        return usage(out, "--stage takes request or wait");
                    }
                    stage = Stage.NAMES.get(args[++i]);
                }
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        return usage(out, "--config needs a file");
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    out.println("Usage: countersign pam [--config FILE] [--stage request|wait]   (run by pam_exec.so;"
                            + " see docs/pam.md)");
                    return 0;
                }
                default -> {
                    return usage(out, "unknown argument " + args[i]);
                }
            }
        }
        PamEnvironment pam = PamEnvironment.from(env);
        // pam_exec also runs for account, session and password stacks; only "auth" asks who the user is.
        if (!pam.type().isEmpty() && !pam.type().equals("auth")) {
            return usage(out, "runs in the auth stack only (PAM_TYPE=" + pam.type() + ")");
        }
        if (pam.user().isBlank()) {
            return usage(out, "PAM_USER is not set (run it from pam_exec.so)");
        }
        PamConfig config;
        VerifierApi api;
        try {
            config = PamConfig.load(configFile);
            api = new VerifierApi(config);
        } catch (PamConfig.Invalid e) {
            return usage(out, e.getMessage());
        }
        PamLogin login = new PamLogin(config, api, out, Clock.systemUTC());
        // SIGTERM, SIGHUP or SIGINT (sshd's LoginGraceTime, the user closing the connection, Ctrl-C on the
        // console): withdraw the request so the phone stops offering a sign-in nobody waits for any more.
        Thread cancelOnExit = new Thread(login::cancelOnSignal, "countersign-pam-cancel");
        Runtime.getRuntime().addShutdownHook(cancelOnExit);
        try {
            return switch (stage) {
                case WHOLE -> login.authenticate(pam, false);
                case REQUEST -> login.authenticate(pam, true);
                case WAIT -> login.resume(pam);
            };
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cancelOnExit);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook is running and cancels.
            }
        }
    }

    private int authenticate(PamEnvironment pam, boolean requestOnly) {
        String userId = config.countersignUser(pam.user());
        String terminal;
        try {
            terminal = pam.local() ? CONSOLE_ADDRESS : InetAddress.getByName(pam.remoteHost()).getHostAddress();
        } catch (UnknownHostException e) {
            return refuse(REFUSED, "the remote host " + pam.remoteHost() + " has no address");
        }
        String service = pam.service().isBlank() ? "pam" : pam.service();
        String tty = pam.tty().isBlank() ? (pam.local() ? "console" : "remote") : pam.tty();
        // X.1280 §8.3 offset: relying party = this host, session = this PAM conversation, terminal = where the
        // user types (the remote host, or this computer's console), "browser" = the PAM service and its terminal.
        String body = "{\"userId\":" + Json.quote(userId)
                + ",\"rpServerIp\":" + Json.quote(hostAddress())
                + ",\"rpSessionId\":" + Json.quote("pam:" + service + ":" + tty + ":" + ProcessHandle.current().pid())
                + ",\"terminalPublicIp\":" + Json.quote(terminal)
                + ",\"browser\":" + Json.quote(clip(service, 128))
                + ",\"browserVersion\":" + Json.quote(clip(tty, 64)) + "}";
        Instant deadline = clock.instant().plus(config.timeout());
        Map<String, Object> r;
        try {
            r = api.create(body);
        } catch (VerifierApi.Failure f) {
            created.countDown();
            int exit = failed(pam, userId, f);
            if (requestOnly && exit == APPROVED) {
                return save(pam, PamState.FALLBACK, "") ? APPROVED : refuse(USAGE, "cannot write the state file in "
                        + config.stateDir());
            }
            return exit;
        }
        String requestId = VerifierApi.text(r, "requestId");
        open.set(requestId);
        created.countDown();
        if (requestOnly) {
            String code = VerifierApi.text(r, "code");
            if (code.isEmpty()) {
                out.println("Another sign-in of " + userId + " is waiting on the phone; this one is number "
                        + VerifierApi.text(r, "queuePosition") + " in line.");
            } else {
                showCode(userId, code, r);
            }
            if (!save(pam, requestId, code)) {
                cancelOpen();
                return refuse(USAGE, "cannot write the state file in " + config.stateDir());
            }
            // The wait stage carries on with this request: it must outlive this process.
            open.set(null);
            out.println("After approving on the phone, answer the next prompt.");
            out.flush();
            return APPROVED;
        }
        return follow(pam, userId, requestId, r, deadline, "");
    }

    /** The wait stage: picks up the request the request stage made for this PAM conversation. */
    private int resume(PamEnvironment pam) {
        String userId = config.countersignUser(pam.user());
        Optional<PamState> state = PamState.take(config.stateDir(), pam.user(), config.timeout(), clock);
        if (state.isEmpty()) {
            created.countDown();
            return refuse(USAGE, "no sign-in request from the request stage (is --stage request before it?)");
        }
        if (state.get().requestId().equals(PamState.FALLBACK)) {
            created.countDown();
            // The request stage let a listed user in while the verifier was down; it must still be listed.
            return config.fallbackUsers().contains(pam.user()) ? APPROVED
                    : refuse(UNREACHABLE, "the Countersign verifier cannot be reached");
        }
        String requestId = state.get().requestId();
        open.set(requestId);
        created.countDown();
        Map<String, Object> r;
        try {
            r = api.result(requestId, 0);
        } catch (VerifierApi.Failure f) {
            return failed(pam, userId, f);
        }
        if (!userId.equals(VerifierApi.text(r, "userId"))) {
            open.set(null);  // someone else's request: leave it alone
            return refuse(REFUSED, "the saved request is not for " + userId);
        }
        return follow(pam, userId, requestId, r, clock.instant().plus(config.timeout()), state.get().code());
    }

    private boolean save(PamEnvironment pam, String requestId, String code) {
        try {
            PamState.save(config.stateDir(), pam.user(), new PamState(requestId, code));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Long-polls the request until it ends or the deadline passes, showing the code and countdown. */
    private int follow(PamEnvironment pam, String userId, String requestId, Map<String, Object> first,
                       Instant deadline, String shown) {
        Map<String, Object> r = first;
        String shownCode = shown;
        String shownQueue = "";
        Instant nextCountdown = Instant.MIN;
        while (true) {
            String status = VerifierApi.text(r, "status");
            switch (status) {
                case "approved" -> {
                    open.set(null);
                    return approved(r);
                }
                case "rejected" -> {
                    return ended("rejected on the phone");
                }
                case "codes_differ" -> {
                    return ended("the phone reported that the codes differ (suspected phishing or a false request)");
                }
                case "expired" -> {
                    return ended("no answer from the phone in time (the request expired)");
                }
                case "cancelled" -> {
                    return ended("the request was cancelled at the verifier");
                }
                case "pending" -> {
                    String code = VerifierApi.text(r, "code");
                    if (!code.isEmpty() && !code.equals(shownCode)) {
                        shownCode = code;
                        showCode(userId, code, r);
                        nextCountdown = clock.instant().plusSeconds(POLL_SECONDS);
                    } else if (!clock.instant().isBefore(nextCountdown)) {
                        secondsLeft(r).ifPresent(s -> out.println("Waiting for your phone: " + s + " s left."));
                        nextCountdown = clock.instant().plusSeconds(POLL_SECONDS);
                    }
                }
                case "queued" -> {
                    String pos = VerifierApi.text(r, "queuePosition");
                    if (!pos.equals(shownQueue)) {
                        shownQueue = pos;
                        out.println("Another sign-in of " + userId + " is waiting on the phone; this one is number "
                                + pos + " in line.");
                    }
                }
                default -> {
                    return ended("the verifier answered an unknown status " + status);
                }
            }
            long remaining = Duration.between(clock.instant(), deadline).toSeconds();
            if (remaining <= 0) {
                cancelOpen();
                return refuse(DENIED, "timed out after " + config.timeout().toSeconds() + " s waiting for the phone");
            }
            try {
                r = api.result(requestId, (int) Math.min(POLL_SECONDS, remaining));
            } catch (VerifierApi.Failure f) {
                return failed(pam, userId, f);
            }
        }
    }

    private void showCode(String userId, String code, Map<String, Object> r) {
        out.println("Countersign sign-in for " + userId + config.tenant().map(t -> " (" + t + ")").orElse("")
                + ": your phone shows a sign-in request.");
        out.println("Code:  " + spaced(code));
        out.println("Approve on the phone only if it shows this same code"
                + secondsLeft(r).map(s -> " (" + s + " s left).").orElse("."));
        out.flush();
    }

    private int approved(Map<String, Object> r) {
        Object network = r.get("network");
        if (network instanceof Map<?, ?> n && Boolean.TRUE.equals(n.get("mismatch")) && !config.allowNetworkMismatch()) {
            // docs/oob-api.md: an approval whose phone and terminal sit on different networks is a suspected relay.
            Object warning = n.get("warning");
            return refuse(DENIED, "approved from another network than this login's ("
                    + (warning == null ? n.get("verdict") : warning) + ")");
        }
        String device = VerifierApi.text(r, "deviceName");
        out.println("Approved" + (device.isEmpty() ? "" : " on " + device) + ".");
        return APPROVED;
    }

    private int ended(String reason) {
        open.set(null);
        return refuse(DENIED, reason);
    }

    /** X.1280 leaves an unreachable verifier to the relying party: fail closed unless the admin listed the user. */
    private int failed(PamEnvironment pam, String userId, VerifierApi.Failure f) {
        if (f instanceof VerifierApi.Unreachable u) {
            if (config.fallbackUsers().contains(pam.user())) {
                open.set(null);
                out.println("Countersign verifier unreachable (" + u.getMessage() + "); " + pam.user()
                        + " is on the fallback list.");
                return APPROVED;
            }
            return refuse(UNREACHABLE, "the Countersign verifier cannot be reached (" + u.getMessage() + ")");
        }
        if (f instanceof VerifierApi.Refused x) {
            return switch (x.type) {
                case "no-authenticator" -> refuse(REFUSED, "no Countersign authenticator is enrolled for " + userId);
                case "oob-request-pending" -> refuse(REFUSED, "another sign-in of " + userId
                        + " is already waiting on the phone");
                default -> refuse(REFUSED, "the verifier said: " + x.getMessage());
            };
        }
        // Untrusted: TLS failed, possibly someone in the middle; never covered by the fallback.
        return refuse(UNTRUSTED, f.getMessage());
    }

    private int refuse(int exit, String reason) {
        out.println("Sign-in refused: " + oneLine(reason));
        out.flush();
        return exit;
    }

    /** The shutdown hook: a signal may come while the request is being created; wait for its id, briefly. */
    private void cancelOnSignal() {
        try {
            if (created.await(5, TimeUnit.SECONDS)) {
                cancelOpen();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Withdraws the open request, if any (docs/oob-api.md cancel); best effort, a few seconds at most. */
    private void cancelOpen() {
        String id = open.getAndSet(null);
        if (id != null) {
            try {
                api.cancel(id, Duration.ofSeconds(5));
            } catch (VerifierApi.Failure e) {
                // Nothing more to do: the request still expires at the verifier by itself.
            }
        }
    }

    private Optional<Long> secondsLeft(Map<String, Object> r) {
        try {
            Instant expires = Instant.parse(VerifierApi.text(r, "expiresAt"));
            return Optional.of(Math.max(0, Duration.between(clock.instant(), expires).toSeconds()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private String hostAddress() {
        if (config.hostAddress().isPresent()) {
            return config.hostAddress().get();
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return CONSOLE_ADDRESS;
        }
    }

    private static int usage(PrintStream out, String message) {
        out.println("countersign pam: " + oneLine(message));
        out.flush();
        return USAGE;
    }

    /** Groups of three digits from the right ("493 021"), as the phone shows the code. */
    static String spaced(String code) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < code.length(); i++) {
            if (i > 0 && (code.length() - i) % 3 == 0) {
                sb.append(' ');
            }
            sb.append(code.charAt(i));
        }
        return sb.toString();
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n]+", " ").strip();
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
