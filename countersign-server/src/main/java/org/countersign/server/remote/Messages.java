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

    /**
     * What the RP reads about one challenge. {@code status} is {@code opened} (the RP opened it, no device has taken
     * it yet), {@code open} (the device holds the challenge) or {@code answered}; {@code consumed} says whether the
     * RP already consumed the outcome (it can do so once).
     */
    public record ChallengeView(String challengeId, String userId, String deviceId, Operation operation,
            ChallengeStatus status, RemoteOutcome outcome, List<RemoteReason> reasons, Object assurance, String issuedAt,
            String authorisation, boolean consumed) {}

    /** X.1279 §8.2.1/§8.2.3 pre-condition: the RP authenticated the user its own way and allows one write. */
    public record GrantRequest(String userId, Operation operation) {}

    public record GrantIssued(String grant, String userId, Operation operation, String expiresAt) {}

    /**
     * The RP's own risk data for one authentication (X.1279 §8.2.2 step 3, A-S5). Each field can only raise the bar.
     *
     * @param emulator      the RP believes the device is an emulator
     * @param rooted        the RP believes the device is rooted or jailbroken
     * @param extraActions  further actions the RP asks for (0-2)
     * @param secondModality the RP requires a second factor on top of the face
     */
    public record RpRisk(Boolean emulator, Boolean rooted, Integer extraActions, Boolean secondModality) {
        public static RpRisk none() {
            return new RpRisk(false, false, 0, false);
        }
    }

    public record OpenAuthentication(String userId, Long transactionValue, RpRisk risk) {}

    public record AuthenticationOpened(String challengeId, String userId, Long transactionValue, String expiresAt) {}

    public record ConsentRequest(String noticeVersion) {}

    /** {@code POST /v1/remote/users/{userId}/consent}. */
    public record ConsentGranted(String userId, String noticeVersion) {}

    /** {@code DELETE /v1/remote/users/{userId}/consent}: withdrawal erases the user's remote data (B-P1). */
    public record ConsentWithdrawn(String userId, boolean withdrawn, int rowsErased) {}

    /** {@code DELETE /v1/remote/users/{userId}/data}. */
    public record DataErased(String userId, int rowsErased) {}

    /** {@code GET /v1/remote/users/{userId}/data}: metadata only, no template and no image (SR-B-3). */
    public record DataExport(String userId, String noticeVersion, boolean consented, List<DeviceView> devices,
            List<ReferenceView> references) {}

    /** A registered device in the data export. */
    public record DeviceView(String deviceId, String deviceType, String createdAt) {}

    /** A stored reference in the data export: how it is protected and where it came from, not the reference. */
    public record ReferenceView(String deviceType, String protection, String source, String createdAt) {}

    /** {@code GET /v1/remote/devices/{deviceId}/srp-lockouts}. */
    public record SrpLockouts(String deviceId, List<SrpLockoutView> lockouts) {}

    /** One source's SRP failures; {@code lockedUntil} is absent (null) while the source is not locked. */
    public record SrpLockoutView(String source, int failures, String lastFailure, String lockedUntil) {}

    /** {@code DELETE /v1/remote/devices/{deviceId}/srp-lockouts}. */
    public record SrpLockoutsCleared(String deviceId, int cleared) {}

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
    /**
     * X.1279 §8.2.x step 3: the request. {@code challengeId} names the authentication the RP opened (required for
     * AUTHENTICATE); {@code grant} is the RP's single-use grant (REGISTER, DEREGISTER). The device's risk data can
     * only raise the risk the RP stated.
     */
    public record SealedRequest(Operation operation, String userId, DeviceRisk device, Long transactionValue,
            String challengeId, String grant) {}

    public record DeviceRisk(Boolean emulator, Boolean rooted, String osName, String osVersion, String model) {}

    /** Step 4: the decision logic's answer. The nonce also travels in the sealed header. */
    public record SealedChallenge(String challengeId, Operation operation, String biometricType, List<Action> actions,
            int timeLimitMillis, boolean padRequired, boolean secondModalityRequired, List<RiskDecision.FiredRule> rules,
            String nonce, String expiresAt, CaptureLimits limits, LivePlan live) {}

    /**
     * How a live capture runs: the page flashes {@code flashColours} (CSS colours, {@code flashMillis} each) from its
     * first frame, then streams frames in batches; the server answers each batch with the next prompt at a moment it
     * chooses, and after the last prompt the client keeps filming {@code responseMillis} and sends the capture.
     * {@code expectedMillis} is the longest the whole capture can take, for choosing a frame rate.
     */
    public record LivePlan(List<String> flashColours, int flashMillis, int responseMillis, int expectedMillis) {}

    /** A batch of a live capture: frame descriptions, JPEGs as attachments, the client time the flashes started. */
    public record SealedFrames(String challengeId, List<FrameInfo> frames, Long flashStartMillis) {}

    /** The next prompt of a live capture; {@code remaining} prompts follow it. */
    public record SealedPrompt(String challengeId, int index, Action action, int remaining, int responseMillis) {}

    /** What the server accepts in a capture, so a client can check before it sends. */
    public record CaptureLimits(int minFrames, int maxFrames, int maxFrameBytes, int maxSide, double minFrameRate,
            int maxFrameGapMillis) {}

    /** Step 8: frames (as attachments, in this order) and the client's own measurements and verdict. */
    public record SealedCapture(String challengeId, List<FrameInfo> frames, List<Action> clientActions) {}

    public record FrameInfo(int sequence, long capturedAtMillis, ClientMeasurement client) {}

    /** Step 10/11: the result, integrity-protected by the channel (A-G8). */
    public record SealedResult(String challengeId, Operation operation, RemoteOutcome outcome, List<RemoteReason> reasons,
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
            boolean secondModalityRequired, List<String> rules, String channel, String authorisation,
            List<JudgeCheck> explanation) {}

    /** One check of the server's liveness judge, as the RP and the client read it (X.1279 App. III). */
    public record JudgeCheck(String check, CheckOutcome outcome, RemoteReason reason, String detail) {}

    /**
     * How one check of the judge ended: the liveness judge's own outcomes, and {@code REPORTED} for a check the
     * server measured and reports without refusing on it (screen light while it is not enforced).
     */
    public enum CheckOutcome {
        PASSED,
        FAILED,
        NOT_APPLICABLE,
        SKIPPED,
        REPORTED;

        static CheckOutcome of(Enum<?> judged) {
            return valueOf(judged.name());
        }

        static CheckOutcome passedIf(boolean passed) {
            return passed ? PASSED : FAILED;
        }
    }
}
