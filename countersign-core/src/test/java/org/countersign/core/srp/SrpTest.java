package org.countersign.core.srp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.testkit.TestVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class SrpTest {
    static final SecureRandom RANDOM = new SecureRandom();
    static final SrpParameters TEST_1024 = new SrpParameters(SrpGroup.RFC5054_1024, SrpDigest.SHA1);

    static SecretBytes pw(String s) {
        return SecretBytes.copyOf(s.getBytes(StandardCharsets.UTF_8));
    }

    static BigInteger hex(JsonNode n, String field) {
        return new BigInteger(n.get(field).asText(), 16);
    }

    // ---- RFC 5054 Appendix B (1024-bit group, SHA-1) ----

    static JsonNode rfc() throws Exception {
        try (InputStream in = TestVectors.open(TestVectors.SRP_RFC5054)) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void RFC5054_AppendixB_groupMatchesFile() throws Exception {
        JsonNode f = rfc();
        assertThat(SrpGroup.RFC5054_1024.params().getN()).isEqualTo(hex(f, "N"));
        assertThat(SrpGroup.RFC5054_1024.params().getG()).isEqualTo(hex(f, "g"));
    }

    @Test
    void RFC5054_AppendixB_xvkuAreReproduced() throws Exception {
        JsonNode f = rfc();
        IndependentSrp ind = IndependentSrp.of(TEST_1024);
        byte[] salt = ByteArray.fromHex(f.get("s").asText()).toByteArray();
        BigInteger x = ind.x(salt, f.get("I").asText(), f.get("P").asText());
        assertThat(x).isEqualTo(hex(f, "x"));
        assertThat(ind.k()).isEqualTo(hex(f, "k"));
        assertThat(ind.u(hex(f, "A"), hex(f, "B"))).isEqualTo(hex(f, "u"));
        SrpVerifier v = SrpVerifier.create(TEST_1024, f.get("I").asText(), pw(f.get("P").asText()), ByteArray.copyOf(salt));
        assertThat(new BigInteger(1, v.verifier().toByteArray())).isEqualTo(hex(f, "v"));
    }

    @Test
    void RFC5054_AppendixB_sessionsReproduceABAndS() throws Exception {
        JsonNode f = rfc();
        ByteArray salt = ByteArray.fromHex(f.get("s").asText());
        SrpVerifier v = SrpVerifier.create(TEST_1024, f.get("I").asText(), pw(f.get("P").asText()), salt);
        SrpClientSession client = SrpClientSession.startWithPrivateValue(TEST_1024, f.get("I").asText(),
                pw(f.get("P").asText()), salt, hex(f, "a"));
        SrpServerSession server = SrpServerSession.resume(v,
                SecretBytes.copyOf(ByteArray.fromHex(f.get("b").asText()).toByteArray()));
        assertThat(new BigInteger(1, client.clientPublicA().toByteArray())).isEqualTo(hex(f, "A"));
        assertThat(new BigInteger(1, server.serverPublicB().toByteArray())).isEqualTo(hex(f, "B"));

        // S is internal to the sessions; M1 = H(PAD(A) | PAD(B) | PAD(S)) pins it to the RFC premaster secret.
        IndependentSrp ind = IndependentSrp.of(TEST_1024);
        BigInteger s = hex(f, "premaster_secret_S");
        ByteArray m1 = client.computeProof(server.serverPublicB());
        assertThat(m1.toByteArray()).isEqualTo(ind.m1(hex(f, "A"), hex(f, "B"), s));
        SrpServerProof proof = server.verifyClient(client.clientPublicA(), m1);
        assertThat(proof.serverProofM2().toByteArray()).isEqualTo(ind.m2(hex(f, "A"), m1.toByteArray(), s));
        assertThat(proof.sessionKey().revealForCrypto()).isEqualTo(ind.key(s));
        assertThat(client.verifyServer(proof.serverProofM2())).isEqualTo(proof.sessionKey());
        // and the independent formulas agree with the RFC's S from both sides
        BigInteger x = ind.x(salt.toByteArray(), f.get("I").asText(), f.get("P").asText());
        BigInteger u = hex(f, "u");
        assertThat(ind.sClient(hex(f, "B"), x, hex(f, "a"), u)).isEqualTo(s);
        assertThat(ind.sServer(hex(f, "A"), hex(f, "v"), u, hex(f, "b"))).isEqualTo(s);
    }

    // ---- our own vectors for M1, M2, K (docs/srp.md) ----

    static List<JsonNode> ownVectors() throws Exception {
        try (InputStream in = SrpTest.class.getResourceAsStream("/vectors/srp-countersign-v1.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<JsonNode> out = new ArrayList<>();
            root.get("vectors").forEach(v -> out.add(((com.fasterxml.jackson.databind.node.ObjectNode) v.deepCopy())
                    .put("identity", root.get("identity").asText()).put("password", root.get("password").asText())));
            return out;
        }
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("ownVectors")
    void countersignVectors_sessionsReproduceEveryValue(JsonNode t) throws Exception {
        SrpParameters p = new SrpParameters(SrpGroup.valueOf(t.get("group").asText()), SrpDigest.SHA256);
        ByteArray salt = ByteArray.fromHex(t.get("salt").asText());
        String id = t.get("identity").asText();
        SecretBytes password = pw(t.get("password").asText());
        SrpVerifier v = SrpVerifier.create(p, id, password, salt);
        assertThat(v.verifier().toHex()).isEqualToIgnoringCase(t.get("v").asText());
        SrpServerSession server = SrpServerSession.resume(v, SecretBytes.copyOf(ByteArray.fromHex(t.get("b").asText()).toByteArray()));
        SrpClientSession client = SrpClientSession.startWithPrivateValue(p, id, password, salt, hex(t, "a"));
        assertThat(client.clientPublicA().toHex()).isEqualToIgnoringCase(t.get("A").asText());
        assertThat(server.serverPublicB().toHex()).isEqualToIgnoringCase(t.get("B").asText());
        ByteArray m1 = client.computeProof(server.serverPublicB());
        assertThat(m1.toHex()).isEqualToIgnoringCase(t.get("M1").asText());
        SrpServerProof proof = server.verifyClient(client.clientPublicA(), m1);
        assertThat(proof.serverProofM2().toHex()).isEqualToIgnoringCase(t.get("M2").asText());
        assertThat(ByteArray.copyOf(client.verifyServer(proof.serverProofM2()).revealForCrypto()).toHex())
                .isEqualToIgnoringCase(t.get("K").asText());
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("ownVectors")
    void countersignVectors_crossCheckedWithBigIntegerAndMessageDigest(JsonNode t) {
        SrpParameters p = new SrpParameters(SrpGroup.valueOf(t.get("group").asText()), SrpDigest.SHA256);
        IndependentSrp ind = IndependentSrp.of(p);
        byte[] salt = ByteArray.fromHex(t.get("salt").asText()).toByteArray();
        BigInteger x = ind.x(salt, t.get("identity").asText(), t.get("password").asText());
        BigInteger v = ind.v(x);
        BigInteger a = hex(t, "a");
        BigInteger b = hex(t, "b");
        BigInteger bigA = ind.bigA(a);
        BigInteger bigB = ind.bigB(b, v);
        assertThat(v).isEqualTo(hex(t, "v"));
        assertThat(bigA).isEqualTo(hex(t, "A"));
        assertThat(bigB).isEqualTo(hex(t, "B"));
        BigInteger u = ind.u(bigA, bigB);
        BigInteger s = ind.sClient(bigB, x, a, u);
        assertThat(ind.sServer(bigA, v, u, b)).isEqualTo(s);
        byte[] m1 = ind.m1(bigA, bigB, s);
        assertThat(ByteArray.copyOf(m1).toHex()).isEqualToIgnoringCase(t.get("M1").asText());
        assertThat(ByteArray.copyOf(ind.m2(bigA, m1, s)).toHex()).isEqualToIgnoringCase(t.get("M2").asText());
        assertThat(ByteArray.copyOf(ind.key(s)).toHex()).isEqualToIgnoringCase(t.get("K").asText());
    }

    // ---- behaviour and attacks ----

    @ParameterizedTest
    @EnumSource(value = SrpGroup.class, names = {"RFC5054_2048", "RFC5054_3072"})
    void A_G7_handshakeAgreesOnKeyWithoutSendingIt(SrpGroup group) throws Exception {
        SrpParameters p = new SrpParameters(group, SrpDigest.SHA256);
        SrpVerifier v = SrpVerifier.create(p, "bob", pw("s3cret"), RANDOM);
        SrpServerSession server = SrpServerSession.begin(v, RANDOM);
        SrpClientSession client = SrpClientSession.start(p, "bob", pw("s3cret"), server.salt(), RANDOM);
        ByteArray m1 = client.computeProof(server.serverPublicB());
        SrpServerProof proof = server.verifyClient(client.clientPublicA(), m1);
        SecretBytes k = client.verifyServer(proof.serverProofM2());
        assertThat(k).isEqualTo(proof.sessionKey());
        assertThat(k.length()).isEqualTo(32);
        assertThat(server.serverPublicB().length()).isEqualTo(group.byteLength());
    }

    @Test
    void defaultsAre2048BitsAndSha256() {
        assertThat(SrpParameters.DEFAULT.group().bits()).isEqualTo(2048);
        assertThat(SrpParameters.DEFAULT.digest()).isEqualTo(SrpDigest.SHA256);
        assertThat(SrpParameters.DEFAULT.isTestOnly()).isFalse();
        assertThat(TEST_1024.isTestOnly()).isTrue();
        assertThat(SrpGroup.RFC5054_4096.bits()).isEqualTo(4096);
    }

    @Test
    void RFC5054_2_6_wrongPasswordFailsM1() throws Exception {
        SrpParameters p = SrpParameters.DEFAULT;
        SrpVerifier v = SrpVerifier.create(p, "bob", pw("right"), RANDOM);
        SrpServerSession server = SrpServerSession.begin(v, RANDOM);
        SrpClientSession client = SrpClientSession.start(p, "bob", pw("wrong"), server.salt(), RANDOM);
        ByteArray m1 = client.computeProof(server.serverPublicB());
        assertThatThrownBy(() -> server.verifyClient(client.clientPublicA(), m1))
                .isInstanceOfSatisfying(SrpException.class, e -> assertThat(e.reason()).isEqualTo(SrpException.Reason.SRP_BAD_CLIENT_PROOF));
        // the same B may not be used for a second guess
        assertThatThrownBy(() -> server.verifyClient(client.clientPublicA(), m1))
                .isInstanceOfSatisfying(SrpException.class, e -> assertThat(e.reason()).isEqualTo(SrpException.Reason.SRP_STATE));
    }

    @Test
    void RFC5054_2_5_4_tamperedAZeroModNIsRejected() throws Exception {
        SrpParameters p = SrpParameters.DEFAULT;
        SrpVerifier v = SrpVerifier.create(p, "bob", pw("pw"), RANDOM);
        BigInteger n = p.group().params().getN();
        for (BigInteger forged : new BigInteger[] {BigInteger.ZERO, n}) {
            SrpServerSession server = SrpServerSession.begin(v, RANDOM);
            ByteArray a = ByteArray.copyOf(SrpCodec.pad(forged, p));
            assertThatThrownBy(() -> server.verifyClient(a, ByteArray.copyOf(new byte[32])))
                    .isInstanceOfSatisfying(SrpException.class, e -> assertThat(e.reason()).isEqualTo(SrpException.Reason.SRP_BAD_PUBLIC_VALUE));
        }
        SrpServerSession server = SrpServerSession.begin(v, RANDOM);
        ByteArray tooLong = ByteArray.copyOf(new byte[p.group().byteLength() + 1]);
        assertThatThrownBy(() -> server.verifyClient(tooLong, ByteArray.copyOf(new byte[32])))
                .isInstanceOfSatisfying(SrpException.class, e -> assertThat(e.reason()).isEqualTo(SrpException.Reason.SRP_BAD_PUBLIC_VALUE));
    }

    @Test
    void RFC5054_2_5_3_clientRejectsBZeroModNAndForgedM2() throws Exception {
        SrpParameters p = SrpParameters.DEFAULT;
        SrpClientSession c1 = SrpClientSession.start(p, "bob", pw("pw"), ByteArray.copyOf(new byte[32]), RANDOM);
        ByteArray n = ByteArray.copyOf(SrpCodec.pad(p.group().params().getN(), p));
        assertThatThrownBy(() -> c1.computeProof(n))
                .isInstanceOfSatisfying(SrpException.class, e -> assertThat(e.reason()).isEqualTo(SrpException.Reason.SRP_BAD_PUBLIC_VALUE));

        SrpVerifier v = SrpVerifier.create(p, "bob", pw("pw"), RANDOM);
        SrpServerSession server = SrpServerSession.begin(v, RANDOM);
        SrpClientSession client = SrpClientSession.start(p, "bob", pw("pw"), server.salt(), RANDOM);
        client.computeProof(server.serverPublicB());
        assertThatThrownBy(() -> client.verifyServer(ByteArray.copyOf(new byte[32])))
                .isInstanceOfSatisfying(SrpException.class, e -> assertThat(e.reason()).isEqualTo(SrpException.Reason.SRP_BAD_SERVER_PROOF));
    }

    @Test
    void serverStepTwoCanRunOnAnotherNodeFromStoredB() throws Exception {
        SrpParameters p = SrpParameters.DEFAULT;
        SrpVerifier v = SrpVerifier.create(p, "bob", pw("pw"), RANDOM);
        SrpServerSession first = SrpServerSession.begin(v, RANDOM);
        SrpServerSession second = SrpServerSession.resume(v, first.stateForStorage());
        assertThat(second.serverPublicB()).isEqualTo(first.serverPublicB());
        SrpClientSession client = SrpClientSession.start(p, "bob", pw("pw"), first.salt(), RANDOM);
        ByteArray m1 = client.computeProof(first.serverPublicB());
        SrpServerProof proof = second.verifyClient(client.clientPublicA(), m1);
        assertThat(client.verifyServer(proof.serverProofM2())).isEqualTo(proof.sessionKey());
    }

    @Test
    void storedStateAndStoredBAloneResumeToTheSameHandshake() throws Exception {
        SrpParameters p = SrpParameters.DEFAULT;
        SrpVerifier v = SrpVerifier.create(p, "bob", pw("pw"), RANDOM);
        SrpServerSession first = SrpServerSession.begin(v, RANDOM);
        SecretBytes state = first.stateForStorage();
        int n = p.group().byteLength();
        assertThat(state.length()).isEqualTo(2 * n);
        byte[] raw = state.revealForCrypto();
        SrpServerSession fromB = SrpServerSession.resume(v, SecretBytes.copyOf(Arrays.copyOf(raw, n)));
        assertThat(fromB.serverPublicB()).isEqualTo(first.serverPublicB());
        SrpClientSession client = SrpClientSession.start(p, "bob", pw("pw"), first.salt(), RANDOM);
        ByteArray m1 = client.computeProof(first.serverPublicB());
        SrpServerProof viaState = SrpServerSession.resume(v, state).verifyClient(client.clientPublicA(), m1);
        SrpServerProof viaB = fromB.verifyClient(client.clientPublicA(), m1);
        assertThat(viaState.serverProofM2()).isEqualTo(viaB.serverProofM2());
    }

    @Test
    void storedStateWithBOutsideTheGroupIsRefused() {
        SrpParameters p = SrpParameters.DEFAULT;
        SrpVerifier v = SrpVerifier.create(p, "bob", pw("pw"), RANDOM);
        byte[] raw = SrpServerSession.begin(v, RANDOM).stateForStorage().revealForCrypto();
        int n = p.group().byteLength();
        Arrays.fill(raw, n, 2 * n, (byte) 0);
        assertThatThrownBy(() -> SrpServerSession.resume(v, SecretBytes.copyOf(raw)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the group");
    }
}
