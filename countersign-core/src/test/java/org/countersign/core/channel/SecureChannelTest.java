package org.countersign.core.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.channel.ChannelException.Reason;
import org.countersign.core.replay.FreshnessPolicy;
import org.junit.jupiter.api.BeforeEach;
import org.countersign.testkit.TestClock;
import org.junit.jupiter.api.Test;

class SecureChannelTest {
    static final int CAPTURE = 7;
    static final ByteArray SESSION = ByteArray.ofUtf8("session-1");
    static final ByteArray NONCE = ByteArray.fromHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    static final ByteArray BODY = ByteArray.ofUtf8("{\"frames\":[...]}");

    TestClock clock;
    SecretBytes srpKey;
    SecureChannel client;
    SecureChannel server;

    @BeforeEach
    void setUp() {
        clock = TestClock.frozenAt(Instant.parse("2026-02-01T10:00:00Z"));
        srpKey = SecretBytes.random(32, new SecureRandom());
        client = SecureChannel.client(ChannelKeys.derive(srpKey, SESSION), SESSION, clock, FreshnessPolicy.DEFAULT);
        server = SecureChannel.server(ChannelKeys.derive(srpKey, SESSION), SESSION, clock, FreshnessPolicy.DEFAULT);
    }

    static void assertReason(ThrowingRunnable r, Reason reason) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(ChannelException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void X1279_9_4_roundTripBothDirections() throws Exception {
        SealedMessage up = client.seal(CAPTURE, NONCE, BODY);
        assertThat(up.ciphertext().length()).isEqualTo(BODY.length() + 16);
        assertThat(server.open(up, CAPTURE, NONCE)).isEqualTo(BODY);
        SealedMessage down = server.seal(8, ByteArray.ofUtf8("decision"));
        assertThat(client.open(down, 8, null)).isEqualTo(ByteArray.ofUtf8("decision"));
        assertThat(server.lastReceivedSequence()).isEqualTo(1);
        assertThat(client.lastSentSequence()).isEqualTo(1);
    }

    @Test
    void transportEncodingRoundTrips() throws Exception {
        SealedMessage up = client.seal(CAPTURE, NONCE, BODY);
        SealedMessage viaJson = SealedMessage.fromBase64Url(up.toBase64Url());
        assertThat(viaJson).isEqualTo(up);
        assertThat(up.toBase64Url()).doesNotContain("=", "+", "/");
        assertThat(server.open(viaJson, CAPTURE, NONCE)).isEqualTo(BODY);
    }

    @Test
    void A_G3_replayedMessageIsRefused() throws Exception {
        SealedMessage up = client.seal(CAPTURE, NONCE, BODY);
        server.open(up, CAPTURE, NONCE);
        assertReason(() -> server.open(up, CAPTURE, NONCE), Reason.CHANNEL_REPLAY);
    }

    @Test
    void A_G3_reorderedMessageIsRefused() throws Exception {
        SealedMessage first = client.seal(CAPTURE, NONCE, BODY);
        SealedMessage second = client.seal(CAPTURE, NONCE, BODY);
        server.open(second, CAPTURE, NONCE);
        assertReason(() -> server.open(first, CAPTURE, NONCE), Reason.CHANNEL_REPLAY);
    }

    @Test
    void A_G8_tamperingWithAnyAuthenticatedFieldFails() throws Exception {
        SealedMessage m = client.seal(CAPTURE, NONCE, BODY);
        byte[] ct = m.ciphertext().toByteArray();
        ct[0] ^= 1;
        byte[] tag = m.ciphertext().toByteArray();
        tag[tag.length - 1] ^= 1;
        java.util.List<UnaryOperator<SealedMessage>> edits = java.util.List.of(
                x -> new SealedMessage(x.sessionId(), x.direction(), x.sequence(), x.messageType(), x.serverNonce(), x.timestamp(), ByteArray.copyOf(ct)),
                x -> new SealedMessage(x.sessionId(), x.direction(), x.sequence(), x.messageType(), x.serverNonce(), x.timestamp(), ByteArray.copyOf(tag)),
                x -> new SealedMessage(x.sessionId(), x.direction(), x.sequence() + 1, x.messageType(), x.serverNonce(), x.timestamp(), x.ciphertext()),
                x -> new SealedMessage(x.sessionId(), x.direction(), x.sequence(), x.messageType(), x.serverNonce(), x.timestamp().minusSeconds(1), x.ciphertext()),
                x -> new SealedMessage(x.sessionId(), x.direction(), x.sequence(), x.messageType(), ByteArray.fromHex("01"), x.timestamp(), x.ciphertext()));
        for (UnaryOperator<SealedMessage> edit : edits) {
            SealedMessage forged = edit.apply(m);
            // receiver does not pin the nonce here, so only the tag can catch the changed header
            assertReason(() -> server.open(forged, CAPTURE, null), Reason.CHANNEL_TAMPERED);
        }
        assertThat(server.lastReceivedSequence()).isZero(); // forgeries did not move the window
        assertThat(server.open(m, CAPTURE, NONCE)).isEqualTo(BODY);
    }

    @Test
    void A_G8_flippedBitInEncodingIsCaught() throws Exception {
        SealedMessage m = client.seal(CAPTURE, NONCE, BODY);
        byte[] wire = m.encode().toByteArray();
        int typeOffset = 1 + 1 + 1 + SESSION.length() + 8;
        wire[typeOffset + 1] ^= 1; // message type 7 -> 6
        SealedMessage forged = SealedMessage.decode(ByteArray.copyOf(wire));
        assertReason(() -> server.open(forged, 6, null), Reason.CHANNEL_TAMPERED);
    }

    @Test
    void A_G9_otherSessionKeyCannotOpen() throws Exception {
        SecureChannel stranger = SecureChannel.client(ChannelKeys.derive(SecretBytes.random(32, new SecureRandom()), SESSION),
                SESSION, clock, FreshnessPolicy.DEFAULT);
        SealedMessage m = stranger.seal(CAPTURE, NONCE, BODY);
        assertReason(() -> server.open(m, CAPTURE, NONCE), Reason.CHANNEL_TAMPERED);
    }

    @Test
    void A_G9_keysDifferPerDirectionAndSession() {
        ChannelKeys k1 = ChannelKeys.derive(srpKey, SESSION);
        ChannelKeys k2 = ChannelKeys.derive(srpKey, ByteArray.ofUtf8("session-2"));
        assertThat(k1.clientToServer()).isNotEqualTo(k1.serverToClient());
        assertThat(k1.clientToServer()).isNotEqualTo(k2.clientToServer());
        assertThat(ChannelKeys.derive(srpKey, SESSION)).isEqualTo(k1);
    }

    @Test
    void wrongSessionDirectionTypeAndNonceAreRefused() throws Exception {
        SealedMessage m = client.seal(CAPTURE, NONCE, BODY);
        SecureChannel otherSession = SecureChannel.server(ChannelKeys.derive(srpKey, SESSION), ByteArray.ofUtf8("session-2"),
                clock, FreshnessPolicy.DEFAULT);
        assertReason(() -> otherSession.open(m, CAPTURE, NONCE), Reason.CHANNEL_WRONG_SESSION);
        SecureChannel otherClient = SecureChannel.client(ChannelKeys.derive(srpKey, SESSION), SESSION, clock, FreshnessPolicy.DEFAULT);
        assertReason(() -> otherClient.open(m, CAPTURE, NONCE), Reason.CHANNEL_WRONG_DIRECTION); // reflection
        assertReason(() -> server.open(m, CAPTURE + 1, NONCE), Reason.CHANNEL_WRONG_TYPE);
        assertReason(() -> server.open(m, CAPTURE, ByteArray.fromHex("00")), Reason.CHANNEL_WRONG_NONCE);
        assertThat(server.open(m, CAPTURE, NONCE)).isEqualTo(BODY);
    }

    @Test
    void A_G3_staleAndFutureTimestampsAreRefused() throws Exception {
        SealedMessage old = client.seal(CAPTURE, NONCE, BODY);
        clock.advance(FreshnessPolicy.DEFAULT.maxAge().plusSeconds(1));
        assertReason(() -> server.open(old, CAPTURE, NONCE), Reason.CHANNEL_STALE);

        SecureChannel fastClock = SecureChannel.client(ChannelKeys.derive(srpKey, SESSION), SESSION,
                TestClock.frozenAt(clock.instant().plus(Duration.ofMinutes(5))), FreshnessPolicy.DEFAULT);
        SealedMessage future = fastClock.seal(CAPTURE, NONCE, BODY);
        assertReason(() -> server.open(future, CAPTURE, NONCE), Reason.CHANNEL_STALE);
    }

    @Test
    void gcmNonceIsUniquePerDirectionAndSequence() {
        assertThat(SecureChannel.nonce(Direction.CLIENT_TO_SERVER, 1)).isNotEqualTo(SecureChannel.nonce(Direction.SERVER_TO_CLIENT, 1));
        assertThat(SecureChannel.nonce(Direction.CLIENT_TO_SERVER, 1)).isNotEqualTo(SecureChannel.nonce(Direction.CLIENT_TO_SERVER, 2));
        assertThat(SecureChannel.nonce(Direction.CLIENT_TO_SERVER, 1)).hasSize(12);
    }

    @Test
    void resumedEndpointKeepsTheReplayWindow() throws Exception {
        SealedMessage first = client.seal(CAPTURE, NONCE, BODY);
        server.open(first, CAPTURE, NONCE);
        SecureChannel restarted = SecureChannel.resume(ChannelKeys.derive(srpKey, SESSION), SESSION, Direction.SERVER_TO_CLIENT,
                clock, FreshnessPolicy.DEFAULT, server.lastSentSequence(), server.lastReceivedSequence());
        assertReason(() -> restarted.open(first, CAPTURE, NONCE), Reason.CHANNEL_REPLAY);
        assertThat(restarted.open(client.seal(CAPTURE, NONCE, BODY), CAPTURE, NONCE)).isEqualTo(BODY);
    }

    @Test
    void exhaustedSequenceRefusesToSeal() {
        SecureChannel end = SecureChannel.resume(ChannelKeys.derive(srpKey, SESSION), SESSION, Direction.CLIENT_TO_SERVER,
                clock, FreshnessPolicy.DEFAULT, Long.MAX_VALUE, 0);
        assertReason(() -> end.seal(CAPTURE, BODY), Reason.CHANNEL_EXHAUSTED);
    }

    @Test
    void malformedEncodingsAreRefused() throws Exception {
        byte[] wire = client.seal(CAPTURE, NONCE, BODY).encode().toByteArray();
        byte[] trailing = java.util.Arrays.copyOf(wire, wire.length + 1);
        assertReason(() -> SealedMessage.decode(ByteArray.copyOf(trailing)), Reason.CHANNEL_MALFORMED);
        byte[] v2 = wire.clone();
        v2[0] = 2;
        assertReason(() -> SealedMessage.decode(ByteArray.copyOf(v2)), Reason.CHANNEL_MALFORMED);
        byte[] truncated = java.util.Arrays.copyOf(wire, 20);
        assertReason(() -> SealedMessage.decode(ByteArray.copyOf(truncated)), Reason.CHANNEL_MALFORMED);
        byte[] badDirection = wire.clone();
        badDirection[1] = 9;
        assertReason(() -> SealedMessage.decode(ByteArray.copyOf(badDirection)), Reason.CHANNEL_MALFORMED);
        byte[] zeroSeq = wire.clone();
        java.util.Arrays.fill(zeroSeq, 3 + SESSION.length(), 3 + SESSION.length() + 8, (byte) 0);
        assertReason(() -> SealedMessage.decode(ByteArray.copyOf(zeroSeq)), Reason.CHANNEL_MALFORMED);
        assertReason(() -> SealedMessage.fromBase64Url("***"), Reason.CHANNEL_MALFORMED);
        assertReason(() -> SealedMessage.decode(ByteArray.empty()), Reason.CHANNEL_MALFORMED);
    }

    @Test
    void fiftyKilobyteBodyRoundTrips() throws Exception {
        byte[] big = new byte[50 * 1024];
        new SecureRandom().nextBytes(big);
        SealedMessage m = client.seal(CAPTURE, NONCE, ByteArray.copyOf(big));
        assertThat(server.open(SealedMessage.fromBase64Url(m.toBase64Url()), CAPTURE, NONCE)).isEqualTo(ByteArray.copyOf(big));
    }
}
