package org.countersign.server.local;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.anchor.TrustAnchorRepository;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.statement.AttestationStatement;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.CertificateBaseAttestationStatement;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.attestation.statement.androidkey.AndroidKeyAttestationStatementVerifier;
import com.webauthn4j.verifier.attestation.statement.apple.AppleAnonymousAttestationStatementVerifier;
import com.webauthn4j.verifier.attestation.statement.none.NoneAttestationStatementVerifier;
import com.webauthn4j.verifier.attestation.statement.packed.PackedAttestationStatementVerifier;
import com.webauthn4j.verifier.attestation.statement.tpm.TPMAttestationStatementVerifier;
import com.webauthn4j.verifier.attestation.statement.u2f.FIDOU2FAttestationStatementVerifier;
import com.webauthn4j.verifier.attestation.trustworthiness.certpath.DefaultCertPathTrustworthinessVerifier;
import com.webauthn4j.verifier.attestation.trustworthiness.self.DefaultSelfAttestationTrustworthinessVerifier;
import com.webauthn4j.verifier.exception.BadAlgorithmException;
import com.webauthn4j.verifier.exception.BadAttestationStatementException;
import com.webauthn4j.verifier.exception.BadChallengeException;
import com.webauthn4j.verifier.exception.BadOriginException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.BadSignatureException;
import com.webauthn4j.verifier.exception.BadTopOriginException;
import com.webauthn4j.verifier.exception.CertificateException;
import com.webauthn4j.verifier.exception.ConstraintViolationException;
import com.webauthn4j.verifier.exception.CrossOriginException;
import com.webauthn4j.verifier.exception.InconsistentClientDataTypeException;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.MissingChallengeException;
import com.webauthn4j.verifier.exception.NotAllowedAlgorithmException;
import com.webauthn4j.verifier.exception.SelfAttestationProhibitedException;
import com.webauthn4j.verifier.exception.TrustAnchorNotFoundException;
import com.webauthn4j.verifier.exception.UserNotPresentException;
import com.webauthn4j.verifier.exception.UserNotVerifiedException;
import com.webauthn4j.verifier.exception.VerificationException;
import java.security.cert.TrustAnchor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.local.LocalFailure.Reason;

/**
 * WebAuthn verification through webauthn4j, with user verification REQUIRED: the UV flag is the only evidence a
 * browser gives that the platform's biometric (or PIN) gate was passed, so an assertion without it is refused
 * (27553-1 A.3.3 step g: the key is used only after local verification).
 */
final class WebAuthnVerifier {
    /** ES256 first (what platform authenticators make), then EdDSA and RS256. Anything else is refused. */
    static final List<Long> ALGORITHMS = List.of(-7L, -8L, -257L);

    private final ObjectConverter converter = new ObjectConverter();
    private final AttestedCredentialDataConverter credentialConverter = new AttestedCredentialDataConverter(converter);

    /** What a verified registration yields. */
    record Registered(String credentialId, ByteArray attestedCredentialData, long signCount, String aaguid,
            AssuranceVector.Attestation attestation) {}

