package org.countersign.testkit.emulators;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.countersign.agent.oob.AuthenticatorInfo;
import org.countersign.agent.oob.AuthenticatorStore;
import org.countersign.agent.oob.DecisionResult;
import org.countersign.agent.oob.EnrolmentTarget;
import org.countersign.agent.oob.OobAuthenticator;
import org.countersign.agent.oob.OobException;
import org.countersign.agent.oob.PendingRequest;
import org.countersign.agent.oob.Pin;
import org.countersign.agent.oob.PushStream;
import org.countersign.agent.oob.ServerTrust;
import org.countersign.core.oob.ApprovalStatement;

/**
 * An emulated phone for tests and load generators: a real {@link OobAuthenticator} (real keys, real signatures,
 * real push stream) whose user is a policy instead of a person. It keeps its store in a temporary folder under a
 * fixed PIN and deletes it on {@link #close()}.
 *
 * <pre>{@code
 * try (EmulatedPhone phone = EmulatedPhone.enrol(enrolmentUri, ServerTrust.caPemFile(ca))) {
 *     phone.listen();
 *     // ... relying party creates a request ...
 *     PendingRequest r = phone.awaitRequest(Duration.ofSeconds(10)).orElseThrow();
 *     assertThat(r.code().value()).isEqualTo(codeShownOnTerminal);
 *     phone.approve(r);
 * }
 * }</pre>
 * Or let it answer by itself: {@code phone.answerAutomatically(r -> Decision.APPROVE)}.
 */
public final class EmulatedPhone implements AutoCloseable {
    private static final char[] PIN = "emulated-phone-pin".toCharArray();

    private final OobAuthenticator authenticator;
    private final Path home;
    private final List<String> recoveryCodes;
    private final BlockingQueue<PendingRequest> inbox = new LinkedBlockingQueue<>();
    private final BlockingQueue<DecisionResult> answers = new LinkedBlockingQueue<>();
    private volatile Function<PendingRequest, ApprovalStatement.Decision> policy;
    private volatile PushStream stream;
    private volatile PushStream.State state = PushStream.State.CLOSED;

    private EmulatedPhone(OobAuthenticator authenticator, Path home, List<String> recoveryCodes) {
        this.authenticator = authenticator;
        this.home = home;
        this.recoveryCodes = recoveryCodes;
    }

    /** Enrols from the enrolment URI the relying party got from {@code POST /v1/oob/enrolments}. */
    public static EmulatedPhone enrol(String enrolmentUri, ServerTrust trust) throws OobException {
        return enrol(EnrolmentTarget.fromUri(enrolmentUri), "Emulated phone", trust, Clock.systemUTC(), null);
    }

    /**
     * Enrols with every knob: the name the verifier lists, the clock used for signatures, and an optional shared
     * {@link HttpClient} (built with the same trust) so hundreds of phones do not each start a client.
     */
    public static EmulatedPhone enrol(EnrolmentTarget target, String deviceName, ServerTrust trust, Clock clock,
                                      HttpClient shared) throws OobException {
        Path home;
        try {
            home = Files.createTempDirectory("countersign-emulated-phone");
        } catch (IOException e) {
            throw new OobException.StoreFailure("cannot make a temporary folder", e);
        }
        Pin pin = Pin.of(PIN);
        AuthenticatorStore store = AuthenticatorStore.at(home);
        OobAuthenticator.Enrolment e = shared == null
                ? OobAuthenticator.enrol(target, deviceName, trust, store, pin, clock, new SecureRandom())
                : OobAuthenticator.enrol(target, deviceName, trust, store, pin, clock, new SecureRandom(), shared);
        return new EmulatedPhone(e.authenticator(), home, e.recoveryCodes());
    }

    public AuthenticatorInfo info() {
        return authenticator.info();
    }

    /** The SDK object behind the phone, for tests that drive it directly. */
    public OobAuthenticator authenticator() {
        return authenticator;
    }

    /** Recovery codes returned at the user's first enrolment (empty for backup devices). */
    public List<String> recoveryCodes() {
        return recoveryCodes;
    }

    /** Opens the push stream with default timings; requests land in the inbox (or go to the automatic policy). */
    public EmulatedPhone listen() {
        return listen(PushStream.Options.defaults());
    }

    public synchronized EmulatedPhone listen(PushStream.Options options) {
        if (stream == null) {
            stream = authenticator.openStream(new PushStream.Listener() {
                @Override
                public void onRequest(PendingRequest request) {
                    Function<PendingRequest, ApprovalStatement.Decision> p = policy;
                    if (p == null) {
                        inbox.add(request);
                    } else {
                        answer(request, p.apply(request));
                    }
                }

                @Override
                public void onState(PushStream.State s, Optional<OobException> cause) {
                    state = s;
                }
            }, options);
        }
        return this;
    }

    /** Whether the stream is currently connected (not merely polling). */
    public PushStream.State streamState() {
        return state;
    }

    /** From now on every pushed request is answered with {@code policy}'s decision; results go to {@link #awaitAnswer}. */
    public EmulatedPhone answerAutomatically(Function<PendingRequest, ApprovalStatement.Decision> policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        PendingRequest queued;
        while ((queued = inbox.poll()) != null) {
            answer(queued, policy.apply(queued));
        }
        return this;
    }

    /** The next pushed request, or empty when none came within {@code timeout}. */
    public Optional<PendingRequest> awaitRequest(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** The next automatic answer's result, or empty. */
    public Optional<DecisionResult> awaitAnswer(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(answers.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** Requests waiting at the verifier, by polling (no stream needed). */
    public List<PendingRequest> poll() throws OobException {
        return authenticator.pending();
    }

    public DecisionResult approve(PendingRequest r) throws OobException {
        return authenticator.approve(r);
    }

    public DecisionResult reject(PendingRequest r) throws OobException {
        return authenticator.reject(r);
    }

    public DecisionResult reportCodesDiffer(PendingRequest r) throws OobException {
        return authenticator.reportCodesDiffer(r);
    }

    private void answer(PendingRequest r, ApprovalStatement.Decision d) {
        try {
            answers.add(switch (d) {
                case APPROVE -> authenticator.approve(r);
                case REJECT -> authenticator.reject(r);
                case CODES_DIFFER -> authenticator.reportCodesDiffer(r);
            });
        } catch (OobException e) {
            answers.add(new DecisionResult(r.requestId(), d, "error: " + e.getMessage()));
        }
    }

    /** Closes the stream, forgets the keys and deletes the temporary store. */
    @Override
    public void close() {
        PushStream s = stream;
        if (s != null) {
            s.close();
        }
        authenticator.close();
        try (var files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Temporary folder: leftovers are harmless.
        }
    }

    @Override
    public String toString() {
        return "EmulatedPhone(" + authenticator.info().authenticatorId() + ")";
    }
}
