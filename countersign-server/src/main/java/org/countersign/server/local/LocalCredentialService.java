package org.countersign.server.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.Sha256;
import org.countersign.core.keys.KeyService;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;
import org.countersign.server.auth.Caller;
import org.countersign.server.local.LocalFailure.Reason;
import org.countersign.server.local.LocalMessages.AgentAuthenticationOptions;
import org.countersign.server.local.LocalMessages.AgentRegistrationOptions;
import org.countersign.server.local.LocalMessages.AgentServerKey;
import org.countersign.server.local.LocalMessages.AuthenticatorSelection;
import org.countersign.server.local.LocalMessages.ChallengeOptions;
import org.countersign.server.local.LocalMessages.CredentialDescriptor;
import org.countersign.server.local.LocalMessages.CredentialParameters;
import org.countersign.server.local.LocalMessages.RelyingParty;
import org.countersign.server.local.LocalMessages.SignedAuthenticationChallenge;
import org.countersign.server.local.LocalMessages.SignedRegistrationChallenge;
import org.countersign.server.local.LocalMessages.UserEntity;
import org.countersign.server.local.LocalMessages.WebAuthnCreationOptions;
import org.countersign.server.local.LocalMessages.WebAuthnRequestOptions;
import org.countersign.server.local.LocalStore.Ceremony;
import org.countersign.server.local.LocalStore.PendingCeremony;
import org.countersign.server.local.LocalStore.StoredCredential;
import org.countersign.server.store.Jdbc;
import org.countersign.server.tenant.Tenant;
import org.countersign.server.tenant.TenantRepository;
import org.countersign.server.users.UserRepository;

/**
 * The authentication-server side of ISO/IEC 27553-1 Annex A, written as the numbered steps of A.3.2 (registration),
 * A.3.3 (authentication) and A.3.4 (deregistration). The relying-party server calls it through the tenant API
 * (steps b and h of each flow happen on the RP's side); the device part runs in the browser (WebAuthn) or in the
 * Countersign native agent.
 */
public final class LocalCredentialService {
    /** Who asked, for the audit log. */

    /** A challenge message (A.3.2 c / A.3.3 c) in the shape the chosen device format expects. */
    public record Started(String ceremonyId, CredentialFormat format, Instant expiresAt, ChallengeOptions options) {}

    /** A registration result message (A.3.2 i). */
    public record RegistrationResult(String userId, String credentialId, CredentialFormat format, String referenceId,
            AssuranceVector assurance, Instant registeredAt) {}

    /** An authentication result message (A.3.3 i), with the assurance vector of B-S2. */
    public record AuthenticationResult(boolean verified, String userId, String credentialId, CredentialFormat format,
            String transactionText, AssuranceVector assurance, Instant authenticatedAt) {}

    /** A deregistration result message (A.3.4 c) the agent uses to delete its keys and references. */
    public record Deregistered(String userId, String credentialId, CredentialFormat format, String referenceId,
            Instant deregisteredAt) {}

    /** The device's response, in one of the two formats. */
    public sealed interface Response permits WebAuthnAttestation, WebAuthnAssertion, AgentRegistration, AgentAssertion {}

    public record WebAuthnAttestation(ByteArray clientDataJson, ByteArray attestationObject, Set<String> transports)
            implements Response {}

    public record WebAuthnAssertion(ByteArray credentialId, ByteArray clientDataJson, ByteArray authenticatorData,
            ByteArray signature, ByteArray userHandle) implements Response {}

    public record AgentRegistration(ByteArray registrationData, ByteArray credentialSignature,
            ByteArray attestationSignature, List<String> attestationChain) implements Response {}

    public record AgentAssertion(String credentialId, ByteArray assertionData, ByteArray signature) implements Response {}

    private static final int CHALLENGE_BYTES = 32;

    private final LocalStore store;
    private final TenantRepository tenants;
    private final UserRepository users;
    private final AuditLog audit;
    private final WebAuthnVerifier webauthn;
    private final AgentVerifier agent;
    private final AgentServerKeys serverKeys;
    private final ObjectMapper json;
    private final SecureRandom random;
    private final Clock clock;

