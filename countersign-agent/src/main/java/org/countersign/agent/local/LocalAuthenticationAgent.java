package org.countersign.agent.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.countersign.agent.local.AgentException.Reason;
import org.countersign.agent.local.AgentMessages.AssertionResponse;
import org.countersign.agent.local.AgentMessages.AuthenticationChallenge;
import org.countersign.agent.local.AgentMessages.Deregistration;
import org.countersign.agent.local.AgentMessages.RegistrationChallenge;
import org.countersign.agent.local.AgentMessages.RegistrationResponse;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.face.FaceEngine;
import org.countersign.biometrics.face.FacePad;
import org.countersign.biometrics.protect.ProtectedTemplate;
import org.countersign.biometrics.protect.TemplateProtector;
import org.countersign.biometrics.protect.TransformKey;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.pki.IssuedCertificate;

/**
 * The device side of 27553-1 Annex A for one relying party. Each registration enrols a fresh face reference under
 * its own renewable transform (so references for different credentials are unlinkable, Table C.2 level 3), makes an
 * ECDSA P-256 key in a PKCS#12 store, and has the registration attested by the agent's attestation key (Annex C
 * proof keys).
 *
 * <p>The key gate is code, not cryptography (SR-M-11): the PKCS#12 password is derived from the comparison inputs
 * (transform key and protected reference) and is computed only on the path that follows a match. No release secret
 * is stored. Whoever can read both the vault and its device key file can derive the password without a face; a
 * software agent cannot prevent that, which is why it reports {@code credentialProtection: software}.
 *
 * <p>Before acting, the agent checks that the challenge is signed by the pinned Countersign key (SR-C-5), and it
 * signs the origin of the app or page that called it, as the host platform reports it, so the server can refuse a
 * relaying app (SR-C-3). Nothing biometric leaves: the responses hold a public key, identifiers, claims about the
 * local system and signatures (SR-B-3). Comparison scores stay inside {@link #verifyLocally}.
 */
public final class LocalAuthenticationAgent implements AutoCloseable {
    static final String REGISTRATION_TYPE = "countersign.agent.registration";
    static final String AUTHENTICATION_TYPE = "countersign.agent.authentication";
    static final String SERVER_REGISTRATION_TYPE = "countersign.server.registration-challenge";
    static final String SERVER_AUTHENTICATION_TYPE = "countersign.server.authentication-challenge";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TemplateProtector PROTECTOR = TemplateProtector.faceDefaults();

    private final AgentSettings settings;
    private final IssuedCertificate attestation;
    private final FaceEngine engine;
    private final FacePad pad;
    private final DeviceVault vault;
    private final SecureRandom random;
    private final Clock clock;
    private final double threshold;

    /** Per-credential state, sealed in the vault. */
    record State(String credentialId, String rpId, String userId, String referenceId, long counter, int failures,
            boolean locked) {}

