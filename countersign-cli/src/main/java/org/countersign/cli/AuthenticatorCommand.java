package org.countersign.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import org.countersign.agent.oob.AuthenticatorInfo;
import org.countersign.agent.oob.AuthenticatorStore;
import org.countersign.agent.oob.DecisionResult;
import org.countersign.agent.oob.EnrolmentTarget;
import org.countersign.agent.oob.OobAuthenticator;
import org.countersign.agent.oob.OobException;
import org.countersign.agent.oob.NetworkNotice;
import org.countersign.agent.oob.PendingRequest;
import org.countersign.agent.oob.Pin;
import org.countersign.agent.oob.PinGate;
import org.countersign.agent.oob.PushStream;
import org.countersign.agent.oob.ServerTrust;
import org.countersign.agent.oob.UserVerificationGate;
import org.countersign.core.oob.Offset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code countersign authenticator}: the X.1280 out-of-band server authenticator on a desktop, over the
 * {@code org.countersign.agent.oob} SDK. Exit codes: 0 done, 1 other failure, 3 wrong PIN or locked,
 * 4 verifier unreachable, 5 TLS trust failure, 6 the verifier refused, 7 not enrolled.
 */
@Command(name = "authenticator", mixinStandardHelpOptions = true,
        description = "Out-of-band server authenticator (ITU-T X.1280): enrol, then approve sign-ins after "
                + "comparing the code on the sign-in screen with the one shown here.",
        subcommands = {AuthenticatorCommand.Enrol.class, AuthenticatorCommand.Run.class,
                AuthenticatorCommand.Status.class, AuthenticatorCommand.Forget.class})
