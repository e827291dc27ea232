package org.countersign.agent.local;

import java.util.List;
import java.util.Objects;

/**
 * The messages between the relying-party agent and this agent (27553-1 A.3.2 d/g, A.3.3 d/g, A.3.4 d). Their JSON
 * shape is what Countersign's {@code /v1/local/...} routes return and accept under {@code agent}.
 */
public final class AgentMessages {
    private AgentMessages() {}

    /**
     * A registration challenge: {@code options} of {@code POST /v1/local/registrations} with format countersign-agent.
     * The agent acts only on {@code signedChallenge}, the server-signed copy of the other members, after checking
     * {@code serverSignature} with the pinned server key; the plain members are for display and logs.
     */
    public record RegistrationChallenge(String challenge, String rpId, String userId, String expiresAt,
            String signedChallenge, String serverSignature) {
        public RegistrationChallenge {
            Objects.requireNonNull(challenge, "challenge");
        }
    }

    /** The registration response (A.3.2 g): all binary members base64url, certificates base64 DER. */
    public record RegistrationResponse(String registrationData, String credentialSignature, String attestationSignature,
            List<String> attestationChain) {
        public RegistrationResponse {
            attestationChain = attestationChain == null ? List.of() : List.copyOf(attestationChain);
        }
    }

    /** An authentication challenge: {@code options} of {@code POST /v1/local/authentications}; signed as above. */
    public record AuthenticationChallenge(String challenge, String rpId, List<String> credentialIds, String expiresAt,
            String transactionText, Integer timeout, String signedChallenge, String serverSignature) {
        public AuthenticationChallenge {
            credentialIds = credentialIds == null ? List.of() : List.copyOf(credentialIds);
            transactionText = transactionText == null ? "" : transactionText;
        }
    }

    /** The authentication response (A.3.3 g). */
    public record AssertionResponse(String credentialId, String assertionData, String signature) {}

    /** The deregistration result from the server (A.3.4 c-d). */
    public record Deregistration(String credentialId, String referenceId) {}
}
