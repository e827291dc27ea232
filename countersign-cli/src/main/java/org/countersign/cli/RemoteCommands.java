package org.countersign.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.countersign.agent.remote.CaptureAgent;
import org.countersign.agent.remote.DeviceCredential;
import org.countersign.agent.remote.DeviceStore;
import org.countersign.agent.remote.FrameSource;
import org.countersign.agent.remote.RemoteChallenge;
import org.countersign.agent.remote.RemoteClient;
import org.countersign.agent.remote.RemoteException;
import org.countersign.agent.remote.RemoteResult;
import org.countersign.agent.remote.RemoteSession;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.face.QualityPolicy;
import org.countersign.biometrics.liveness.CapturedFrame;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code countersign enrol | authenticate | deregister}: the remote capture client (A-C1..A-C5) on a folder of
 * frames or a video file, running the X.1279 §8.2 flows against a verifier. Exit codes: 0 accepted, 1 refused,
 * 2 capture unusable (capture again), 3 usage or set-up problem, 4 server unreachable or protocol failure.
 */
final class RemoteCommands {
    private RemoteCommands() {}

    static final int ACCEPTED = 0;
    static final int REFUSED = 1;
    static final int UNUSABLE = 2;
    static final int USAGE = 3;
    static final int FAILURE = 4;

    abstract static class Base implements Callable<Integer> {
        @Option(names = "--server", required = true, paramLabel = "URL", description = "Verifier base URL (https://...)")
        URI server;

        @Option(names = "--tenant", required = true, description = "Relying party (tenant) id")
        String tenant;

        @Option(names = "--user", required = true, description = "User id the device is enrolled for")
        String user;

        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @Option(names = "--frames", paramLabel = "DIR", description = "Folder of frame images, in name order")
            Path frames;

            @Option(names = "--video", paramLabel = "FILE", description = "Video file (decoded with ffmpeg)")
            Path video;
        }

        @Option(names = "--ca", paramLabel = "PEM", description = "Trust only this CA certificate (the verifier's own)")
        Path ca;

        @Option(names = "--fps", defaultValue = "10", description = "Frame rate of the frames (default ${DEFAULT-VALUE})")
        double fps;

        @Option(names = "--home", paramLabel = "DIR", description = "Where device credentials are kept"
                + " (default ~/.countersign/remote)")
        Path home;

        PrintStream out = System.out;

        abstract String operation();

        /** The RP's grant (REGISTER, DEREGISTER), or {@code null}. */
        String grant() {
            return null;
        }

        /** The authentication the RP opened (AUTHENTICATE), or {@code null}. */
        String challenge() {
            return null;
        }

        DeviceCredential device(RemoteClient client, DeviceStore store) throws RemoteException {
            return store.load(server, tenant, user).orElseThrow(() -> RemoteException.local(
                    "this device is not enrolled for " + user + " at " + server + ": run 'countersign enrol' first"));
        }

