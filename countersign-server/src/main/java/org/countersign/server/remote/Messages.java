package org.countersign.server.remote;

import java.util.List;
import org.countersign.biometrics.liveness.Action;
import org.countersign.biometrics.liveness.ClientMeasurement;

/**
 * JSON bodies of the remote protocol: the handshake and enrolment bodies travel in clear inside TLS; the
 * {@code Sealed*} bodies travel only as the JSON part of a sealed {@code RemotePayload} (A-G8, A-G9).
 */
public final class Messages {
    private Messages() {}

    // ---- relying party (API key) ----

    public record EnrolmentRequest(String userId, String deviceType) {}

    public record EnrolmentIssued(String enrolmentCode, String userId, String deviceType, String expiresAt) {}

    public record ChallengeView(String challengeId, String userId, String deviceId, Operation operation, String status,
            String outcome, List<String> reasons, Object assurance, String issuedAt) {}

    // ---- device (public, authenticated by SRP) ----

    public record DeviceRegistration(String tenant, String enrolmentCode, String deviceId, String srpGroup,
            String srpHash, String salt, String verifier) {}

    public record DeviceRegistered(String deviceId, String userId, String deviceType) {}

    public record SessionStart(String tenant, String deviceId) {}

    public record SessionOffer(String sessionId, String salt, String serverPublicB, String srpGroup, String srpHash,
            String expiresAt) {}

    public record SessionProof(String clientPublicA, String clientProofM1) {}

    public record SessionOpened(String serverProofM2, String expiresAt) {}

    // ---- sealed ----

    /** X.1279 §8.2.x step 3: the request with risk management data. */
    public record SealedRequest(Operation operation, String userId, DeviceRisk device, Long transactionValue) {}

    public record DeviceRisk(Boolean emulator, Boolean rooted, String osName, String osVersion, String model) {}

    /** Step 4: the decision logic's answer. The nonce also travels in the sealed header. */
    public record SealedChallenge(String challengeId, Operation operation, String biometricType, List<Action> actions,
            int timeLimitMillis, boolean padRequired, boolean secondModalityRequired, List<RiskDecision.FiredRule> rules,
            String nonce, String expiresAt, CaptureLimits limits) {}

    /** What the server accepts in a capture, so a client can check before it sends. */
    public record CaptureLimits(int minFrames, int maxFrames, int maxFrameBytes, int maxSide, double minFrameRate,
            int maxFrameGapMillis) {}

    /** Step 8: frames (as attachments, in this order) and the client's own measurements and verdict. */
    public record SealedCapture(String challengeId, List<FrameInfo> frames, List<Action> clientActions) {}

    public record FrameInfo(int sequence, long capturedAtMillis, ClientMeasurement client) {}

    /** Step 10/11: the result, integrity-protected by the channel (A-G8). */
    public record SealedResult(String challengeId, Operation operation, String outcome, List<String> reasons,
            Assurance assurance, String decidedAt) {}

    /**
     * What the decision rests on, for the RP's risk engine.
     *
     * @param comparisonScore protected-domain score against the reference (cosine estimate), if compared
     * @param attackScore     median presentation-attack score of the sampled frames
     */
    public record Assurance(String biometricType, List<Action> actionsRequested, List<Action> actionsSeen,
            List<Action> clientActionsClaimed, boolean padPerformed, Double attackScore, Double comparisonScore,
            Double matchThreshold, String referenceDeviceType, String referenceProtection,
            boolean secondModalityRequired, List<String> rules, String channel) {}
}
