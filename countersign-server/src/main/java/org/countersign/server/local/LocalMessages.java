package org.countersign.server.local;

import java.util.List;

/**
 * The response bodies of {@code /v1/local/...} as records (issue 12), one per shape. Jackson writes the components
 * in declaration order under their own names, and the API's mapper leaves out a component that is null, so a
 * nullable component here is a member that is absent from the JSON when it has no value.
 */
public final class LocalMessages {
    private LocalMessages() {}

    /**
     * The {@code options} of a started ceremony (A.3.2 c / A.3.3 c): what the browser passes to the WebAuthn API,
     * or what the native agent checks and signs over.
     */
    public sealed interface ChallengeOptions permits WebAuthnCreationOptions, WebAuthnRequestOptions,
            AgentRegistrationOptions, AgentAuthenticationOptions {}

    /** {@code rp} of WebAuthn creation options. */
    public record RelyingParty(String id, String name) {}

    /** {@code user} of WebAuthn creation options; {@code id} is the opaque user handle, never the user id. */
    public record UserEntity(String id, String name, String displayName) {}

    /** One entry of {@code pubKeyCredParams}: a COSE algorithm the server verifies. */
    public record CredentialParameters(String type, long alg) {}

    /** One entry of {@code excludeCredentials} / {@code allowCredentials}. */
    public record CredentialDescriptor(String type, String id) {
        static CredentialDescriptor publicKey(String id) {
            return new CredentialDescriptor("public-key", id);
        }
    }

    /** {@code authenticatorSelection} of WebAuthn creation options. */
    public record AuthenticatorSelection(String userVerification, String residentKey) {}

    /** Options for {@code navigator.credentials.create} (A.3.2 c, WebAuthn registration). */
    public record WebAuthnCreationOptions(RelyingParty rp, UserEntity user, String challenge,
            List<CredentialParameters> pubKeyCredParams, int timeout, AuthenticatorSelection authenticatorSelection,
            String attestation, List<CredentialDescriptor> excludeCredentials) implements ChallengeOptions {}

    /**
     * Options for {@code navigator.credentials.get} (A.3.3 c, and the X.1280 relay-proof binding);
     * {@code transactionText} is absent (null) when there is none.
     */
    public record WebAuthnRequestOptions(String challenge, String rpId, int timeout, String userVerification,
            List<CredentialDescriptor> allowCredentials, String transactionText) implements ChallengeOptions {}

    /** The native agent's registration challenge with the server's signature over it (SR-C-5). */
    public record AgentRegistrationOptions(String challenge, String rpId, String userId, String expiresAt,
            String signedChallenge, String serverSignature) implements ChallengeOptions {}

    /**
     * The native agent's authentication challenge with the server's signature (SR-C-5); {@code transactionText}
     * is absent (null) when there is none.
     */
    public record AgentAuthenticationOptions(String challenge, String rpId, int timeout, List<String> credentialIds,
            String expiresAt, String transactionText, String signedChallenge, String serverSignature)
            implements ChallengeOptions {}

    /**
     * The document the server signs for a native agent's registration (SR-C-5); {@code signedChallenge} carries
     * its exact bytes, so the member order here is the order the agent receives.
     */
    public record SignedRegistrationChallenge(String type, String challenge, String rpId, String userId,
            String expiresAt) {
        static final String TYPE = "countersign.server.registration-challenge";
    }

    /**
     * The document the server signs for a native agent's authentication (SR-C-5); {@code transactionText} is
     * always present here, empty when there is none, because the agent shows what it signs.
     */
    public record SignedAuthenticationChallenge(String type, String challenge, String rpId, List<String> credentialIds,
            String transactionText, String expiresAt) {
        static final String TYPE = "countersign.server.authentication-challenge";
    }

    /** {@code GET /v1/local/agent-key}: the tenant's challenge-signing public key for native agents. */
    public record AgentServerKey(String algorithm, String publicKey) {}

    /** {@code GET /v1/local/users/{userId}/credentials}. */
    public record CredentialList(List<LocalRoutes.CredentialView> credentials) {}

    /** {@code POST /v1/local/users/{userId}/consent}. */
    public record ConsentGranted(String userId, String noticeVersion) {}

    /** Consent withdrawal and erasure: every credential of the user that was deregistered. */
    public record UserDeregistered(String userId, List<LocalCredentialService.Deregistered> deregistered) {}

    /**
     * What the server holds about a user (subject access, 27553-1 10.2); the export adds {@code exportedAt}, which
     * is absent (null) from the plain view.
     */
    public record SubjectData(String userId, String currentNoticeVersion, List<LocalStore.Consent> consents,
            List<LocalRoutes.CredentialView> credentials, boolean biometricDataHeldByServer, String exportedAt) {
        SubjectData exported(String at) {
            return new SubjectData(userId, currentNoticeVersion, consents, credentials, biometricDataHeldByServer, at);
        }
    }
}