    Registered verifyRegistration(ByteArray challenge, String rpId, Set<String> origins, LocalPolicy policy,
            ByteArray clientDataJson, ByteArray attestationObject, Set<String> transports) {
        WebAuthnManager manager = manager(policy);
        RegistrationRequest request = new RegistrationRequest(attestationObject.toByteArray(),
                clientDataJson.toByteArray(), null, transports);
        List<PublicKeyCredentialParameters> params = ALGORITHMS.stream()
                .map(a -> new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY,
                        COSEAlgorithmIdentifier.create(a)))
                .toList();
        RegistrationParameters parameters = new RegistrationParameters(serverProperty(origins, rpId, challenge), params,
                true, true);
        RegistrationData parsed;
        try {
            parsed = manager.parse(request);
        } catch (RuntimeException e) {
            // webauthn4j reports bad CBOR, COSE or JSON as several unchecked types (its own and Jackson's)
            throw new LocalFailure(Reason.MALFORMED, "the attestation response cannot be decoded");
        }
        RegistrationData data;
        try {
            data = manager.verify(parsed, parameters);
        } catch (DataConversionException | IllegalArgumentException | NullPointerException e) {
            throw new LocalFailure(Reason.MALFORMED, "the attestation response cannot be decoded");
        } catch (VerificationException e) {
            throw failure(e, Reason.BAD_ATTESTATION);
        }
        if (data.getAttestationObject() == null || data.getAttestationObject().getAuthenticatorData()
                .getAttestedCredentialData() == null) {
            throw new LocalFailure(Reason.MALFORMED, "the attestation object carries no credential");
        }
        AttestationStatement statement = data.getAttestationObject().getAttestationStatement();
        AssuranceVector.Attestation status;
        if (statement instanceof NoneAttestationStatement) {
            status = AssuranceVector.Attestation.NONE;
        } else if (statement instanceof CertificateBaseAttestationStatement cert && cert.getX5c() != null
                && !cert.getX5c().isEmpty()) {
            status = AssuranceVector.Attestation.TRUSTED; // the cert path verifier accepted the chain
        } else {
            status = AssuranceVector.Attestation.SELF;
        }
        if (status != AssuranceVector.Attestation.TRUSTED && !policy.allowNoneAttestation()) {
            throw new LocalFailure(Reason.NONE_ATTESTATION_REFUSED,
                    "this relying party requires an attestation from a trusted root (27553-1 C.1.2 proof keys)");
        }
        AttestedCredentialData acd = data.getAttestationObject().getAuthenticatorData().getAttestedCredentialData();
        return new Registered(ByteArray.copyOf(acd.getCredentialId()).toBase64Url(),
                ByteArray.copyOf(credentialConverter.convert(acd)), data.getAttestationObject().getAuthenticatorData()
                        .getSignCount(), acd.getAaguid() == null ? "" : acd.getAaguid().toString(), status);
    }

    /** Verifies an assertion against the stored credential; returns the authenticator's new signature counter. */
    long verifyAssertion(ByteArray challenge, String rpId, Set<String> origins, ByteArray storedCredentialData,
            long storedCount, ByteArray credentialId, ByteArray clientDataJson, ByteArray authenticatorData,
            ByteArray signature, ByteArray userHandle) {
        AttestedCredentialData acd = credentialConverter.convert(storedCredentialData.toByteArray());
        CredentialRecordImpl record = new CredentialRecordImpl(new NoneAttestationStatement(), null, null, null,
                storedCount, acd, null, null, null, null);
        AuthenticationRequest request = new AuthenticationRequest(credentialId.toByteArray(),
                userHandle == null ? null : userHandle.toByteArray(), authenticatorData.toByteArray(),
                clientDataJson.toByteArray(), null, signature.toByteArray());
        AuthenticationParameters parameters = new AuthenticationParameters(serverProperty(origins, rpId, challenge),
                record, List.of(credentialId.toByteArray()), true, true);
        WebAuthnManager manager = manager(LocalPolicy.DEFAULT);
        AuthenticationData parsed;
        try {
            parsed = manager.parse(request);
        } catch (RuntimeException e) {
            throw new LocalFailure(Reason.MALFORMED, "the assertion cannot be decoded");
        }
        try {
            AuthenticationData data = manager.verify(parsed, parameters);
            return data.getAuthenticatorData().getSignCount();
        } catch (DataConversionException | IllegalArgumentException | NullPointerException e) {
            throw new LocalFailure(Reason.MALFORMED, "the assertion cannot be decoded");
        } catch (VerificationException e) {
            throw failure(e, Reason.BAD_SIGNATURE);
        }
    }

    private static ServerProperty serverProperty(Set<String> origins, String rpId, ByteArray challenge) {
        Set<Origin> allowed = origins.stream().map(Origin::create).collect(Collectors.toSet());
        return new ServerProperty(allowed, rpId, new DefaultChallenge(challenge.toByteArray()));
    }

    /** A manager whose attestation trust anchors are exactly the tenant's roots (27553-1 Annex C proof keys). */
    private static WebAuthnManager manager(LocalPolicy policy) {
        Set<TrustAnchor> anchors = new HashSet<>();
        policy.roots().forEach(c -> anchors.add(new TrustAnchor(c, null)));
        TrustAnchorRepository repository = new TrustAnchorRepository() {
            @Override
            public Set<TrustAnchor> find(AAGUID aaguid) {
                return anchors;
            }

            @Override
            public Set<TrustAnchor> find(byte[] attestationCertificateKeyIdentifier) {
                return anchors;
            }
        };
        DefaultCertPathTrustworthinessVerifier certPath = new DefaultCertPathTrustworthinessVerifier(repository);
        certPath.setRevocationCheckEnabled(false); // private roots rarely publish revocation; the tenant curates them
        DefaultSelfAttestationTrustworthinessVerifier self = new DefaultSelfAttestationTrustworthinessVerifier();
        self.setSelfAttestationAllowed(policy.allowNoneAttestation());
        return new WebAuthnManager(List.of(new NoneAttestationStatementVerifier(), new PackedAttestationStatementVerifier(),
                new FIDOU2FAttestationStatementVerifier(), new AndroidKeyAttestationStatementVerifier(),
                new TPMAttestationStatementVerifier(), new AppleAnonymousAttestationStatementVerifier()),
                certPath, self);
    }

    /** One webauthn4j failure type to one of our reasons; the library's message stays in the server log only. */
    static LocalFailure failure(VerificationException e, Reason fallback) {
        if (e instanceof BadChallengeException || e instanceof MissingChallengeException) {
            return new LocalFailure(Reason.BAD_CHALLENGE, "the response answers a different challenge");
        }
        if (e instanceof BadOriginException || e instanceof CrossOriginException || e instanceof BadTopOriginException) {
            return new LocalFailure(Reason.BAD_ORIGIN, "the response comes from an origin this relying party does not allow");
        }
        if (e instanceof BadRpIdException) {
            return new LocalFailure(Reason.BAD_RP_ID, "the authenticator data names a different relying-party id");
        }
        if (e instanceof InconsistentClientDataTypeException) {
            return new LocalFailure(Reason.BAD_TYPE, "clientDataJSON has the wrong type for this ceremony");
        }
        if (e instanceof BadSignatureException) {
            return new LocalFailure(Reason.BAD_SIGNATURE, "the signature does not verify");
        }
        if (e instanceof UserNotVerifiedException) {
            return new LocalFailure(Reason.USER_NOT_VERIFIED,
                    "the authenticator did not verify the user (UV flag clear); local biometric verification is required");
        }
        if (e instanceof UserNotPresentException) {
            return new LocalFailure(Reason.USER_NOT_PRESENT, "the user-present flag is clear");
        }
        if (e instanceof MaliciousCounterValueException) {
            return new LocalFailure(Reason.COUNTER_REGRESSION,
                    "the signature counter did not increase: the authenticator may have been cloned");
        }
        if (e instanceof NotAllowedAlgorithmException || e instanceof BadAlgorithmException) {
            return new LocalFailure(Reason.UNSUPPORTED_ALGORITHM, "the credential uses an algorithm that is not accepted");
        }
        if (e instanceof TrustAnchorNotFoundException || e instanceof CertificateException) {
            return new LocalFailure(Reason.UNTRUSTED_ATTESTATION,
                    "the attestation does not chain to a root this relying party trusts");
        }
        if (e instanceof SelfAttestationProhibitedException) {
            return new LocalFailure(Reason.NONE_ATTESTATION_REFUSED, "self attestation is not accepted by this relying party");
        }
        if (e instanceof BadAttestationStatementException) {
            return new LocalFailure(Reason.BAD_ATTESTATION, "the attestation statement does not verify");
        }
        if (e instanceof ConstraintViolationException) {
            return new LocalFailure(Reason.MALFORMED, "the response is missing a required member");
        }
        return new LocalFailure(fallback, "the response did not verify");
    }
}
