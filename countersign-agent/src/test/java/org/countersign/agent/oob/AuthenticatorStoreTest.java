package org.countersign.agent.oob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.sig.SignatureEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PIN-protected store (C-S3, X.1280 §9.2.3): round trip, wrong-PIN counting, wipe after five. */
class AuthenticatorStoreTest {
    @TempDir
    Path home;

    private final AuthenticatorInfo info = new AuthenticatorInfo("auth_1", "bank", "Bank", "alice", "laptop",
            URI.create("https://verifier.example:8443"), Optional.of("-----BEGIN CERTIFICATE-----\n..."),
            Instant.parse("2026-11-23T10:00:00Z"));

    private static Pin pin(String s) throws Exception {
        return Pin.of(s.toCharArray());
    }

    private KeyPair enrol(AuthenticatorStore store, SecretBytes vk) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        store.create(info, kp, vk, pin("246810"));
        return kp;
    }

    @Test
    void roundTripKeepsKeysAndMetadata() throws Exception {
        AuthenticatorStore store = AuthenticatorStore.at(home);
        SecretBytes vk = SecretBytes.random(32, new SecureRandom());
        KeyPair kp = enrol(store, vk);

        AuthenticatorStore.Unlocked u = AuthenticatorStore.at(home).open(pin("246810"));
        assertThat(u.info()).isEqualTo(info);
        assertThat(u.verificationKey()).isEqualTo(vk);
        assertThat(u.publicKey().spki()).isEqualTo(ByteArray.copyOf(kp.getPublic().getEncoded()));
        ByteArray msg = ByteArray.ofUtf8("hello");
        assertThat(u.publicKey().verify(msg, u.signer().sign(msg, SignatureEncoding.P1363), SignatureEncoding.P1363)).isTrue();
        // The secrets are in the PKCS#12 only: the JSON beside it holds neither.
        String json = Files.readString(home.resolve(AuthenticatorStore.STATE_FILE));
        assertThat(json).contains("auth_1").doesNotContain(ByteArray.copyOf(vk.revealForCrypto()).toBase64Url())
                .doesNotContain(ByteArray.copyOf(vk.revealForCrypto()).toBase64());
    }

    @Test
    void X1280_9_2_3_wrongPinCountsDownAndSuccessResetsTheCounter() throws Exception {
        AuthenticatorStore store = AuthenticatorStore.at(home);
        enrol(store, SecretBytes.random(32, new SecureRandom()));
        assertThatThrownBy(() -> store.open(pin("000000"))).isInstanceOfSatisfying(OobException.WrongPin.class,
                e -> assertThat(e.attemptsLeft()).isEqualTo(4));
        assertThatThrownBy(() -> store.open(pin("000001"))).isInstanceOfSatisfying(OobException.WrongPin.class,
                e -> assertThat(e.attemptsLeft()).isEqualTo(3));
        // The counter is on disk: a new process (a new store object) sees it.
        assertThat(AuthenticatorStore.at(home).status()).isEqualTo(new AuthenticatorStore.Status.Ready(info, 2));
        store.open(pin("246810"));
        assertThat(store.status()).isEqualTo(new AuthenticatorStore.Status.Ready(info, 0));
    }

    @Test
    void X1280_9_1_3_fifthWrongPinWipesTheKeysAndLocksTheStore() throws Exception {
        AuthenticatorStore store = AuthenticatorStore.at(home);
        enrol(store, SecretBytes.random(32, new SecureRandom()));
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> AuthenticatorStore.at(home).open(pin("999999"))).isInstanceOf(OobException.WrongPin.class);
        }
        assertThatThrownBy(() -> store.open(pin("999999"))).isInstanceOf(OobException.Locked.class)
                .hasMessageContaining("auth_1");
        assertThat(home.resolve(AuthenticatorStore.KEY_STORE_FILE)).doesNotExist();
        assertThat(store.status()).isEqualTo(new AuthenticatorStore.Status.Locked(info));
        // Even the right PIN cannot open it now.
        assertThatThrownBy(() -> store.open(pin("246810"))).isInstanceOf(OobException.Locked.class);
        // Re-enrolment is the way out.
        enrol(store, SecretBytes.random(32, new SecureRandom()));
        assertThat(store.open(pin("246810")).info()).isEqualTo(info);
    }

    @Test
    void secondEnrolmentIntoTheSameFolderIsRefusedUntilForgotten() throws Exception {
        AuthenticatorStore store = AuthenticatorStore.at(home);
        enrol(store, SecretBytes.random(32, new SecureRandom()));
        assertThatThrownBy(() -> enrol(store, SecretBytes.random(32, new SecureRandom())))
                .isInstanceOf(OobException.BadInput.class).hasMessageContaining("already enrolled");
        store.forget();
        assertThat(store.status()).isInstanceOf(AuthenticatorStore.Status.NotEnrolled.class);
        assertThatThrownBy(() -> store.open(pin("246810"))).isInstanceOf(OobException.NotEnrolled.class);
    }

    @Test
    void shortPinsAreRefused() {
        assertThatThrownBy(() -> Pin.of("1234".toCharArray())).isInstanceOf(OobException.BadInput.class);
        assertThat(pinText()).doesNotContain("123456");
    }

    private static String pinText() {
        try {
            return Pin.of("123456".toCharArray()).toString();
        } catch (OobException.BadInput e) {
            throw new AssertionError(e);
        }
    }
}