        @Override
        public Integer call() {
            SecureRandom random = new SecureRandom();
            DeviceStore store = home == null ? DeviceStore.inUserHome() : new DeviceStore(home);
            try (FaceAnalyzer analyzer = FaceAnalyzer.open()) {
                RemoteClient client = new RemoteClient(server, RemoteClient.httpClient(Optional.ofNullable(ca)),
                        random, Clock.systemUTC());
                DeviceCredential d = device(client, store);
                // Step 2: the secure channel.
                RemoteSession session = client.login(d);
                out.println("secure channel open (SRP-6a, session " + session.sessionId().substring(0, 8) + "…)");
                // Steps 3-4: request with risk data; the server's decision logic answers.
                ObjectNode risk = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().createObjectNode()
                        .put("emulator", false).put("rooted", false)
                        .put("osName", System.getProperty("os.name").toLowerCase(Locale.ROOT))
                        .put("osVersion", System.getProperty("os.version"));
                RemoteChallenge c = session.request(operation(), user, risk, null, challenge(), grant());
                out.println("the server asks for " + (c.actions().isEmpty() ? "no action" : c.actions())
                        + " within " + c.timeLimitMillis() / 1000.0 + " s"
                        + (c.rules().isEmpty() ? "" : "  (rules: " + String.join(", ", c.rules()) + ")"));
                // Step 5: instructions.
                int i = 1;
                for (String line : c.instructions()) {
                    out.println("  " + (i++) + ". " + line);
                }
                // Steps 6-7: capture, environment, quality, local action detection.
                List<FrameSource.Frame> frames = source.frames != null ? FrameSource.folder(source.frames, fps)
                        : FrameSource.video(source.video, fps, c.timeLimitMillis() / 1000.0);
                frames = fit(frames, c);
                CaptureAgent agent = new CaptureAgent(analyzer, QualityPolicy.defaults());
                CaptureAgent.Preliminary p = agent.prepare(frames, c.actions());
                out.println("environment: " + (p.environment().ok() ? "ok" : "poor " + p.environment().problems())
                        + "; face in " + Math.round(100 * p.passedFraction()) + " % of " + frames.size()
                        + " frames; best frame " + p.bestFrame());
                out.println("preliminary (client) actions seen: " + p.actionsSeen()
                        + (p.actionsMatch() ? " — as asked" : " — not as asked; the server decides"));
                // Step 8: sealed capture; steps 9-11 on the server.
                List<CapturedFrame> send = p.frames();
                RemoteResult r = session.capture(c, send, p.actionsSeen());
                out.println("result: " + r.outcome() + (r.reasons().isEmpty() ? "" : " " + r.reasons()));
                for (String line : explain(r)) {
                    out.println("  " + line);
                }
                if (r.assurance().has("comparisonScore") && !r.assurance().get("comparisonScore").isNull()) {
                    out.printf(Locale.ROOT, "  comparison %.3f (threshold %.2f), attack score %.3f%n",
                            r.assurance().path("comparisonScore").asDouble(),
                            r.assurance().path("matchThreshold").asDouble(),
                            r.assurance().path("attackScore").asDouble());
                }
                out.println("  challenge " + c.challengeId() + " (the relying party reads the outcome from the server)");
                afterResult(store, d, r);
                return r.accepted() ? ACCEPTED : REFUSED;
            } catch (RemoteException e) {
                if (e.isUnreachable() || e.status() == 401 || e.status() >= 500) {
                    System.err.println("countersign: " + VerifierErrors.oneLine(server, e.problem(), VerifierErrors.cause(e),
                            "that this device is still enrolled (countersign enrol)"));
                    return FAILURE;
                }
                out.println("error: " + e.getMessage() + (e.reasonCodes().isEmpty() ? "" : " " + e.reasonCodes()));
                if ("remote-capture-unusable".equals(e.problemType())) {
                    return UNUSABLE;
                }
                return e.status() == 0 ? USAGE : FAILURE;
            } catch (Exception e) {
                out.println("error: " + e.getMessage());
                return FAILURE;
            }
        }

        void afterResult(DeviceStore store, DeviceCredential d, RemoteResult r) throws RemoteException {}

        /** The server judge's checks in plain words: what was asked, what was seen, what failed and why. */
        static List<String> explain(RemoteResult r) {
            List<String> out = new ArrayList<>();
            var a = r.assurance();
            if (a.has("actionsRequested")) {
                out.add("asked for: " + words(a.path("actionsRequested")) + "; the server saw: "
                        + words(a.path("actionsSeen")));
            }
            if (r.reasons().contains("SECOND_MODALITY_REQUIRED")) {
                out.add("your face matched, but this operation also needs a second factor from the relying party");
            }
            if (r.reasons().contains("REFERENCE_MISMATCH") && "match".equals(a.path("authorisation").asText())) {
                out.add("to replace a face reference without a grant, the new capture must match the current one");
            }
            for (var c : a.path("explanation")) {
                String outcome = c.path("outcome").asText();
                if (outcome.equals("FAILED")) {
                    out.add("check '" + c.path("check").asText() + "' failed"
                            + (c.path("reason").isNull() || c.path("reason").isMissingNode() ? ""
                                    : " (" + c.path("reason").asText() + ")") + ": " + c.path("detail").asText());
                }
            }
            return out;
        }

