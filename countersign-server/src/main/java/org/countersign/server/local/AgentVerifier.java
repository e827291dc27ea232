package org.countersign.server.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.sig.EcP256PublicKey;
import org.countersign.core.sig.SignatureEncoding;
import org.countersign.core.sig.SignatureFormatException;
import org.countersign.server.local.LocalFailure.Reason;

/**
 * Verifies the messages of the Countersign native agent (27553-1 Annex A with the agent of 6.2.3). The agent signs
 * the exact bytes of a small JSON document; the server checks those bytes, then parses them, so that what was
 * signed is what is read.
 */
final class AgentVerifier {
    static final String REGISTRATION_TYPE = "countersign.agent.registration";
    static final String AUTHENTICATION_TYPE = "countersign.agent.authentication";

    /** What the agent claims about its local biometric system; trusted only under a trusted attestation. */
    record AgentAssurance(String modality, Double fmr, Boolean pad, Double apcer, Double bpcer,
            String credentialProtection, Integer transformLevel) {}

    /** Signed registration document (A.3.2 step g). */
    record RegistrationData(String type, String challenge, String rpId, String origin, String userId, String credentialId,
            String publicKey, String algorithm, String referenceId, AgentAssurance assurance) {}

    /** Signed authentication document (A.3.3 step g): challenge plus the transaction text shown to the user. */
    record AssertionData(String type, String challenge, String rpId, String origin, String credentialId, long counter,
            String transactionText, boolean userVerified) {}

    record Registered(String credentialId, ByteArray spki, String referenceId, AssuranceVector assurance) {}

    record Asserted(long counter) {}

    private final ObjectMapper json;
    private final Clock clock;

