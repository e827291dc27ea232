package org.countersign.agent.oob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.sig.EcP256PublicKey;
import org.countersign.core.sig.EcP256Signer;
import org.countersign.core.sig.SignatureFormatException;

/**
 * The authenticator's state in one folder (C-F1, C-S3):
 * <ul>
 *   <li>{@code authenticator.p12}: a PKCS#12 key store whose password is the user's PIN, holding the device's
 *       ECDSA P-256 private key (entry {@code device-key}, with a self-signed certificate because PKCS#12 keeps
 *       private keys only with a chain) and the verification key of X.1280 §8.1 (entry {@code verification-key}).
 *       Both secrets are needed to answer a request, and both sit behind the PIN.</li>
 *   <li>{@code authenticator.json}: ids, names, verifier URL and CA, and the count of wrong PINs.</li>
 * </ul>
 *
 * <h2>Why wipe after five wrong PINs</h2>
 * X.1280 §9.1.3 is a stolen authenticator; §9.2.3 answers it with a PIN or biometric inside the authenticator.
 * A four-to-six-digit PIN is only a barrier if guesses are few, so the fifth wrong PIN in a row destroys the key
 * store instead of slowing guesses down: a thief with the phone gets five tries, the owner re-enrols through the
 * relying party (which proved their identity once already, §8.1 step 2) and revokes the old entry. The counter is
 * raised <em>before</em> each attempt and reset after a success, so killing the process mid-attempt buys no free
 * guesses. What this cannot stop: someone who copies {@code authenticator.p12} off the device can guess offline
 * against the PKCS#12 MAC; on a phone the app sandbox or a hardware key store is the barrier, here a long passphrase.
 */
public final class AuthenticatorStore {
    /** Wrong PINs in a row that wipe the store. */
    public static final int MAX_PIN_FAILURES = 5;
    static final String KEY_STORE_FILE = "authenticator.p12";
    static final String STATE_FILE = "authenticator.json";
    private static final String LOCK_FILE = ".lock";
    private static final String DEVICE_KEY = "device-key";
    private static final String VERIFICATION_KEY = "verification-key";
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;

    private AuthenticatorStore(Path home) {
        this.home = home;
    }

    public static AuthenticatorStore at(Path home) {
        return new AuthenticatorStore(Objects.requireNonNull(home, "home").toAbsolutePath().normalize());
    }

    public Path home() {
        return home;
    }

    /** Where the store stands, readable without the PIN. */
    public sealed interface Status {
        record NotEnrolled() implements Status {}

        record Ready(AuthenticatorInfo info, int failedPinAttempts) implements Status {}

        /** Wiped after {@link #MAX_PIN_FAILURES} wrong PINs; {@code info} names the authenticator to revoke. */
        record Locked(AuthenticatorInfo info) implements Status {}
    }

    /** The opened store: the device key and verification key in memory until {@link #destroy()}. */
    public static final class Unlocked {
        private final AuthenticatorInfo info;
        private final EcP256Signer signer;
        private final SecretBytes verificationKey;

        Unlocked(AuthenticatorInfo info, EcP256Signer signer, SecretBytes verificationKey) {
            this.info = info;
            this.signer = signer;
            this.verificationKey = verificationKey;
        }

        public AuthenticatorInfo info() {
            return info;
        }

        public EcP256PublicKey publicKey() {
            return signer.publicKey();
        }

        EcP256Signer signer() {
            return signer;
        }

        SecretBytes verificationKey() {
            return verificationKey;
        }

        public void destroy() {
            verificationKey.destroy();
        }

        @Override
        public String toString() {
            return "Unlocked(" + info.authenticatorId() + ")";
        }
    }

    public synchronized Status status() throws OobException.StoreFailure {
        Optional<State> s = readState();
        if (s.isEmpty()) {
            return new Status.NotEnrolled();
        }
        return s.get().locked ? new Status.Locked(s.get().info) : new Status.Ready(s.get().info, s.get().failedPins);
    }