    public LocalCredentialService(LocalStore store, TenantRepository tenants, UserRepository users, AuditLog audit,
            ObjectMapper json, SecureRandom random, Clock clock, Jdbc jdbc, KeyService keys) {
        this.store = store;
        this.tenants = tenants;
        this.users = users;
        this.audit = audit;
        this.webauthn = new WebAuthnVerifier();
        this.agent = new AgentVerifier(json, clock);
        this.serverKeys = new AgentServerKeys(jdbc, keys, random, clock);
        this.json = json;
        this.random = random;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ A.3.2 registration

    public Started startRegistration(Caller caller, String userId, CredentialFormat format) {
        // c. The authentication server checks the request is legitimate: the user exists for this tenant ...
        var user = users.find(caller.tenant(), userId).orElseThrow(() -> LocalFailure.notFound("user"));
        // ... and has consented to the current privacy notice before any biometric enrolment (10.2, B-P1).
        requireConsent(caller.tenant(), userId);
        LocalPolicy policy = policy(caller.tenant());
        String rpId = rpId(caller.tenant(), policy);
        // c. It returns a fresh, single-use challenge with an expiry (SR-C-4, SR-M-16: SecureRandom).
        PendingCeremony c = newCeremony(caller.tenant(), userId, Ceremony.REGISTRATION, format, rpId, "", policy);
        store.insertCeremony(c);
        ChallengeOptions options;
        if (format == CredentialFormat.WEBAUTHN) {
            // d-f happen in the browser: the platform authenticator verifies the user (UV required) and makes a key.
            options = new WebAuthnCreationOptions(new RelyingParty(rpId, tenantName(caller.tenant())),
                    new UserEntity(userHandle(caller.tenant(), userId).toBase64Url(), userId,
                            user.displayName().isEmpty() ? userId : user.displayName()),
                    c.challenge().toBase64Url(),
                    WebAuthnVerifier.ALGORITHMS.stream().map(a -> new CredentialParameters("public-key", a)).toList(),
                    policy.challengeSeconds() * 1000, new AuthenticatorSelection("required", "preferred"),
                    policy.allowNoneAttestation() ? "none" : "direct",
                    store.credentialsOf(caller.tenant(), userId).stream()
                            .filter(k -> k.format() == CredentialFormat.WEBAUTHN)
                            .map(k -> CredentialDescriptor.publicKey(k.credentialId())).toList());
        } else {
            // d-e: the agent checks the server's signature (SR-C-5), then challenge, rpId and expiry, before it
            // runs local enrolment.
            var signed = new SignedRegistrationChallenge(SignedRegistrationChallenge.TYPE, c.challenge().toBase64Url(),
                    rpId, userId, c.expiresAt().toString());
            Signature s = signChallenge(caller.tenant(), signed);
            options = new AgentRegistrationOptions(signed.challenge(), signed.rpId(), signed.userId(),
                    signed.expiresAt(), s.signedChallenge(), s.serverSignature());
        }
        return new Started(c.id(), format, c.expiresAt(), options);
    }

    public RegistrationResult finishRegistration(Caller caller, String ceremonyId, Response response) {
        // h. The response arrives through the RP server; the challenge is consumed whatever the outcome (SR-C-4).
        PendingCeremony c = takeCeremony(caller.tenant(), ceremonyId, Ceremony.REGISTRATION);
        try {
            requireConsent(caller.tenant(), c.userId());
            LocalPolicy policy = policy(caller.tenant());
            Instant now = clock.instant();
            // i. Verify the registration response message ...
            StoredCredential credential;
            if (response instanceof WebAuthnAttestation w && c.format() == CredentialFormat.WEBAUTHN) {
                WebAuthnVerifier.Registered r = webauthn.verifyRegistration(c.challenge(), c.rpId(),
                        origins(caller.tenant()), policy, w.clientDataJson(), w.attestationObject(), w.transports());
                // A browser does not say which biometric modality or matcher the platform used: unknown, not guessed.
                AssuranceVector v = new AssuranceVector(null, AssuranceVector.Pad.UNKNOWN,
                        AssuranceVector.Protection.UNKNOWN, "unknown", null, r.attestation());
                credential = new StoredCredential(caller.tenant(), r.credentialId(), c.userId(),
                        CredentialFormat.WEBAUTHN, r.attestedCredentialData(), r.signCount(), v, "", r.aaguid(), now,
                        null, null);
            } else if (response instanceof AgentRegistration a && c.format() == CredentialFormat.AGENT) {
                AgentVerifier.Registered r = agent.verifyRegistration(c, policy, origins(caller.tenant()),
                        a.registrationData(),
                        a.credentialSignature(), a.attestationSignature(), a.attestationChain());
                credential = new StoredCredential(caller.tenant(), r.credentialId(), c.userId(), CredentialFormat.AGENT,
                        r.spki(), 0, r.assurance(), r.referenceId(), "", now, null, null);
            } else {
                throw new LocalFailure(Reason.MALFORMED, "this ceremony expects a '" + c.format().wire() + "' response");
            }
            // ... and, if it passes, register the relationship and store the credential (no biometric data: SR-B-3).
            if (!store.insertCredential(credential)) {
                throw new LocalFailure(Reason.DUPLICATE_CREDENTIAL, "this credential is already registered");
            }
            audit.event(AuditAction.LOCAL_REGISTER).tenant(caller.tenant())
                    .by(AuditActor.of(caller), caller.requestId()).about(AuditSubject.user(c.userId()))
                    .details(details(credential.credentialId(), credential.format(), credential.registeredAssurance()))
                    .record(AuditOutcome.SUCCESS);
            // i. Registration result message back to the RP server (j: the RP tells the user).
            return new RegistrationResult(c.userId(), credential.credentialId(), credential.format(),
                    credential.referenceId(), credential.registeredAssurance(), now);
        } catch (LocalFailure f) {
            auditRefusal(caller, AuditAction.LOCAL_REGISTER, c.userId(), f);
            throw f;
        }
    }

    // ------------------------------------------------------------------ A.3.3 authentication

    public Started startAuthentication(Caller caller, String userId, CredentialFormat format, String transactionText) {
        // c. Legitimate request: the user exists and holds at least one active credential of that format.
        users.find(caller.tenant(), userId).orElseThrow(() -> LocalFailure.notFound("user"));
        List<StoredCredential> active = store.credentialsOf(caller.tenant(), userId).stream()
                .filter(k -> !k.revoked() && k.format() == format).toList();
        if (active.isEmpty()) {
            throw LocalFailure.notFound("active " + format.wire() + " credential for this user");
        }
        LocalPolicy policy = policy(caller.tenant());
        String rpId = rpId(caller.tenant(), policy);
        PendingCeremony c = newCeremony(caller.tenant(), userId, Ceremony.AUTHENTICATION, format, rpId,
                transactionText, policy);
        store.insertCeremony(c);
        String challenge = c.challenge().toBase64Url();
        int timeout = policy.challengeSeconds() * 1000;
        String shownText = transactionText.isEmpty() ? null : transactionText; // absent from the options when empty
        ChallengeOptions options;
        if (format == CredentialFormat.WEBAUTHN) {
            options = new WebAuthnRequestOptions(challenge, rpId, timeout, "required",
                    active.stream().map(k -> CredentialDescriptor.publicKey(k.credentialId())).toList(), shownText);
        } else {
            // SR-C-5: what the agent shows and signs (challenge, RP, credentials, transaction text) comes signed.
            var signed = new SignedAuthenticationChallenge(SignedAuthenticationChallenge.TYPE, challenge, rpId,
                    active.stream().map(StoredCredential::credentialId).toList(), transactionText,
                    c.expiresAt().toString());
            Signature s = signChallenge(caller.tenant(), signed);
            options = new AgentAuthenticationOptions(challenge, rpId, timeout, signed.credentialIds(),
                    signed.expiresAt(), shownText, s.signedChallenge(), s.serverSignature());
        }
        return new Started(c.id(), format, c.expiresAt(), options);
    }

    public AuthenticationResult finishAuthentication(Caller caller, String ceremonyId, Response response) {
        // h. The response arrives; its challenge is consumed now, so a replayed response finds nothing (T.C.2).
        PendingCeremony c = takeCeremony(caller.tenant(), ceremonyId, Ceremony.AUTHENTICATION);
        String credentialId;
        if (response instanceof WebAuthnAssertion w) {
            credentialId = w.credentialId().toBase64Url();
        } else if (response instanceof AgentAssertion a) {
            credentialId = a.credentialId();
        } else {
            throw new LocalFailure(Reason.MALFORMED, "this ceremony expects an assertion");
        }
        try {
            // i. Retrieve the registered relationship by its public-key identifier ...
            StoredCredential k = store.findCredential(caller.tenant(), credentialId)
                    .orElseThrow(() -> new LocalFailure(Reason.UNKNOWN_CREDENTIAL, "no such credential is registered"));
            if (!k.userId().equals(c.userId())) {
                throw new LocalFailure(Reason.WRONG_USER, "the credential belongs to a different user");
            }
            if (k.revoked()) {
                throw new LocalFailure(Reason.CREDENTIAL_REVOKED, "the credential has been revoked");
            }
            if (k.format() != c.format()) {
                throw new LocalFailure(Reason.MALFORMED, "this ceremony expects a '" + c.format().wire() + "' response");
            }
            // ... verify the signature over the authentication data with the stored public key ...
            long counter;
            if (response instanceof WebAuthnAssertion w) {
                counter = webauthn.verifyAssertion(c.challenge(), c.rpId(), origins(caller.tenant()), k.publicKey(),
                        k.signCount(), w.credentialId(), w.clientDataJson(), w.authenticatorData(), w.signature(),
                        w.userHandle());
            } else {
                counter = agent.verifyAssertion(c, k, origins(caller.tenant()),
                        ((AgentAssertion) response).assertionData(),
                        ((AgentAssertion) response).signature()).counter();
            }
            // ... require the counter to move forward (clone detection), atomically against concurrent uses ...
            Instant now = clock.instant();
            if (!store.advanceCounter(caller.tenant(), k.credentialId(), counter, now)) {
                throw new LocalFailure(Reason.COUNTER_REGRESSION,
                        "the signature counter did not increase: the authenticator may have been cloned");
            }
            // ... and hold the assurance vector against the relying party's minimum (B-S2, Annex C).
            AssuranceVector vector = k.registeredAssurance();
            List<String> shortfalls = vector.shortfalls(policy(caller.tenant()).minimum());
            if (!shortfalls.isEmpty()) {
                throw LocalFailure.assuranceInsufficient(
                        "the authentication does not meet this relying party's minimum assurance: "
                                + String.join("; ", shortfalls), shortfalls, vector);
            }
            Map<String, String> d = details(k.credentialId(), k.format(), vector);
            if (!c.transactionText().isEmpty()) {
                d.put("transactionText", c.transactionText());
            }
            audit.event(AuditAction.LOCAL_AUTHENTICATE).tenant(caller.tenant())
                    .by(AuditActor.of(caller), caller.requestId()).about(AuditSubject.user(c.userId())).details(d)
                    .record(AuditOutcome.SUCCESS);
            // i. Authentication result message to the RP server.
            return new AuthenticationResult(true, c.userId(), k.credentialId(), k.format(), c.transactionText(), vector, now);
        } catch (LocalFailure f) {
            auditRefusal(caller, AuditAction.LOCAL_AUTHENTICATE, c.userId(), f);
            throw f;
        }
    }

    // ------------------------------------------------------------------ X.1280 relay-proof binding

    /**
     * WebAuthn request options for an assertion whose challenge is given by the caller: the out-of-band module
     * passes the offset hash (X.1280 §8.5 allows PKI-based user authentication with the offset as challenge), so
     * the assertion can only be made on a page of an origin this tenant allows. Empty when the user has no active
     * WebAuthn credential.
     */
    public Optional<WebAuthnRequestOptions> boundAssertionOptions(String tenantId, String userId, ByteArray challenge) {
        List<StoredCredential> active = store.credentialsOf(tenantId, userId).stream()
                .filter(k -> !k.revoked() && k.format() == CredentialFormat.WEBAUTHN).toList();
        if (active.isEmpty()) {
            return Optional.empty();
        }
        LocalPolicy policy = policy(tenantId);
        return Optional.of(new WebAuthnRequestOptions(challenge.toBase64Url(), rpId(tenantId, policy),
                policy.challengeSeconds() * 1000, "required",
                active.stream().map(k -> CredentialDescriptor.publicKey(k.credentialId())).toList(), null));
    }

    /**
     * Verifies a terminal's assertion over a caller-given challenge (see {@link #boundAssertionOptions}): the same
     * checks as A.3.3 i (registered, this user's, not revoked, signature, origin among the tenant's allowed origins,
     * RP id, user verification, counter moves forward). Single use comes from the caller, which binds one request
     * once. Returns the credential id.
     */
    public String verifyBoundAssertion(Caller caller, String userId, ByteArray challenge, WebAuthnAssertion w) {
        String credentialId = w.credentialId().toBase64Url();
        try {
            StoredCredential k = store.findCredential(caller.tenant(), credentialId)
                    .orElseThrow(() -> new LocalFailure(Reason.UNKNOWN_CREDENTIAL, "no such credential is registered"));
            if (!k.userId().equals(userId)) {
                throw new LocalFailure(Reason.WRONG_USER, "the credential belongs to a different user");
            }
            if (k.revoked()) {
                throw new LocalFailure(Reason.CREDENTIAL_REVOKED, "the credential has been revoked");
            }
            if (k.format() != CredentialFormat.WEBAUTHN) {
                throw new LocalFailure(Reason.MALFORMED, "a WebAuthn credential is required");
            }
            LocalPolicy policy = policy(caller.tenant());
            long counter = webauthn.verifyAssertion(challenge, rpId(caller.tenant(), policy), origins(caller.tenant()),
                    k.publicKey(), k.signCount(), w.credentialId(), w.clientDataJson(), w.authenticatorData(),
                    w.signature(), w.userHandle());
            if (!store.advanceCounter(caller.tenant(), k.credentialId(), counter, clock.instant())) {
                throw new LocalFailure(Reason.COUNTER_REGRESSION,
                        "the signature counter did not increase: the authenticator may have been cloned");
            }
            audit.event(AuditAction.LOCAL_OOB_BIND).tenant(caller.tenant())
                    .by(AuditActor.of(caller), caller.requestId()).about(AuditSubject.user(userId))
                    .details(Map.of("credentialId", credentialId)).record(AuditOutcome.SUCCESS);
            return credentialId;
        } catch (LocalFailure f) {
            auditRefusal(caller, AuditAction.LOCAL_OOB_BIND, userId, f);
            throw f;
        }
    }

    // ------------------------------------------------------------------ A.3.4 deregistration and management

    public List<StoredCredential> credentials(String tenantId, String userId) {
        users.find(tenantId, userId).orElseThrow(() -> LocalFailure.notFound("user"));
        return store.credentialsOf(tenantId, userId);
    }

    /** Server-side block without deletion (kept for the audit trail; authentication is refused from now on). */
    public void revoke(Caller caller, String userId, String credentialId) {
        if (!store.revokeCredential(caller.tenant(), userId, credentialId, clock.instant())) {
            throw LocalFailure.notFound("active credential");
        }
        audit.event(AuditAction.LOCAL_REVOKE).tenant(caller.tenant()).by(AuditActor.of(caller), caller.requestId())
                .about(AuditSubject.user(userId)).details(Map.of("credentialId", credentialId))
                .record(AuditOutcome.SUCCESS);
    }

    /**
     * A device or RP agent reports a compromise (SR-M-13): the credential is blocked at once and the report kept
     * in the audit log for remedial action (SR-M-12); the RP then deregisters and the agent wipes.
     */
    public void reportCompromise(Caller caller, String userId, String credentialId, String detail) {
        StoredCredential k = store.findCredential(caller.tenant(), credentialId)
                .filter(c -> c.userId().equals(userId)).orElseThrow(() -> LocalFailure.notFound("credential"));
        store.revokeCredential(caller.tenant(), userId, credentialId, clock.instant());
        audit.event(AuditAction.LOCAL_COMPROMISE_REPORT).tenant(caller.tenant())
                .by(AuditActor.of(caller), caller.requestId()).about(AuditSubject.user(userId))
                .details(Map.of("credentialId", credentialId, "format", k.format().wire(), "detail", detail))
                .record(AuditOutcome.REVOKED);
    }

    public Deregistered deregister(Caller caller, String userId, String credentialId) {
        // c. Check the request, delete the relationship and the credential from the credential manager ...
        StoredCredential k = store.deleteCredential(caller.tenant(), userId, credentialId)
                .orElseThrow(() -> LocalFailure.notFound("credential"));
        audit.event(AuditAction.LOCAL_DEREGISTER).tenant(caller.tenant())
                .by(AuditActor.of(caller), caller.requestId()).about(AuditSubject.user(userId))
                .details(Map.of("credentialId", credentialId, "format", k.format().wire()))
                .record(AuditOutcome.SUCCESS);
        // ... and return the deregistration result the agent needs for step e (delete keys and references).
        return new Deregistered(userId, k.credentialId(), k.format(), k.referenceId(), clock.instant());
    }

    /** Deletes every credential of the user (B-P1 erasure and consent withdrawal). */
    public List<Deregistered> deregisterAll(Caller caller, String userId, String why) {
        Instant now = clock.instant();
        List<Deregistered> out = store.deleteAllCredentials(caller.tenant(), userId).stream()
                .map(k -> new Deregistered(userId, k.credentialId(), k.format(), k.referenceId(), now)).toList();
        audit.event(AuditAction.LOCAL_DEREGISTER_ALL).tenant(caller.tenant())
                .by(AuditActor.of(caller), caller.requestId()).about(AuditSubject.user(userId))
                .details(Map.of("count", Integer.toString(out.size()), "why", why)).record(AuditOutcome.SUCCESS);
        return out;
    }

    // ------------------------------------------------------------------ policy and consent

    public LocalPolicy policy(String tenantId) {
        return store.policy(tenantId).orElse(LocalPolicy.DEFAULT);
    }

    public void putPolicy(Caller caller, LocalPolicy policy) {
        if (policy.rpId() != null) {
            // WebAuthn only lets an origin claim its own host or a parent domain as RP id; refuse others up front.
            boolean fits = tenant(caller.tenant()).allowedOrigins().stream().map(o -> URI.create(o).getHost())
                    .anyMatch(h -> h != null && (h.equals(policy.rpId()) || h.endsWith("." + policy.rpId())));
            if (!fits) {
                throw LocalFailure.invalid("rpId must be the host of an allowed origin or one of its parent domains");
            }
        }
        store.putPolicy(caller.tenant(), policy, clock.instant());
        audit.event(AuditAction.LOCAL_POLICY).tenant(caller.tenant()).by(AuditActor.of(caller), caller.requestId())
                .about(AuditSubject.tenant(caller.tenant()))
                .details(Map.of("allowNoneAttestation", Boolean.toString(policy.allowNoneAttestation()),
                        "trustedRoots", Integer.toString(policy.trustedRoots().size())))
                .record(AuditOutcome.SUCCESS);
    }

    private void requireConsent(String tenantId, String userId) {
        boolean ok = store.consents(tenantId, userId).stream()
                .anyMatch(k -> k.withdrawnAt() == null && k.noticeVersion().equals(PrivacyNotice.CURRENT.version()));
        if (!ok) {
            throw LocalFailure.consentRequired("record the user's consent to privacy notice "
                    + PrivacyNotice.CURRENT.version() + " before the first biometric enrolment",
                    PrivacyNotice.CURRENT.version());
        }
    }

    /**
     * The tenant's challenge-signing key for native agents (SR-C-5), which the RP builds into its app so that the
     * agent can tell Countersign's challenges from anybody else's.
     */
    public AgentServerKey agentServerKey(String tenantId) {
        tenant(tenantId);
        return new AgentServerKey("ES256", serverKeys.publicKey(tenantId).toBase64Url());
    }

    // ------------------------------------------------------------------ helpers

    /** {@code signedChallenge} (the exact bytes signed, base64url) and {@code serverSignature} over them. */
    private record Signature(String signedChallenge, String serverSignature) {}

    private Signature signChallenge(String tenantId, Record document) {
        ByteArray bytes;
        try {
            bytes = ByteArray.copyOf(json.writeValueAsBytes(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the agent challenge", e);
        }
        return new Signature(bytes.toBase64Url(), serverKeys.sign(tenantId, bytes).toBase64Url());
    }

    private PendingCeremony takeCeremony(String tenantId, String id, Ceremony kind) {
        PendingCeremony c = store.takeCeremony(tenantId, id).orElseThrow(() -> new LocalFailure(Reason.CEREMONY_EXPIRED,
                "no open ceremony with this id: it expired, was already finished, or never existed"));
        if (c.ceremony() != kind || !clock.instant().isBefore(c.expiresAt())) {
            throw new LocalFailure(Reason.CEREMONY_EXPIRED, "the ceremony expired or is of another kind");
        }
        return c;
    }

    private PendingCeremony newCeremony(String tenantId, String userId, Ceremony kind, CredentialFormat format,
            String rpId, String transactionText, LocalPolicy policy) {
        byte[] challenge = new byte[CHALLENGE_BYTES];
        random.nextBytes(challenge);
        byte[] id = new byte[18];
        random.nextBytes(id);
        Instant now = clock.instant();
        return new PendingCeremony(ByteArray.copyOf(id).toBase64Url(), tenantId, userId, kind, format,
                ByteArray.copyOf(challenge), rpId, transactionText, now, now.plusSeconds(policy.challengeSeconds()));
    }

    private Tenant tenant(String tenantId) {
        return tenants.find(tenantId).orElseThrow(() -> LocalFailure.notFound("tenant"));
    }

    private String tenantName(String tenantId) {
        return tenant(tenantId).displayName();
    }

    /** Origins the browser may report: exactly the tenant's allowed origins (WebAuthn origin check, SR-C-3). */
    private Set<String> origins(String tenantId) {
        return new LinkedHashSet<>(tenant(tenantId).allowedOrigins());
    }

    private String rpId(String tenantId, LocalPolicy policy) {
        if (policy.rpId() != null) {
            return policy.rpId();
        }
        List<String> origins = tenant(tenantId).allowedOrigins();
        if (origins.isEmpty()) {
            throw LocalFailure.invalid("the tenant has no allowed origins; an administrator must add the relying"
                    + " party's web origin before local credentials can be used");
        }
        return URI.create(origins.get(0)).getHost();
    }

    /** A stable, non-identifying user handle: the browser stores it, so it must not carry the user id itself. */
    private static ByteArray userHandle(String tenantId, String userId) {
        byte[] h = Sha256.digest((tenantId + "\u0000" + userId).getBytes(StandardCharsets.UTF_8));
        return ByteArray.copyOf(Arrays.copyOf(h, 16));
    }

    private static Map<String, String> details(String credentialId, CredentialFormat format, AssuranceVector v) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("credentialId", credentialId);
        d.put("format", format.wire());
        d.put("fmr", v.fmr() == null ? "unknown" : v.fmr().toString());
        d.put("pad", v.pad().used() ? "used" : "unknown");
        d.put("apcer", v.pad().apcer() == null ? "unknown" : v.pad().apcer().toString());
        d.put("bpcer", v.pad().bpcer() == null ? "unknown" : v.pad().bpcer().toString());
        d.put("credentialProtection", v.credentialProtection().wire());
        d.put("modality", v.modality());
        d.put("transformLevel", v.transformLevel() == null ? "unknown" : v.transformLevel().toString());
        d.put("attestation", v.attestation().wire());
        return d;
    }

    private void auditRefusal(Caller caller, AuditAction action, String userId, LocalFailure f) {
        if (!f.reason().named()) {
            return; // a plain not-found or invalid value is the caller's slip, not a refused ceremony
        }
        Map<String, String> d = new LinkedHashMap<>();
        d.put("reason", f.reason().code());
        f.assurance().ifPresent(v -> {
            d.putAll(details("-", CredentialFormat.WEBAUTHN, v));
            d.remove("credentialId");
            d.remove("format");
        });
        audit.event(action).tenant(caller.tenant()).by(AuditActor.of(caller), caller.requestId())
                .about(AuditSubject.user(userId)).details(d).record(AuditOutcome.refused(f.reason().code()));
    }
}