    AgentVerifier(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    Registered verifyRegistration(LocalStore.PendingCeremony ceremony, LocalPolicy policy, Set<String> origins,
            ByteArray signed,
            ByteArray credentialSignature, ByteArray attestationSignature, List<String> chainBase64) {
        RegistrationData d = parse(signed, RegistrationData.class);
        if (!REGISTRATION_TYPE.equals(d.type())) {
            throw new LocalFailure(Reason.BAD_TYPE, "registration data has the wrong type");
        }
        checkChallenge(ceremony, d.challenge());
        if (!ceremony.rpId().equals(d.rpId())) {
            throw new LocalFailure(Reason.BAD_RP_ID, "the agent registered for a different relying-party id");
        }
        checkOrigin(origins, d.origin());
        if (!ceremony.userId().equals(d.userId())) {
            throw new LocalFailure(Reason.WRONG_USER, "the registration names a different user");
        }
        if (!"ES256".equals(d.algorithm())) {
            throw new LocalFailure(Reason.UNSUPPORTED_ALGORITHM, "only ES256 (ECDSA P-256) agent credentials are accepted");
        }
        if (d.credentialId() == null || !d.credentialId().matches("[A-Za-z0-9_-]{16,128}")) {
            throw new LocalFailure(Reason.MALFORMED, "credentialId must be 16-128 base64url characters");
        }
        String referenceId = d.referenceId() == null ? "" : d.referenceId();
        if (referenceId.length() > 128 || !referenceId.matches("[A-Za-z0-9_-]*")) {
            throw new LocalFailure(Reason.MALFORMED, "referenceId must be at most 128 base64url characters");
        }
        EcP256PublicKey key = publicKey(decode(d.publicKey(), "publicKey"));
        // Proof of possession: the new key signs the same document, so nobody can register a key they do not hold.
        verify(key, signed, credentialSignature, Reason.BAD_SIGNATURE, "the credential key's signature does not verify");

        AssuranceVector.Attestation status;
        if (chainBase64 == null || chainBase64.isEmpty()) {
            if (!policy.allowNoneAttestation()) {
                throw new LocalFailure(Reason.NONE_ATTESTATION_REFUSED,
                        "this relying party requires an attested agent (27553-1 C.1.2 proof keys)");
            }
            status = AssuranceVector.Attestation.NONE;
        } else {
            List<X509Certificate> chain = certificates(chainBase64);
            // The attestation key is the public key of the leaf that the path validation just accepted, nothing
            // else the agent sent (SR-B-6: a certificate slipped in front of a genuine chain must not sign).
            X509Certificate leaf = validateChain(chain, policy.roots());
            EcP256PublicKey attestationKey;
            try {
                attestationKey = EcP256PublicKey.fromSpki(ByteArray.copyOf(leaf.getPublicKey().getEncoded()));
            } catch (SignatureFormatException e) {
                throw new LocalFailure(Reason.UNSUPPORTED_ALGORITHM, "the attestation key must be ECDSA P-256");
            }
            verify(attestationKey, signed, attestationSignature, Reason.BAD_ATTESTATION,
                    "the attestation signature does not verify");
            status = AssuranceVector.Attestation.TRUSTED;
        }
        return new Registered(d.credentialId(), key.spki(), referenceId, assurance(d.assurance(), status));
    }

    Asserted verifyAssertion(LocalStore.PendingCeremony ceremony, LocalStore.StoredCredential credential,
            Set<String> origins, ByteArray signed, ByteArray signature) {
        AssertionData d = parse(signed, AssertionData.class);
        if (!AUTHENTICATION_TYPE.equals(d.type())) {
            throw new LocalFailure(Reason.BAD_TYPE, "assertion data has the wrong type");
        }
        checkChallenge(ceremony, d.challenge());
        if (!ceremony.rpId().equals(d.rpId())) {
            throw new LocalFailure(Reason.BAD_RP_ID, "the assertion names a different relying-party id");
        }
        checkOrigin(origins, d.origin());
        if (!credential.credentialId().equals(d.credentialId())) {
            throw new LocalFailure(Reason.UNKNOWN_CREDENTIAL, "the assertion names a different credential");
        }
        if (!ceremony.transactionText().equals(d.transactionText() == null ? "" : d.transactionText())) {
            throw new LocalFailure(Reason.TRANSACTION_MISMATCH, "the signed transaction text differs from the one issued");
        }
        EcP256PublicKey key = publicKey(credential.publicKey());
        verify(key, signed, signature, Reason.BAD_SIGNATURE, "the signature does not verify");
        // Checked after the signature so that the flag is the agent's own statement, not an attacker's.
        if (!d.userVerified()) {
            throw new LocalFailure(Reason.USER_NOT_VERIFIED, "the agent did not verify the user locally");
        }
        if (d.counter() <= credential.signCount()) {
            throw new LocalFailure(Reason.COUNTER_REGRESSION,
                    "the signature counter did not increase: the credential may have been copied to another device");
        }
        return new Asserted(d.counter());
    }

    private static AssuranceVector assurance(AgentAssurance a, AssuranceVector.Attestation status) {
        if (a == null || status != AssuranceVector.Attestation.TRUSTED) {
            // SR-M-8: what an unattested agent says about itself is only a claim; the vector records none of it,
            // so "attestation: none" travels with unknown FMR, PAD, protection and modality.
            return new AssuranceVector(null, AssuranceVector.Pad.UNKNOWN, AssuranceVector.Protection.UNKNOWN,
                    null, null, status);
        }
        try {
            if (a.credentialProtection() != null) {
                AssuranceVector.Protection.parse(a.credentialProtection()); // still refuse nonsense
            }
            // SR-M-15: the Countersign agent keeps its key in a software key store and its attestation key is a
            // software key as well, so nothing it signs can prove a secure element. Whatever it claims, the
            // vector says software; a hardware-backed value can only come from a verified platform attestation.
            return new AssuranceVector(a.fmr(), new AssuranceVector.Pad(Boolean.TRUE.equals(a.pad()), a.apcer(), a.bpcer()),
                    AssuranceVector.Protection.SOFTWARE, a.modality(), a.transformLevel(), status);
        } catch (IllegalArgumentException e) {
            throw new LocalFailure(Reason.MALFORMED, "assurance: " + e.getMessage());
        }
    }

    /**
     * SR-C-3: the agent signs the origin (or app id) of whoever called it, as its platform reports it; only the
     * tenant's own allowed origins are accepted, so a relaying app or page cannot forward a challenge. Checked
     * before the signature like the other members: a forged value fails there anyway.
     */
    private static void checkOrigin(Set<String> origins, String origin) {
        if (origin == null || !origins.contains(origin)) {
            throw new LocalFailure(Reason.BAD_ORIGIN, "the agent was called from an origin this relying party does not allow");
        }
    }

    private void checkChallenge(LocalStore.PendingCeremony ceremony, String challenge) {
        if (challenge == null || !ceremony.challenge().constantTimeEquals(decode(challenge, "challenge"))) {
            throw new LocalFailure(Reason.BAD_CHALLENGE, "the response answers a different challenge");
        }
    }

    private <T> T parse(ByteArray bytes, Class<T> type) {
        try {
            T value = json.readValue(bytes.toByteArray(), type);
            if (value == null) {
                throw new LocalFailure(Reason.MALFORMED, "signed data is empty");
            }
            return value;
        } catch (IOException e) {
            throw new LocalFailure(Reason.MALFORMED, "signed data is not the expected JSON document");
        }
    }

    static ByteArray decode(String b64url, String field) {
        if (b64url == null) {
            throw new LocalFailure(Reason.MALFORMED, field + " is missing");
        }
        try {
            return ByteArray.fromBase64Url(b64url);
        } catch (IllegalArgumentException e) {
            throw new LocalFailure(Reason.MALFORMED, field + " is not base64url");
        }
    }

    private static EcP256PublicKey publicKey(ByteArray spki) {
        try {
            return EcP256PublicKey.fromSpki(spki);
        } catch (SignatureFormatException e) {
            throw new LocalFailure(e.reason() == SignatureFormatException.Reason.KEY_NOT_P256
                    ? Reason.UNSUPPORTED_ALGORITHM : Reason.MALFORMED,
                    e.reason() == SignatureFormatException.Reason.KEY_NOT_P256
                            ? "only ECDSA P-256 keys are accepted" : "the public key cannot be decoded");
        }
    }

    private static void verify(EcP256PublicKey key, ByteArray message, ByteArray signature, Reason reason, String detail) {
        boolean ok;
        try {
            ok = signature != null && key.verify(message, signature, SignatureEncoding.DER);
        } catch (SignatureFormatException e) {
            ok = false;
        }
        if (!ok) {
            throw new LocalFailure(reason, detail);
        }
    }

    private static List<X509Certificate> certificates(List<String> chainBase64) {
        if (chainBase64.size() > 5) {
            throw new LocalFailure(Reason.MALFORMED, "attestation chain longer than 5 certificates");
        }
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (String c : chainBase64) {
                out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(c))));
            }
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new LocalFailure(Reason.MALFORMED, "attestation chain holds an unreadable certificate");
        }
        return out;
    }

    /**
     * Validates exactly the chain the agent presented, leaf first, and returns that leaf. The only certificate
     * that may be dropped is a last one that is itself one of the tenant's trusted roots (agents often append it);
     * any other self-issued certificate, above all a self-issued leaf, is refused, because trust must come from the
     * tenant's policy and the signing key must be the one the path vouches for (27553-1 C.1.2 proof keys).
     */
    private X509Certificate validateChain(List<X509Certificate> chain, List<X509Certificate> roots) {
        if (roots.isEmpty()) {
            throw new LocalFailure(Reason.UNTRUSTED_ATTESTATION, "this relying party trusts no attestation root");
        }
        List<X509Certificate> path = new ArrayList<>(chain);
        X509Certificate last = path.get(path.size() - 1);
        if (path.size() > 1 && selfIssued(last) && roots.contains(last)) {
            path.remove(path.size() - 1);
        }
        for (X509Certificate c : path) {
            if (selfIssued(c)) {
                throw new LocalFailure(Reason.UNTRUSTED_ATTESTATION,
                        "the attestation chain holds a self-issued certificate that is not a trusted root at its end");
            }
        }
        X509Certificate leaf = path.get(0);
        if (leaf.getBasicConstraints() >= 0) {
            throw new LocalFailure(Reason.UNTRUSTED_ATTESTATION, "the attestation leaf is a CA certificate");
        }
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            roots.forEach(r -> anchors.add(new TrustAnchor(r, null)));
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
            return leaf;
        } catch (GeneralSecurityException e) {
            throw new LocalFailure(Reason.UNTRUSTED_ATTESTATION,
                    "the attestation does not chain to a root this relying party trusts");
        }
    }

    private static boolean selfIssued(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }
}
