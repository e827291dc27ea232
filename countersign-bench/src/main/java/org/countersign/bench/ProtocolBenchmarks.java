package org.countersign.bench;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.channel.ChannelKeys;
import org.countersign.core.channel.SealedMessage;
import org.countersign.core.channel.SecureChannel;
import org.countersign.core.oob.Offset;
import org.countersign.core.oob.ServerAuthCode;
import org.countersign.core.replay.FreshnessPolicy;
import org.countersign.core.sig.EcP256PublicKey;
import org.countersign.core.sig.EcP256Signer;
import org.countersign.core.sig.SignatureEncoding;
import org.countersign.core.srp.SrpClientSession;
import org.countersign.core.srp.SrpDigest;
import org.countersign.core.srp.SrpGroup;
import org.countersign.core.srp.SrpParameters;
import org.countersign.core.srp.SrpServerProof;
import org.countersign.core.srp.SrpServerSession;
import org.countersign.core.srp.SrpVerifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of the protocol primitives on the server's hot paths: one X.1280 code, one ECDSA P-256 verification, the
 * server's share of an SRP-6a handshake, and sealing plus opening a 50 KB capture message. Results in
 * docs/protocol-bench.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProtocolBenchmarks {

    @State(Scope.Benchmark)
    public static class OcraState {
        SecretBytes key;
        Offset offset;

        @Setup
        public void setUp() {
            key = SecretBytes.random(32, new SecureRandom());
            offset = new Offset("203.0.113.10", "sess-4f1c9a7b2e", "198.51.100.7", Optional.of("192.168.1.23"),
                    "Chrome", "131.0.6778.85", "alice@example.com", Instant.parse("2026-01-15T09:30:00Z"));
        }
    }

    /** X.1280 §8.3 code: canonical offset encoding, SHA-256, OCRA HMAC-SHA-256. */
    @Benchmark
    public ServerAuthCode ocraServerAuthCode(OcraState s) {
        return ServerAuthCode.compute(s.key, s.offset, 6);
    }

    @State(Scope.Benchmark)
    public static class EcdsaState {
        EcP256PublicKey key;
        ByteArray message;
        ByteArray signature;

        @Setup
        public void setUp() {
            EcP256Signer signer = EcP256Signer.generate(new SecureRandom());
            key = signer.publicKey();
            message = ByteArray.ofUtf8("approval statement ".repeat(8));
            signature = signer.sign(message, SignatureEncoding.P1363);
        }
    }

    /** ECDSA P-256 verification of a WebCrypto-style (P1363) signature. */
    @Benchmark
    public boolean ecdsaP256Verify(EcdsaState s) throws Exception {
        return s.key.verify(s.message, s.signature, SignatureEncoding.P1363);
    }

    @State(Scope.Benchmark)
    public static class SrpState {
        @Param({"2048", "3072"})
        public int bits;

        SrpVerifier verifier;
        SecretBytes b;
        ByteArray clientA;
        ByteArray clientM1;

        @Setup
        public void setUp() throws Exception {
            SecureRandom random = new SecureRandom();
            SrpParameters p = new SrpParameters(bits == 2048 ? SrpGroup.RFC5054_2048 : SrpGroup.RFC5054_3072, SrpDigest.SHA256);
            SecretBytes password = SecretBytes.copyOf("bench password".getBytes(StandardCharsets.UTF_8));
            verifier = SrpVerifier.create(p, "alice", password, random);
            SrpServerSession first = SrpServerSession.begin(verifier, random);
            b = first.stateForStorage();
            SrpClientSession client = SrpClientSession.start(p, "alice", password, verifier.salt(), random);
            clientA = client.clientPublicA();
            clientM1 = client.computeProof(first.serverPublicB());
        }
    }

    /** Server side of one SRP-6a handshake: B from the verifier, then S, M1 check, M2 and K (three modexps). */
    @Benchmark
    public SrpServerProof srpServerHandshake(SrpState s) throws Exception {
        SrpServerSession server = SrpServerSession.resume(s.verifier, s.b);
        server.serverPublicB();
        return server.verifyClient(s.clientA, s.clientM1);
    }

    @State(Scope.Benchmark)
    public static class ChannelState {
        SecureChannel client;
        SecureChannel server;
        ByteArray body;
        ByteArray nonce;

        @Setup(Level.Trial)
        public void setUp() {
            SecureRandom random = new SecureRandom();
            SecretBytes k = SecretBytes.random(32, random);
            ByteArray session = ByteArray.ofUtf8("bench-session");
            client = SecureChannel.client(ChannelKeys.derive(k, session), session, Clock.systemUTC(), FreshnessPolicy.DEFAULT);
            server = SecureChannel.server(ChannelKeys.derive(k, session), session, Clock.systemUTC(), FreshnessPolicy.DEFAULT);
            byte[] b = new byte[50 * 1024];
            random.nextBytes(b);
            body = ByteArray.copyOf(b);
            byte[] n = new byte[32];
            random.nextBytes(n);
            nonce = ByteArray.copyOf(n);
        }
    }

    /** Seal a 50 KB body, encode to base64url, decode and open it (both ends of one capture upload). */
    @Benchmark
    public ByteArray channelSealOpen50k(ChannelState s) throws Exception {
        SealedMessage m = s.client.seal(7, s.nonce, s.body);
        return s.server.open(SealedMessage.fromBase64Url(m.toBase64Url()), 7, s.nonce);
    }
}