        private static String words(com.fasterxml.jackson.databind.JsonNode actions) {
            List<String> w = new ArrayList<>();
            actions.forEach(x -> w.add(switch (x.asText()) {
                case "BLINK" -> "a blink";
                case "NOD" -> "a nod";
                case "SHAKE" -> "a head shake";
                case "OPEN_MOUTH" -> "an open mouth";
                default -> x.asText();
            }));
            return w.isEmpty() ? "nothing" : String.join(", then ", w);
        }

        /** Keeps the frames the challenge allows: within its time limit and at most its frame count. */
        static List<FrameSource.Frame> fit(List<FrameSource.Frame> frames, RemoteChallenge c) {
            List<FrameSource.Frame> out = new ArrayList<>();
            long limit = c.timeLimitMillis() - 500L;
            for (FrameSource.Frame f : frames) {
                if (f.capturedAtMillis() > limit || out.size() >= c.maxFrames()) {
                    break;
                }
                out.add(f);
            }
            return out;
        }
    }

    @Command(name = "enrol", mixinStandardHelpOptions = true,
            description = "Register a face reference (X.1279 §8.2.1); enrols this device first when a code is given.")
    static class Enrol extends Base {
        @Option(names = "--enrolment-code", paramLabel = "CODE",
                description = "One-time code from the relying party (needed once per device)")
        String code;

        @Option(names = "--grant", paramLabel = "CODE",
                description = "Single-use grant from the relying party for this registration (without it, only a"
                        + " replacement that matches the current reference is possible)")
        String grant;

        @Override
        String grant() {
            return grant;
        }

        @Override
        String operation() {
            return "REGISTER";
        }

        @Override
        DeviceCredential device(RemoteClient client, DeviceStore store) throws RemoteException {
            Optional<DeviceCredential> known = store.load(server, tenant, user);
            if (known.isPresent()) {
                return known.get();
            }
            if (code == null) {
                throw RemoteException.local("this device is not enrolled yet: pass --enrolment-code from the"
                        + " relying party");
            }
            DeviceCredential d = client.enrol(tenant, code);
            if (!d.userId().equals(user)) {
                throw RemoteException.local("the enrolment code belongs to user " + d.userId());
            }
            store.save(server, d);
            out.println("device " + d.deviceId() + " enrolled (its secret stays in " + "the agent's home)");
            return d;
        }
    }

    /**
     * The American spelling, still accepted so existing scripts keep working; hidden so help shows one spelling
     * (the project writes "enrol", as {@code authenticator enrol} does).
     */
    @Command(name = "enroll", hidden = true, mixinStandardHelpOptions = true,
            description = "Same as enrol.")
    static final class EnrolAlias extends Enrol {}

    @Command(name = "authenticate", mixinStandardHelpOptions = true,
            description = "Authenticate with face and liveness actions (X.1279 §8.2.2).")
    static final class Authenticate extends Base {
        @Option(names = "--challenge", required = true, paramLabel = "ID",
                description = "Challenge id of the authentication the relying party opened")
        String challenge;

        @Override
        String challenge() {
            return challenge;
        }

        @Override
        String operation() {
            return "AUTHENTICATE";
        }
    }

    @Command(name = "deregister", mixinStandardHelpOptions = true,
            description = "Authenticate with liveness, then remove the reference (X.1279 §8.2.3).")
    static final class Deregister extends Base {
        @Option(names = "--grant", required = true, paramLabel = "CODE",
                description = "Single-use grant from the relying party for this deregistration")
        String grant;

        @Override
        String grant() {
            return grant;
        }

        @Override
        String operation() {
            return "DEREGISTER";
        }
    }
}