    /**
     * Writes a freshly enrolled authenticator. Refuses when one is already enrolled here (the user must
     * {@link #forget()} it first), but replaces a locked one: re-enrolment is the way out of a lockout.
     */
    synchronized void create(AuthenticatorInfo info, KeyPair deviceKey, SecretBytes verificationKey, Pin pin)
            throws OobException.StoreFailure, OobException.BadInput {
        try {
            Files.createDirectories(home);
            restrict(home, "rwx------");
            try (Held ignored = lock()) {
                Optional<State> existing = readState();
                if (existing.isPresent() && !existing.get().locked) {
                    throw new OobException.BadInput("an authenticator is already enrolled in " + home
                            + " (" + existing.get().info.authenticatorId() + "); forget it first");
                }
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                char[] pw = pin.revealForKeyStore();
                try {
                    KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(pw);
                    ks.setEntry(DEVICE_KEY, new KeyStore.PrivateKeyEntry(deviceKey.getPrivate(),
                            new Certificate[] {selfSigned(deviceKey)}), protection);
                    byte[] vk = verificationKey.revealForCrypto();
                    ks.setEntry(VERIFICATION_KEY, new KeyStore.SecretKeyEntry(new SecretKeySpec(vk, "HmacSHA256")),
                            protection);
                    java.util.Arrays.fill(vk, (byte) 0);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    ks.store(out, pw);
                    writeAtomically(home.resolve(KEY_STORE_FILE), out.toByteArray());
                } finally {
                    java.util.Arrays.fill(pw, '\0');
                }
                writeState(new State(info, 0, false));
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new OobException.StoreFailure("cannot write the authenticator store in " + home, e);
        }
    }

    /**
     * Opens the key store with the PIN (X.1280 §9.2.3). A wrong PIN raises the persisted counter; the
     * {@value #MAX_PIN_FAILURES}th wrong PIN in a row wipes the key store and leaves the store {@link Status.Locked}.
     */
    public synchronized Unlocked open(Pin pin) throws OobException {
        Objects.requireNonNull(pin, "pin");
        try (Held ignored = lock()) {
            State state = readState().orElseThrow(() -> new OobException.NotEnrolled(home));
            if (state.locked) {
                throw lockedError(state.info);
            }
            // Count the attempt before trying it, so a crash or kill during the attempt still counts.
            int attempt = state.failedPins + 1;
            writeState(new State(state.info, attempt, false));
            KeyStore ks;
            char[] pw = pin.revealForKeyStore();
            try {
                ks = KeyStore.getInstance("PKCS12");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JDK lacks PKCS#12", e);
            }
            try {
                ks.load(new ByteArrayInputStream(Files.readAllBytes(home.resolve(KEY_STORE_FILE))), pw);
            } catch (IOException e) {
                if (!(e.getCause() instanceof UnrecoverableKeyException)) {
                    throw new OobException.StoreFailure("cannot read " + home.resolve(KEY_STORE_FILE), e);
                }
                if (attempt >= MAX_PIN_FAILURES) {
                    wipeKeyStore();
                    writeState(new State(state.info, attempt, true));
                    throw lockedError(state.info);
                }
                throw new OobException.WrongPin(MAX_PIN_FAILURES - attempt);
            } catch (GeneralSecurityException e) {
                throw new OobException.StoreFailure("cannot read " + home.resolve(KEY_STORE_FILE), e);
            }
            try {
                KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(pw);
                var deviceEntry = (KeyStore.PrivateKeyEntry) ks.getEntry(DEVICE_KEY, protection);
                var vkEntry = (KeyStore.SecretKeyEntry) ks.getEntry(VERIFICATION_KEY, protection);
                if (deviceEntry == null || vkEntry == null) {
                    throw new OobException.StoreFailure("the key store lacks its entries", null);
                }
                EcP256PublicKey pub = EcP256PublicKey.fromSpki(org.countersign.core.bytes.ByteArray.copyOf(
                        deviceEntry.getCertificate().getPublicKey().getEncoded()));
                EcP256Signer signer = EcP256Signer.of((ECPrivateKey) deviceEntry.getPrivateKey(), pub);
                byte[] vk = vkEntry.getSecretKey().getEncoded();
                SecretBytes verificationKey = SecretBytes.copyOf(vk);
                java.util.Arrays.fill(vk, (byte) 0);
                writeState(new State(state.info, 0, false));
                return new Unlocked(state.info, signer, verificationKey);
            } catch (GeneralSecurityException | SignatureFormatException | ClassCastException e) {
                throw new OobException.StoreFailure("the key store in " + home + " is damaged", e);
            } finally {
                java.util.Arrays.fill(pw, '\0');
            }
        } catch (IOException e) {
            throw new OobException.StoreFailure("cannot use the authenticator store in " + home, e);
        }
    }

    /** Removes this authenticator from the device. The verifier still lists it: revoke it at the relying party. */
    public synchronized void forget() throws OobException.StoreFailure {
        try {
            if (!Files.isDirectory(home)) {
                return;
            }
            try (Held ignored = lock()) {
                wipeKeyStore();
                Files.deleteIfExists(home.resolve(STATE_FILE));
            }
            Files.deleteIfExists(home.resolve(LOCK_FILE));
        } catch (IOException e) {
            throw new OobException.StoreFailure("cannot remove the authenticator store in " + home, e);
        }
    }

    private OobException.Locked lockedError(AuthenticatorInfo info) {
        return new OobException.Locked("the authenticator was wiped after " + MAX_PIN_FAILURES
                + " wrong PINs; enrol again, and ask " + info.tenantName() + " to revoke " + info.authenticatorId());
    }

    /** Overwrites the key store before deleting it, so the ciphertext is not left for offline guessing. */
    private void wipeKeyStore() throws IOException {
        Path p12 = home.resolve(KEY_STORE_FILE);
        if (Files.exists(p12)) {
            byte[] noise = new byte[(int) Files.size(p12)];
            new SecureRandom().nextBytes(noise);
            Files.write(p12, noise, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.delete(p12);
        }
    }

    /** Serialises counter updates between processes sharing the folder (two shells running the CLI). */
    private Held lock() throws IOException {
        Files.createDirectories(home);
        FileChannel ch = FileChannel.open(home.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return new Held(ch, ch.lock());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private record Held(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }

    private record State(AuthenticatorInfo info, int failedPins, boolean locked) {}

    private Optional<State> readState() throws OobException.StoreFailure {
        Path f = home.resolve(STATE_FILE);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(f.toFile());
            if (n.path("format").asInt() != FORMAT) {
                throw new OobException.StoreFailure("unknown store format in " + f, null);
            }
            AuthenticatorInfo info = new AuthenticatorInfo(req(n, "authenticatorId"), req(n, "tenantId"),
                    req(n, "tenantName"), req(n, "userId"), req(n, "deviceName"), URI.create(req(n, "server")),
                    n.hasNonNull("caPem") ? Optional.of(n.get("caPem").asText()) : Optional.empty(),
                    Instant.parse(req(n, "enrolledAt")));
            return Optional.of(new State(info, n.path("failedPinAttempts").asInt(), n.path("locked").asBoolean()));
        } catch (IOException | RuntimeException e) {
            throw new OobException.StoreFailure("cannot read " + f, e);
        }
    }

    private static String req(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return v.asText();
    }

    private void writeState(State s) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("authenticatorId", s.info.authenticatorId());
        n.put("tenantId", s.info.tenantId());
        n.put("tenantName", s.info.tenantName());
        n.put("userId", s.info.userId());
        n.put("deviceName", s.info.deviceName());
        n.put("server", s.info.server().toString());
        s.info.caPem().ifPresent(p -> n.put("caPem", p));
        n.put("enrolledAt", s.info.enrolledAt().toString());
        n.put("failedPinAttempts", s.failedPins);
        n.put("locked", s.locked);
        writeAtomically(home.resolve(STATE_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    }

    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, content, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        restrict(tmp, "rw-------");
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void restrict(Path p, String perms) throws IOException {
        if (Files.getFileStore(p).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        }
    }

    /** PKCS#12 keeps a private key only with a certificate chain; this certificate carries no trust. */
    private static X509Certificate selfSigned(KeyPair kp) throws GeneralSecurityException {
        try {
            X500Name name = new X500Name("CN=Countersign OOB authenticator device key");
            Instant now = Instant.now();
            var b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(36500))), name,
                    kp.getPublic());
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
