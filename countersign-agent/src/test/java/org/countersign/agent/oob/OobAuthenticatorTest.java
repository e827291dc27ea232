package org.countersign.agent.oob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.oob.ApprovalStatement;
import org.countersign.core.oob.Offset;
import org.countersign.core.oob.ServerAuthCode;
import org.countersign.core.sig.SignatureEncoding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK against a verifier that speaks docs/oob-api.md (X.1280 §8.1–8.5). */
@Tag("integration")
class OobAuthenticatorTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final PushStream.Options FAST = new PushStream.Options(Duration.ofMillis(50),
            Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofSeconds(30));

    @TempDir
    Path home;
    FakeVerifier verifier;
    ServerTrust trust;

    @BeforeEach
    void start() throws Exception {
        verifier = new FakeVerifier();
        trust = ServerTrust.caPem(verifier.caPem);
    }

    @AfterEach
    void stop() {
        verifier.close();
    }

    static Offset offset(String user) {
        return new Offset("203.0.113.10", "s-123", "198.51.100.7", Optional.of("192.168.1.20"), "Chromium",
                "156.0", user, Instant.parse("2026-11-23T10:00:00Z"));
    }

    private OobAuthenticator enrol() throws Exception {
        return OobAuthenticator.enrol(EnrolmentTarget.fromUri(verifier.enrolmentUri()), "laptop", trust,
                AuthenticatorStore.at(home), Pin.of("246810".toCharArray()), Clock.systemUTC(), new SecureRandom())
                .authenticator();
    }

    @Test
    void X1280_8_1_enrolmentStoresVerificationKeyBehindThePinAndReturnsRecoveryCodes() throws Exception {
        var e = OobAuthenticator.enrol(EnrolmentTarget.fromUri(verifier.enrolmentUri()), "laptop", trust,
                AuthenticatorStore.at(home), Pin.of("246810".toCharArray()), Clock.systemUTC(), new SecureRandom());
        assertThat(e.recoveryCodes()).containsExactly("RC1", "RC2");
        assertThat(e.authenticator().info().userId()).isEqualTo("alice");
        assertThat(e.authenticator().info().caPem()).contains(verifier.caPem);
        // A later run opens the store with the PIN and has the same keys as the verifier registered.
        try (OobAuthenticator again = OobAuthenticator.open(AuthenticatorStore.at(home),
                PinGate.fixed(Pin.of("246810".toCharArray())), Clock.systemUTC())) {
            assertThat(again.keys().verificationKey()).isEqualTo(verifier.verificationKey);
            assertThat(again.keys().publicKey()).isEqualTo(verifier.devices.get("auth_1"));
        }
    }

    @Test
    void wrongEnrolmentCodeIsAProblemWithItsType() throws Exception {
        assertThatThrownBy(() -> OobAuthenticator.enrol(EnrolmentTarget.of(verifier.url(), "AAAA-BBBB-CCCC"), "x",
                trust, AuthenticatorStore.at(home), Pin.of("246810".toCharArray()), Clock.systemUTC(), new SecureRandom()))
                .isInstanceOfSatisfying(OobException.ServerProblem.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.type()).isEqualTo("enrolment-code-invalid");
                });
        assertThat(AuthenticatorStore.at(home).status()).isInstanceOf(AuthenticatorStore.Status.NotEnrolled.class);
    }

    @Test
    void enrolmentUriNamingAnotherTenantIsRefused() throws Exception {
        String uri = verifier.enrolmentUri().replace("tenant=bank", "tenant=shop");
        assertThatThrownBy(() -> OobAuthenticator.enrol(EnrolmentTarget.fromUri(uri), "x", trust,
                AuthenticatorStore.at(home), Pin.of("246810".toCharArray()), Clock.systemUTC(), new SecureRandom()))
                .isInstanceOf(OobException.BadInput.class).hasMessageContaining("shop");
    }

    @Test
    void X1280_8_1_untrustedCertificateIsATlsTrustFailure() {
        assertThatThrownBy(() -> OobAuthenticator.enrol(EnrolmentTarget.fromUri(verifier.enrolmentUri()), "x",
                ServerTrust.systemDefault(), AuthenticatorStore.at(home), Pin.of("246810".toCharArray()),
                Clock.systemUTC(), new SecureRandom()))
                .isInstanceOf(OobException.TlsTrustFailure.class);
    }

    @Test
    void unreachableVerifierIsReportedAsSuch() throws Exception {
        String url = verifier.url();
        verifier.close();
        assertThatThrownBy(() -> OobAuthenticator.enrol(EnrolmentTarget.of(url, FakeVerifier.CODE), "x", trust,
                AuthenticatorStore.at(home), Pin.of("246810".toCharArray()), Clock.systemUTC(), new SecureRandom()))
                .isInstanceOf(OobException.ServerUnreachable.class);
    }

    @Test
    void X1280_8_3_pushedOffsetIsDecodedAndTheCodeComputedLocallyEqualsTheVerifiers() throws Exception {
        try (OobAuthenticator auth = enrol()) {
            BlockingQueue<PendingRequest> got = new LinkedBlockingQueue<>();
            try (PushStream s = auth.openStream(got::add, FAST)) {
                awaitStreams(1);
                ServerAuthCode shownOnTerminal = verifier.createRequest(offset("alice"), 8);
                PendingRequest r = got.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(r).isNotNull();
                assertThat(r.offset()).isEqualTo(offset("alice"));
                assertThat(r.offset().terminalPublicIp()).isEqualTo("198.51.100.7");
                assertThat(r.offset().browser()).isEqualTo("Chromium");
                assertThat(r.code()).isEqualTo(shownOnTerminal);
                assertThat(r.code()).isEqualTo(ServerAuthCode.compute(verifier.verificationKey, offset("alice"), 8));
                assertThat(r.groupedCode()).matches("\\d\\d \\d{3} \\d{3}");
                assertThat(r.tenantName()).isEqualTo("Bank");
            }
        }
    }

    @Test
    void X1280_8_5_approvalIsSignedInP1363OverTheApprovalStatement() throws Exception {
        try (OobAuthenticator auth = enrol()) {
            ServerAuthCode code = verifier.createRequest(offset("alice"), 6);
            PendingRequest r = auth.pending().get(0);
            DecisionResult result = auth.approve(r);
            assertThat(result.status()).isEqualTo("approved");
            ApprovalStatement st = verifier.decisions.get(r.requestId());
            assertThat(st.code()).isEqualTo(code.value());
            assertThat(st.offsetHash()).isEqualTo(offset("alice").hash());
            assertThat(st.decision()).isEqualTo(ApprovalStatement.Decision.APPROVE);
            // And the signature verifies with the public key as a separate verifier would hold it.
            ByteArray sig = auth.keys().signer().sign(st.encode(), SignatureEncoding.P1363);
            assertThat(sig.length()).isEqualTo(64);
            assertThat(verifier.devices.get(auth.info().authenticatorId()).verify(st.encode(), sig, SignatureEncoding.P1363)).isTrue();
            // Single use: a second answer is refused by the verifier and surfaces as a typed problem.
            assertThatThrownBy(() -> auth.reject(r)).isInstanceOfSatisfying(OobException.ServerProblem.class,
                    e -> assertThat(e.status()).isEqualTo(409));
        }
    }

    @Test
    void X1280_9_1_1_codesDifferAndRejectAreSentAsSuch() throws Exception {
        try (OobAuthenticator auth = enrol()) {
            verifier.createRequest(offset("alice"), 6);
            verifier.createRequest(offset("alice"), 6);
            var list = auth.pending();
            assertThat(auth.reportCodesDiffer(list.get(0)).status()).isEqualTo("codes_differ");
            assertThat(auth.reject(list.get(1)).status()).isEqualTo("rejected");
        }
    }

    @Test
    void X1280_9_1_5_pushForAnotherUserOrWithATamperedOffsetIsNotShown() throws Exception {
        try (OobAuthenticator auth = enrol()) {
            BlockingQueue<PendingRequest> got = new LinkedBlockingQueue<>();
            BlockingQueue<OobException.InvalidPush> refused = new LinkedBlockingQueue<>();
            try (PushStream s = auth.openStream(new PushStream.Listener() {
                @Override
                public void onRequest(PendingRequest request) {
                    got.add(request);
                }

                @Override
                public void onInvalidPush(OobException.InvalidPush problem) {
                    refused.add(problem);
                }
            }, FAST)) {
                awaitStreams(1);
                verifier.push("request", "{\"requestId\":\"r1\",\"tenantId\":\"bank\",\"userId\":\"alice\",\"offset\":\""
                        + offset("mallory").encode().toBase64Url() + "\",\"digits\":6,\"expiresAt\":\"2030-01-01T00:00:00Z\"}");
                byte[] enc = offset("alice").encode().toByteArray();
                byte[] truncated = java.util.Arrays.copyOf(enc, enc.length - 2);
                verifier.push("request", "{\"requestId\":\"r2\",\"tenantId\":\"bank\",\"userId\":\"alice\",\"offset\":\""
                        + ByteArray.copyOf(truncated).toBase64Url() + "\",\"digits\":6,\"expiresAt\":\"2030-01-01T00:00:00Z\"}");
                verifier.push("request", "{\"requestId\":\"r3\",\"tenantId\":\"shop\",\"userId\":\"alice\",\"offset\":\""
                        + offset("alice").encode().toBase64Url() + "\",\"digits\":6,\"expiresAt\":\"2030-01-01T00:00:00Z\"}");
                assertThat(refused.poll(WAIT.toSeconds(), TimeUnit.SECONDS).getMessage()).contains("r1", "mallory");
                assertThat(refused.poll(WAIT.toSeconds(), TimeUnit.SECONDS).getMessage()).contains("r2", "decode");
                assertThat(refused.poll(WAIT.toSeconds(), TimeUnit.SECONDS).getMessage()).contains("r3", "shop");
                assertThat(got).isEmpty();
            }
        }
    }

    @Test
    void streamReconnectsAfterADropAndPollingCatchesRequestsMadeMeanwhile() throws Exception {
        try (OobAuthenticator auth = enrol()) {
            BlockingQueue<PendingRequest> got = new LinkedBlockingQueue<>();
            try (PushStream s = auth.openStream(got::add, FAST)) {
                awaitStreams(1);
                verifier.dropStreams();
                // Created while no stream is open: only polling (fallback or catch-up on reconnect) can deliver it.
                ServerAuthCode code = verifier.createRequest(offset("alice"), 6);
                PendingRequest r = got.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(r).isNotNull();
                assertThat(r.code()).isEqualTo(code);
                awaitStreams(1);
                verifier.createRequest(offset("alice"), 6);
                PendingRequest second = got.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(second).isNotNull();
                assertThat(second.requestId()).isNotEqualTo(r.requestId());
                // Delivered once each, whichever route carried them.
                assertThat(got.poll(300, TimeUnit.MILLISECONDS)).isNull();
            }
        }
    }

    @Test
    void pendingRequestShowsTimeLeftAndNeverNegative() throws Exception {
        try (OobAuthenticator auth = enrol()) {
            verifier.createRequest(offset("alice"), 6);
            PendingRequest r = auth.pending().get(0);
            Clock at = Clock.fixed(r.expiresAt().minusSeconds(42), ZoneOffset.UTC);
            assertThat(r.timeLeft(at.instant())).isEqualTo(Duration.ofSeconds(42));
            assertThat(r.timeLeft(r.expiresAt().plusSeconds(5))).isZero();
            assertThat(r.expired(r.expiresAt())).isTrue();
        }
    }

    private void awaitStreams(int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (verifier.openStreams() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(verifier.openStreams()).isGreaterThanOrEqualTo(n);
    }
}