    /** The challenge as the server signed it; the only copy the agent acts on. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record ServerChallenge(String type, String challenge, String rpId, String userId, List<String> credentialIds,
            String transactionText, String expiresAt) {}

    public LocalAuthenticationAgent(AgentSettings settings, IssuedCertificate attestation, FaceEngine engine,
            SecureRandom random, Clock clock) throws AgentException {
        this.settings = settings;
        this.attestation = attestation;
        this.engine = engine;
        this.pad = FacePad.sharing(engine.analyzer());
        this.vault = new DeviceVault(settings.directory(), settings.deviceKeyFile(), random);
        this.random = random;
        this.clock = clock;
        this.threshold = engine.thresholdForFalseMatchRate(settings.targetFmr());
    }

    // ------------------------------------------------------------------ A.3.2 registration, device side

    /**
     * @param origin the web origin or app id of the caller, as the host platform establishes it (never as the
     *               caller states it); it is signed into the response and checked by the server
     */
    public RegistrationResponse register(RegistrationChallenge message, String origin, ByteArray faceImage)
            throws AgentException {
        // e. Check the registration challenge: signed by our server, our relying party, not expired, a user.
        ServerChallenge challenge = serverSigned(message.signedChallenge(), message.serverSignature(),
                SERVER_REGISTRATION_TYPE);
        checkChallenge(challenge.rpId(), challenge.expiresAt(), challenge.challenge());
        checkOrigin(origin);
        if (challenge.userId() == null || challenge.userId().isBlank()) {
            throw new AgentException(Reason.CHALLENGE_INVALID, "the challenge names no user");
        }
        // e-f. Enrol locally: presentation-attack check, quality-gated extraction, renewable protection.
        Template template = capture(faceImage);
        TransformKey transformKey = TransformKey.generate(random);
        ProtectedTemplate reference;
        try {
            reference = PROTECTOR.protect(template, transformKey);
        } catch (BiometricException e) {
            throw new AgentException(Reason.SAMPLE_REJECTED, e.getMessage(), e);
        }
        // g. Generate the credential key pair and bind it to the biometric gate.
        String credentialId = randomId(32);
        String referenceId = randomId(16);
        KeyPair keys = newKeyPair();
        byte[] referenceBytes = reference.encode().toByteArray();
        byte[] transformSecret = transformKey.secret().revealForCrypto();
        vault.put(credentialId, "reference", referenceBytes);
        vault.put(credentialId, "transform-key", transformSecret);
        vault.put(credentialId, "credential.p12", pkcs12(keys, storePassword(transformSecret, referenceBytes)));
        saveState(new State(credentialId, challenge.rpId(), challenge.userId(), referenceId, 0, 0, false));

        // g. The registration response: public key, reference id, claims about the local system, signatures.
        Map<String, Object> assurance = new LinkedHashMap<>();
        assurance.put("modality", "face");
        assurance.put("fmr", settings.targetFmr());
        assurance.put("pad", true);
        assurance.put("apcer", settings.padApcer());
        assurance.put("bpcer", settings.padBpcer());
        assurance.put("credentialProtection", "software"); // honest: a sealed PKCS#12 file, not a TEE
        assurance.put("transformLevel", 3); // TemplateProtector: renewable (27553-1 Table C.2)
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", REGISTRATION_TYPE);
        data.put("challenge", challenge.challenge());
        data.put("rpId", challenge.rpId());
        data.put("origin", origin);
        data.put("userId", challenge.userId());
        data.put("credentialId", credentialId);
        data.put("publicKey", b64(keys.getPublic().getEncoded()));
        data.put("algorithm", "ES256");
        data.put("referenceId", referenceId);
        data.put("assurance", assurance);
        byte[] signed = json(data);
        List<String> chain = new ArrayList<>();
        for (X509Certificate c : attestation.chain()) {
            try {
                chain.add(Base64.getEncoder().encodeToString(c.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new AgentException(Reason.STORAGE, "attestation certificate unreadable", e);
            }
        }
        return new RegistrationResponse(b64(signed), b64(sign(keys.getPrivate(), signed)),
                b64(sign(attestation.privateKey(), signed)), chain);
    }

    // ------------------------------------------------------------------ A.3.3 authentication, device side

    /** @param origin as for {@link #register}: the caller's origin or app id as the platform establishes it */
    public AssertionResponse authenticate(AuthenticationChallenge message, String origin, ByteArray faceImage)
            throws AgentException {
        // e. Check the challenge (signed by our server, our RP, fresh) and find our credential among those allowed.
        ServerChallenge challenge = serverSigned(message.signedChallenge(), message.serverSignature(),
                SERVER_AUTHENTICATION_TYPE);
        checkChallenge(challenge.rpId(), challenge.expiresAt(), challenge.challenge());
        checkOrigin(origin);
        State state = null;
        for (String id : challenge.credentialIds() == null ? List.<String>of() : challenge.credentialIds()) {
            if (id.matches("[A-Za-z0-9_-]{16,128}") && vault.exists(id)) {
                state = loadState(id);
                break;
            }
        }
        if (state == null || !state.rpId().equals(challenge.rpId())) {
            throw new AgentException(Reason.UNKNOWN_CREDENTIAL, "no credential on this device answers the challenge");
        }
        // f. Local biometric verification; only a match releases the key (SR-M-11).
        PrivateKey key = unlock(state, faceImage).getPrivateKey();
        State used = new State(state.credentialId(), state.rpId(), state.userId(), state.referenceId(),
                state.counter() + 1, 0, false);
        saveState(used);
        // g. Sign the challenge together with the transaction text the user saw.
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", AUTHENTICATION_TYPE);
        data.put("challenge", challenge.challenge());
        data.put("rpId", challenge.rpId());
        data.put("origin", origin);
        data.put("credentialId", used.credentialId());
        data.put("counter", used.counter());
        data.put("transactionText", challenge.transactionText() == null ? "" : challenge.transactionText());
        data.put("userVerified", true);
        byte[] signed = json(data);
        return new AssertionResponse(used.credentialId(), b64(signed), b64(sign(key, signed)));
    }

    // ------------------------------------------------------------------ renewal (B-F4, ISO/IEC 24745 renewability)

    /**
     * Replaces the protected reference with one made from a fresh capture under a new transform key, after a
     * successful local match. The old code and key are overwritten, so a leaked copy of the old reference no
     * longer matches anything this device produces (27553-1 Table C.2 level 3: revocable). The reference id and the
     * credential key stay: the server's record does not change.
     */
    public void renewReference(String credentialId, ByteArray faceImage) throws AgentException {
        if (credentialId == null || !credentialId.matches("[A-Za-z0-9_-]{16,128}") || !vault.exists(credentialId)) {
            throw new AgentException(Reason.UNKNOWN_CREDENTIAL, "no such credential on this device");
        }
        State state = loadState(credentialId);
        KeyStore.PrivateKeyEntry entry = unlock(state, faceImage); // same gate, same lockout as an authentication
        Template fresh = capture(faceImage);
        TransformKey newKey = TransformKey.generate(random);
        byte[] newReference;
        try {
            newReference = PROTECTOR.protect(fresh, newKey).encode().toByteArray();
        } catch (BiometricException e) {
            throw new AgentException(Reason.SAMPLE_REJECTED, e.getMessage(), e);
        }
        byte[] newSecret = newKey.secret().revealForCrypto();
        // The key store's password follows the comparison inputs, so it is re-wrapped with them.
        byte[] store = pkcs12(entry, storePassword(newSecret, newReference));
        vault.put(credentialId, "reference", newReference);
        vault.put(credentialId, "transform-key", newSecret);
        vault.put(credentialId, "credential.p12", store);
        saveState(new State(state.credentialId(), state.rpId(), state.userId(), state.referenceId(), state.counter(),
                0, false));
    }

    // ------------------------------------------------------------------ A.3.4 deregistration, device side

    /** e. Deletes the credential's keys, reference and state from the device (SR-B-5). */
    public void deregister(Deregistration result) throws AgentException {
        if (result.credentialId() == null || !result.credentialId().matches("[A-Za-z0-9_-]{16,128}")) {
            throw new AgentException(Reason.UNKNOWN_CREDENTIAL, "not a credential id");
        }
        vault.erase(result.credentialId());
    }

    public List<String> credentialIds() throws AgentException {
        return vault.credentialIds();
    }

    /** Whether the credential is locked after too many failed local verifications. */
    public boolean isLocked(String credentialId) throws AgentException {
        return loadState(credentialId).locked();
    }

    @Override
    public void close() {
        pad.close();
    }

    // ------------------------------------------------------------------ the biometric gate

    private KeyStore.PrivateKeyEntry unlock(State state, ByteArray faceImage) throws AgentException {
        if (state.locked()) {
            throw new AgentException(Reason.LOCKED, "too many failed verifications; register this device again");
        }
        boolean match;
        try {
            match = verifyLocally(state.credentialId(), faceImage);
        } catch (AgentException e) {
            if (e.reason() == Reason.PRESENTATION_ATTACK) {
                recordFailure(state); // an attack counts towards the lockout like a non-match
            }
            throw e;
        }
        if (!match) {
            State after = recordFailure(state);
            throw new AgentException(after.locked() ? Reason.LOCKED : Reason.NO_MATCH,
                    after.locked() ? "too many failed verifications; the credential is now locked"
                            : "the face did not match; " + (settings.maxFailures() - after.failures()) + " attempts left");
        }
        // Only after a match: the password is derived from the inputs the comparison just used.
        byte[] secret = vault.get(state.credentialId(), "transform-key");
        try {
            char[] password = storePassword(secret, vault.get(state.credentialId(), "reference"));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(vault.get(state.credentialId(), "credential.p12")), password);
            return (KeyStore.PrivateKeyEntry) ks.getEntry("credential", new KeyStore.PasswordProtection(password));
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new AgentException(Reason.STORAGE, "the credential key store cannot be opened", e);
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }

    /** Compares in the protected domain; the score never leaves this method. */
    private boolean verifyLocally(String credentialId, ByteArray faceImage) throws AgentException {
        Template probe = capture(faceImage);
        try {
            ProtectedTemplate reference = ProtectedTemplate.decode(ByteArray.copyOf(vault.get(credentialId, "reference")));
            TransformKey key = TransformKey.of(SecretBytes.copyOf(vault.get(credentialId, "transform-key")));
            return PROTECTOR.compare(probe, reference, key) >= threshold;
        } catch (BiometricException e) {
            throw new AgentException(Reason.SAMPLE_REJECTED, e.getMessage(), e);
        }
    }

    private Template capture(ByteArray faceImage) throws AgentException {
        try {
            if (pad.attackScore(faceImage) >= settings.padThreshold()) {
                throw new AgentException(Reason.PRESENTATION_ATTACK, "the sample looks like a presentation attack");
            }
            return engine.extract(faceImage);
        } catch (BiometricException e) {
            throw new AgentException(Reason.SAMPLE_REJECTED, e.getMessage(), e);
        }
    }

    private State recordFailure(State s) throws AgentException {
        int failures = s.failures() + 1;
        State after = new State(s.credentialId(), s.rpId(), s.userId(), s.referenceId(), s.counter(), failures,
                failures >= settings.maxFailures());
        saveState(after);
        return after;
    }

    // ------------------------------------------------------------------ helpers

    /** SR-C-5: the challenge must verify under the pinned server key; then only the signed copy is read. */
    private ServerChallenge serverSigned(String signedB64, String signatureB64, String type) throws AgentException {
        byte[] signed;
        byte[] signature;
        try {
            signed = Base64.getUrlDecoder().decode(signedB64 == null ? "" : signedB64);
            signature = Base64.getUrlDecoder().decode(signatureB64 == null ? "" : signatureB64);
        } catch (IllegalArgumentException e) {
            throw new AgentException(Reason.SERVER_NOT_AUTHENTIC, "the challenge's server signature is malformed");
        }
        boolean ok;
        try {
            Signature v = Signature.getInstance("SHA256withECDSA");
            v.initVerify(settings.serverKey());
            v.update(signed);
            ok = signed.length > 0 && v.verify(signature);
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (!ok) {
            throw new AgentException(Reason.SERVER_NOT_AUTHENTIC,
                    "the challenge is not signed by the server this app was set up with");
        }
        ServerChallenge c;
        try {
            c = JSON.readValue(signed, ServerChallenge.class);
        } catch (IOException e) {
            throw new AgentException(Reason.CHALLENGE_INVALID, "the signed challenge is malformed");
        }
        if (c == null || !type.equals(c.type())) {
            throw new AgentException(Reason.CHALLENGE_INVALID, "the signed challenge is of another kind");
        }
        return c;
    }

    /**
     * SR-C-3, as a WebAuthn client does: the caller must be an https origin on the RP id or one of its subdomains.
     * The server then requires the exact origin to be one the tenant allows.
     */
    private void checkOrigin(String origin) throws AgentException {
        java.net.URI u;
        try {
            u = origin == null ? null : new java.net.URI(origin);
        } catch (java.net.URISyntaxException e) {
            u = null;
        }
        String host = u == null ? null : u.getHost();
        boolean ok = u != null && "https".equals(u.getScheme()) && host != null
                && (u.getPath() == null || u.getPath().isEmpty()) && u.getQuery() == null && u.getUserInfo() == null
                && (host.equals(settings.rpId()) || host.endsWith("." + settings.rpId()));
        if (!ok) {
            throw new AgentException(Reason.ORIGIN_REFUSED, "the calling origin does not belong to " + settings.rpId());
        }
    }

    private void checkChallenge(String rpId, String expiresAt, String challenge) throws AgentException {
        if (!settings.rpId().equals(rpId)) {
            throw new AgentException(Reason.CHALLENGE_INVALID, "the challenge is for another relying party");
        }
        try {
            if (expiresAt == null || !clock.instant().isBefore(Instant.parse(expiresAt))) {
                throw new AgentException(Reason.CHALLENGE_INVALID, "the challenge has expired");
            }
            if (challenge == null || Base64.getUrlDecoder().decode(challenge).length < 16) {
                throw new AgentException(Reason.CHALLENGE_INVALID, "the challenge is too short");
            }
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new AgentException(Reason.CHALLENGE_INVALID, "the challenge is malformed");
        }
    }

    private State loadState(String credentialId) throws AgentException {
        try {
            return JSON.readValue(vault.get(credentialId, "state"), State.class);
        } catch (IOException e) {
            throw new AgentException(Reason.STORAGE, "credential state unreadable", e);
        }
    }

    private void saveState(State s) throws AgentException {
        vault.put(s.credentialId(), "state", json(s));
    }

    /**
     * PKCS#12 password = HMAC-SHA-256(transform key, label || protected reference): the two inputs of the face
     * comparison, opened on the gate's path. Not a cryptographic binding to the face (see the class comment).
     */
    private static char[] storePassword(byte[] transformSecret, byte[] reference) throws AgentException {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(transformSecret, "HmacSHA256"));
            mac.update("countersign-agent credential store v2".getBytes(StandardCharsets.US_ASCII));
            byte[] p = mac.doFinal(reference);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(p).toCharArray();
        } catch (GeneralSecurityException e) {
            throw new AgentException(Reason.STORAGE, "HMAC-SHA-256 unavailable", e);
        }
    }

    private static byte[] pkcs12(KeyStore.PrivateKeyEntry entry, char[] password) throws AgentException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("credential", entry.getPrivateKey(), password, entry.getCertificateChain());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ks.store(out, password);
            return out.toByteArray();
        } catch (IOException | GeneralSecurityException e) {
            throw new AgentException(Reason.STORAGE, "cannot re-wrap the credential key store", e);
        }
    }

    private byte[] pkcs12(KeyPair keys, char[] password) throws AgentException {
        try {
            // PKCS#12 stores a private key only with a certificate; a self-signed one carries nothing else.
            Instant now = clock.instant();
            X500Name name = new X500Name("CN=countersign-agent credential");
            var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, random).setBit(62),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(3650))), name,
                    keys.getPublic());
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("credential", keys.getPrivate(), password, new Certificate[] {cert});
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ks.store(out, password);
            return out.toByteArray();
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new AgentException(Reason.STORAGE, "cannot create the credential key store", e);
        }
    }

    private KeyPair newKeyPair() throws AgentException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AgentException(Reason.STORAGE, "EC P-256 unavailable", e);
        }
    }

    private static byte[] sign(PrivateKey key, byte[] data) throws AgentException {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new AgentException(Reason.STORAGE, "signing failed", e);
        }
    }

    private static byte[] json(Object value) throws AgentException {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new AgentException(Reason.STORAGE, "cannot encode", e);
        }
    }

    private String randomId(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return b64(b);
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