final class AuthenticatorCommand implements Callable<Integer> {
    static final int EXIT_PIN = 3;
    static final int EXIT_UNREACHABLE = 4;
    static final int EXIT_TLS = 5;
    static final int EXIT_REFUSED = 6;
    static final int EXIT_NOT_ENROLLED = 7;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand there is nothing to do: the usage on stderr and the usage exit code. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return HelpLayout.EXIT_USAGE;
    }

    /** Options every subcommand shares. */
    static class HomeOption {
        @Option(names = "--home", paramLabel = "DIR",
                description = "Folder of the authenticator's key store and state (default ~/.countersign/authenticator)")
        Path home;

        AuthenticatorStore store() {
            Path p = home != null ? home : Path.of(System.getProperty("user.home"), ".countersign", "authenticator");
            return AuthenticatorStore.at(p);
        }
    }

    @Command(name = "enrol", mixinStandardHelpOptions = true,
            description = "Register this computer as an authenticator with the enrolment code or URI the service gave you.")
    static final class Enrol implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--uri", paramLabel = "URI", required = true,
                    description = "Enrolment URI, https://host:port/authenticator/?enrol=CODE&tenant=ID")
            String uri;

            @CommandLine.ArgGroup(exclusive = false)
            ServerAndCode serverAndCode;
        }

        static final class ServerAndCode {
            @Option(names = "--server", paramLabel = "URL", required = true, description = "Verifier URL, https://host:port")
            String server;

            @Option(names = "--code", paramLabel = "CODE", required = true, description = "Enrolment code, e.g. K7QX-M2PA-9TDE")
            String code;
        }

        @Option(names = "--name", paramLabel = "NAME", description = "Name of this device as the service lists it")
        String name;

        @Option(names = "--ca", paramLabel = "PEM",
                description = "CA certificate(s) to trust for the verifier (a self-hosted server prints its path, "
                        + "e.g. countersign-data/tls/ca.pem); default: the system trust store")
        Path ca;

        @Option(names = "--pin-file", paramLabel = "FILE",
                description = "Read the new PIN from the first line of FILE instead of asking twice on the console")
        Path pinFile;

        @CommandLine.Mixin
        HomeMixin home;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                EnrolmentTarget t = target.uri != null ? EnrolmentTarget.fromUri(target.uri)
                        : EnrolmentTarget.of(target.serverAndCode.server, target.serverAndCode.code);
                ServerTrust trust = ca != null ? ServerTrust.caPemFile(ca) : ServerTrust.systemDefault();
                Pin pin = pinFile != null ? readPinFile(pinFile) : askNewPin();
                String device = name != null ? name : defaultDeviceName();
                OobAuthenticator.Enrolment e = OobAuthenticator.enrol(t, device, trust, home.store(), pin,
                        Clock.systemUTC(), new SecureRandom());
                pin.destroy();
                AuthenticatorInfo info = e.authenticator().info();
                e.authenticator().close();
                out.println("Enrolled " + info.authenticatorId() + " (\"" + info.deviceName() + "\") for user "
                        + info.userId() + " at " + info.tenantName() + " (" + info.server() + ").");
                if (!e.recoveryCodes().isEmpty()) {
                    out.println();
                    out.println("Recovery codes (shown once; keep them offline, each works once to release lost authenticators):");
                    e.recoveryCodes().forEach(c -> out.println("  " + c));
                }
                out.println();
                out.println("Next: countersign authenticator run" + homeArg(home));
                return 0;
            } catch (OobException e) {
                return fail(spec, e, ca == null);
            }
        }

        private Pin askNewPin() throws OobException {
            Console console = System.console();
            if (console == null) {
                throw new OobException.BadInput("no console to ask for a PIN: use --pin-file FILE");
            }
            char[] a = console.readPassword("New PIN (at least %d characters): ", Pin.MIN_LENGTH);
            char[] b = console.readPassword("Repeat the PIN: ");
            try {
                if (a == null || b == null || !Arrays.equals(a, b)) {
                    throw new OobException.BadInput("the two PINs differ");
                }
                return Pin.of(a);
            } finally {
                if (a != null) {
                    Arrays.fill(a, '\0');
                }
                if (b != null) {
                    Arrays.fill(b, '\0');
                }
            }
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Wait for sign-in requests, show each one with its code, and send your answer.")
    static final class Run implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--once", description = "Exit after answering one request")
        boolean once;

        @Option(names = "--auto-approve",
                description = "Approve without asking (tests and demonstrations only: it skips the code comparison "
                        + "that protects against phishing)")
        boolean autoApprove;

        @Option(names = "--pin-file", paramLabel = "FILE", description = "Read the PIN from the first line of FILE")
        Path pinFile;

        @CommandLine.Mixin
        HomeMixin home;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Clock clock = Clock.systemUTC();
            BlockingQueue<PendingRequest> inbox = new LinkedBlockingQueue<>();
            try (OobAuthenticator auth = OobAuthenticator.open(home.store(), gate(pinFile, err), clock);
                 PushStream stream = auth.openStream(new PushStream.Listener() {
                     @Override
                     public void onRequest(PendingRequest request) {
                         inbox.add(request);
                     }

                     @Override
                     public void onState(PushStream.State state, Optional<OobException> cause) {
                         if (state == PushStream.State.CONNECTED) {
                             out.println("[connected to " + auth.info().server() + "; waiting for sign-in requests]");
                         } else if (state == PushStream.State.POLLING) {
                             out.println("[push stream down" + cause.map(c -> ": " + c.getMessage()).orElse("")
                                     + "; polling and reconnecting]");
                         }
                         out.flush();
                     }

                     @Override
                     public void onInvalidPush(OobException.InvalidPush problem) {
                         err.println(problem.getMessage());
                         err.flush();
                     }
                 }, PushStream.Options.defaults())) {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                while (true) {
                    PendingRequest r = inbox.take();
                    if (r.expired(clock.instant())) {
                        continue;
                    }
                    show(out, r, clock);
                    Optional<Character> choice = autoApprove ? Optional.of('y') : ask(out, in, r, clock);
                    if (choice.isEmpty()) {
                        return 0; // end of input
                    }
                    if (r.expired(clock.instant())) {
                        out.println("This request expired before you answered; nothing was sent.");
                    } else {
                        DecisionResult d = switch (choice.get()) {
                            case 'y' -> auth.approve(r);
                            case 'd' -> auth.reportCodesDiffer(r);
                            default -> auth.reject(r);
                        };
                        out.println(describe(d));
                    }
                    out.flush();
                    if (once) {
                        return 0;
                    }
                }
            } catch (OobException e) {
                return fail(spec, e, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }

        private static Optional<Character> ask(PrintWriter out, BufferedReader in, PendingRequest r, Clock clock) {
            while (true) {
                out.print("Approve? [y]es / [n]o / [d]ifferent codes (" + r.timeLeft(clock.instant()).toSeconds()
                        + " s left): ");
                out.flush();
                String line;
                try {
                    line = in.readLine();
                } catch (IOException e) {
                    return Optional.empty();
                }
                if (line == null) {
                    return Optional.empty();
                }
                String a = line.trim().toLowerCase(java.util.Locale.ROOT);
                if (a.equals("y") || a.equals("yes")) {
                    return Optional.of('y');
                }
                if (a.equals("n") || a.equals("no")) {
                    return Optional.of('n');
                }
                if (a.equals("d") || a.startsWith("diff")) {
                    return Optional.of('d');
                }
            }
        }

        private static String describe(DecisionResult d) {
            return switch (d.status()) {
                case "approved" -> "Approved: the sign-in continues on the terminal.";
                case "rejected" -> "Rejected: the sign-in was refused.";
                case "codes_differ" -> "Reported: the service was told the codes differed (possible phishing). "
                        + "Do not enter anything on that page.";
                default -> "Verifier answered: " + d.status();
            };
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show what is enrolled here (no PIN needed).")
    static final class Status implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        HomeMixin home;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            AuthenticatorStore store = home.store();
            try {
                AuthenticatorStore.Status s = store.status();
                if (s instanceof AuthenticatorStore.Status.NotEnrolled) {
                    out.println("No authenticator enrolled in " + store.home() + ".");
                    return EXIT_NOT_ENROLLED;
                }
                AuthenticatorInfo info = s instanceof AuthenticatorStore.Status.Ready ready ? ready.info()
                        : ((AuthenticatorStore.Status.Locked) s).info();
                out.println("authenticator  " + info.authenticatorId() + " (\"" + info.deviceName() + "\")");
                out.println("service        " + info.tenantName() + " (tenant " + info.tenantId() + ")");
                out.println("user           " + info.userId());
                out.println("verifier       " + info.server() + (info.caPem().isPresent() ? " (own CA)" : " (system trust)"));
                out.println("enrolled       " + TIME.format(info.enrolledAt()));
                if (s instanceof AuthenticatorStore.Status.Ready ready) {
                    out.println("state          ready" + (ready.failedPinAttempts() == 0 ? "" : "; "
                            + ready.failedPinAttempts() + " wrong PIN(s), " + (AuthenticatorStore.MAX_PIN_FAILURES
                            - ready.failedPinAttempts()) + " left before wipe"));
                } else {
                    out.println("state          LOCKED: keys wiped after " + AuthenticatorStore.MAX_PIN_FAILURES
                            + " wrong PINs; enrol again and ask the service to revoke " + info.authenticatorId());
                }
                return 0;
            } catch (OobException e) {
                return fail(spec, e, false);
            }
        }
    }

    @Command(name = "forget", mixinStandardHelpOptions = true,
            description = "Delete this authenticator's keys from this computer. The service still lists it: "
                    + "revoke it there too.")
    static final class Forget implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--yes", description = "Do not ask for confirmation")
        boolean yes;

        @CommandLine.Mixin
        HomeMixin home;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            AuthenticatorStore store = home.store();
            try {
                if (!yes) {
                    Console c = System.console();
                    String a = c == null ? null : c.readLine("Delete the authenticator in %s? [y/N] ", store.home());
                    if (a == null || !a.trim().equalsIgnoreCase("y")) {
                        out.println("Nothing deleted" + (c == null ? " (no console: use --yes)" : "") + ".");
                        return 1;
                    }
                }
                AuthenticatorStore.Status s = store.status();
                Optional<String> id = s instanceof AuthenticatorStore.Status.Ready r ? Optional.of(r.info().authenticatorId())
                        : s instanceof AuthenticatorStore.Status.Locked l ? Optional.of(l.info().authenticatorId())
                        : Optional.empty();
                store.forget();
                out.println("Deleted" + id.map(i -> " " + i).orElse("") + " from " + store.home() + "."
                        + id.map(i -> " Ask the service to revoke " + i + " as well.").orElse(""));
                return 0;
            } catch (OobException e) {
                return fail(spec, e, false);
            }
        }
    }

    /** {@code --home} as a picocli mixin. */
    static final class HomeMixin extends HomeOption {}

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    static UserVerificationGate gate(Path pinFile, PrintWriter err) throws OobException {
        if (pinFile != null) {
            return PinGate.fixed(readPinFile(pinFile));
        }
        Console console = System.console();
        if (console == null) {
            throw new OobException.BadInput("no console to ask for the PIN: use --pin-file FILE");
        }
        return new PinGate(previous -> {
            previous.ifPresent(e -> {
                err.println(e.getMessage());
                err.flush();
            });
            char[] c = console.readPassword("PIN: ");
            if (c == null || c.length == 0) {
                return Optional.empty();
            }
            try {
                return Optional.of(Pin.of(c));
            } finally {
                Arrays.fill(c, '\0');
            }
        });
    }

    static Pin readPinFile(Path file) throws OobException {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                throw new OobException.BadInput("the PIN file " + file + " is empty");
            }
            char[] c = lines.get(0).toCharArray();
            try {
                return Pin.of(c);
            } finally {
                Arrays.fill(c, '\0');
            }
        } catch (IOException e) {
            throw new OobException.BadInput("cannot read the PIN file " + file + ": " + e.getMessage());
        }
    }

    /** One clear line per failure type, and an exit code a script can test. */
    static int fail(CommandLine.Model.CommandSpec spec, OobException e, boolean suggestCa) {
        PrintWriter err = spec.commandLine().getErr();
        int code;
        String hint = "";
        if (e instanceof OobException.WrongPin || e instanceof OobException.Locked) {
            code = EXIT_PIN;
        } else if (e instanceof OobException.ServerUnreachable) {
            code = EXIT_UNREACHABLE;
            hint = "Check the URL and that the verifier is running.";
        } else if (e instanceof OobException.TlsTrustFailure) {
            code = EXIT_TLS;
            hint = suggestCa
                    ? "If the verifier uses its own CA, pass it with --ca FILE (the server prints the path of ca.pem at start-up)."
                    : "The stored CA no longer matches the verifier's certificate: forget and enrol again with --ca FILE.";
        } else if (e instanceof OobException.ServerProblem) {
            code = EXIT_REFUSED;
        } else if (e instanceof OobException.NotEnrolled) {
            code = EXIT_NOT_ENROLLED;
            hint = "Enrol first: countersign authenticator enrol --uri URI";
        } else {
            code = 1;
        }
        err.println("error: " + e.getMessage());
        if (!hint.isEmpty()) {
            err.println(hint);
        }
        err.flush();
        return code;
    }

    static void show(PrintWriter out, PendingRequest r, Clock clock) {
        Offset o = r.offset();
        out.println();
        out.println("=== Sign-in request " + r.requestId() + " ===");
        out.println("  service        " + r.tenantName() + " (" + r.tenantId() + ")");
        out.println("  user           " + o.userId());
        if (r.network().isPresent()) {
            // §9.1.1: the verifier's words for both ends, never a raw loopback address.
            out.println("  computer       " + r.network().get().terminal());
            out.println("  this device    " + r.network().get().authenticator());
        } else {
            out.println("  terminal IP    " + o.terminalPublicIp() + " (public)"
                    + o.terminalPrivateIp().map(p -> ", " + p + " (private)").orElse(""));
        }
        out.println("  browser        " + o.browser() + " " + o.browserVersion());
        out.println("  requested at   " + TIME.format(o.requestTime()));
        out.println("  service server " + o.rpServerIp());
        out.println();
        out.println("  Compare with the code on the sign-in screen:   " + spaced(r.code().value()));
        out.println();
        for (String line : BigDigits.render(r.code().value())) {
            out.println("    " + line);
        }
        out.println();
        r.network().flatMap(NetworkNotice::warning).ifPresent(w -> {
            out.println("  !! WARNING: " + w);
            out.println();
        });
        out.println("  Time left: " + r.timeLeft(clock.instant()).toSeconds() + " s");
        out.println("  Not your computer, address or browser? Answer d: someone may be relaying your sign-in.");
        out.flush();
    }

    /** "493021" as "4 9 3  0 2 1". */
    static String spaced(String code) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < code.length(); i++) {
            if (i > 0) {
                sb.append((code.length() - i) % 3 == 0 ? "   " : " ");
            }
            sb.append(code.charAt(i));
        }
        return sb.toString();
    }

    private static String defaultDeviceName() {
        try {
            return "CLI on " + InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "CLI authenticator";
        }
    }

    private static String homeArg(HomeOption home) {
        return home.home == null ? "" : " --home " + home.home;
    }
}
