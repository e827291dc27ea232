package org.countersign.server.http;

/**
 * Every kind of error the API answers with, as an RFC 9457 problem {@code type}. The URIs are identifiers that
 * never change once published; {@code docs/api.md} lists each (ProblemCatalogueTest keeps it so).
 */
public enum ProblemType {
    MALFORMED_JSON(400, "malformed-json", "Request body is not valid JSON for this operation"),
    VALIDATION_FAILED(400, "validation-failed", "A field is missing or has an invalid value"),
    BAD_REQUEST(400, "bad-request", "The HTTP request is malformed"),
    UNAUTHENTICATED(401, "unauthenticated", "Missing or invalid credentials"),
    FORBIDDEN(403, "forbidden", "The credentials are valid but not allowed to do this"),
    TENANT_DISABLED(403, "tenant-disabled", "The relying party is disabled"),
    NOT_FOUND(404, "not-found", "No such resource"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed on this resource"),
    CONFLICT(409, "conflict", "The request conflicts with the current state"),
    PAYLOAD_TOO_LARGE(413, "payload-too-large", "Request body too large"),
    URI_TOO_LONG(414, "uri-too-long", "The request target is too long"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Content type must be application/json"),
    RATE_LIMITED(429, "rate-limited", "Too many requests"),
    REQUEST_HEADER_TOO_LARGE(431, "request-header-too-large", "The request header fields are too large"),
    SERVICE_UNAVAILABLE(503, "service-unavailable", "A dependency is unavailable; retry later"),

    // ---- feature modules add their problem types below their own marker (keep the blank lines) ----

    // [oob] out-of-band server authentication
    OOB_REQUEST_PENDING(409, "oob-request-pending", "Another server authentication request of this user is in progress"),
    NO_AUTHENTICATOR(409, "no-authenticator", "The user has no active out-of-band authenticator"),
    ENROLMENT_CODE_INVALID(400, "enrolment-code-invalid", "The enrolment code is wrong, already used or expired"),
    ENROLMENT_LOCKED(429, "enrolment-locked", "Too many wrong enrolment codes for this enrolment, user or address; retry later"),
    AUTHENTICATOR_SIGNATURE_INVALID(401, "authenticator-signature-invalid",
            "The authenticator signature is missing, stale, replayed or does not verify"),
    SIGNATURE_MALFORMED(400, "signature-malformed", "A signature or public key is not a valid P-256 encoding"),
    AUTHENTICATOR_REVOKED(403, "authenticator-revoked", "The authenticator has been revoked"),
    AUTHENTICATOR_PIN_INVALID(403, "authenticator-pin-invalid",
            "The PIN-protected approval signature does not verify (wrong PIN); repeated failures lock the authenticator"),
    AUTHENTICATOR_MISMATCH(403, "authenticator-mismatch", "The authenticator is not registered to this request's user"),
    REQUEST_EXPIRED(410, "request-expired", "The server authentication request has expired"),
    REQUEST_ALREADY_DECIDED(409, "request-already-decided", "The server authentication request was already decided"),
    REQUEST_NOT_PENDING(409, "request-not-pending", "The server authentication request is still queued"),
    OFFSET_MISMATCH(400, "offset-mismatch", "The offset hash or code does not match the request"),
    TERMINAL_NOT_BOUND(409, "terminal-not-bound", "The request needs the terminal's WebAuthn assertion before it can be approved"),
    RECOVERY_CODE_INVALID(400, "recovery-code-invalid", "The recovery code is wrong or already used"),
    RECOVERY_LOCKED(429, "recovery-locked", "Too many wrong recovery codes for this user; retry later"),

    // [local] local-mode biometric authentication
    LOCAL_MALFORMED_RESPONSE(400, "local-malformed-response", "The authenticator response cannot be decoded"),
    LOCAL_VERIFICATION_FAILED(403, "local-verification-failed", "The authenticator response did not verify"),
    LOCAL_ATTESTATION_REFUSED(403, "local-attestation-refused", "The authenticator's attestation is not trusted by this relying party"),
    LOCAL_ASSURANCE_INSUFFICIENT(403, "local-assurance-insufficient", "The authentication does not meet the relying party's minimum assurance"),
    LOCAL_CONSENT_REQUIRED(403, "local-consent-required", "The user has not consented to the current privacy notice"),
    LOCAL_CEREMONY_EXPIRED(410, "local-ceremony-expired", "The ceremony is unknown, expired or already finished"),

    // [remote] remote biometric authentication
    REMOTE_ENROLMENT_INVALID(403, "remote-enrolment-invalid", "The enrolment code is unknown, used or expired"),
    REMOTE_DEVICE_EXISTS(409, "remote-device-exists", "A device with this id is already registered"),
    REMOTE_DEVICE_REFUSED(403, "remote-device-refused", "The relying party's policy refuses this device"),
    REMOTE_SESSION_INVALID(401, "remote-session-invalid", "The secure-channel session is unknown, expired or spent"),
    REMOTE_SRP_FAILED(401, "remote-srp-failed", "The SRP proof did not verify"),
    REMOTE_CLIENT_MISMATCH(403, "remote-client-mismatch", "The session belongs to another client"),
    REMOTE_CHANNEL_REFUSED(400, "remote-channel-refused", "The sealed message was altered, replayed, reordered or stale"),
    REMOTE_CHALLENGE_INVALID(409, "remote-challenge-invalid", "The challenge is unknown, expired or already answered"),
    REMOTE_NOT_REGISTERED(409, "remote-not-registered", "No biometric reference is registered for this user"),
    REMOTE_CAPTURE_UNUSABLE(422, "remote-capture-unusable", "The capture cannot be judged; capture again"),
    REMOTE_GRANT_INVALID(403, "remote-grant-invalid", "A grant from the relying party is missing, unknown, used or expired"),
    REMOTE_CONSENT_REQUIRED(403, "remote-consent-required", "The user has not consented to the current remote privacy notice"),
    REMOTE_ENGINE_UNAVAILABLE(503, "remote-engine-unavailable", "The face engine could not be loaded"),

    // ---- end of feature modules ----

    INTERNAL(500, "internal-error", "Internal error; the request id identifies it in the server log");

    public static final String BASE = "https://countersign.dev/problems/";

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public String uri() {
        return BASE + slug;
    }
}
