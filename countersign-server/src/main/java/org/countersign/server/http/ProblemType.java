package org.countersign.server.http;

/**
 * Every kind of error the API answers with, as an RFC 9457 problem {@code type}. The URIs are identifiers that
 * never change once published; {@code docs/api.md} explains each.
 */
public enum ProblemType {
    MALFORMED_JSON(400, "malformed-json", "Request body is not valid JSON for this operation"),
    VALIDATION_FAILED(400, "validation-failed", "A field is missing or has an invalid value"),
    UNAUTHENTICATED(401, "unauthenticated", "Missing or invalid credentials"),
    FORBIDDEN(403, "forbidden", "The credentials are valid but not allowed to do this"),
    TENANT_DISABLED(403, "tenant-disabled", "The relying party is disabled"),
    NOT_FOUND(404, "not-found", "No such resource"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed on this resource"),
    CONFLICT(409, "conflict", "The request conflicts with the current state"),
    PAYLOAD_TOO_LARGE(413, "payload-too-large", "Request body too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Content type must be application/json"),
    RATE_LIMITED(429, "rate-limited", "Too many requests"),
    SERVICE_UNAVAILABLE(503, "service-unavailable", "A dependency is unavailable; retry later"),

    // ---- feature modules add their problem types below their own marker (keep the blank lines) ----

    // [oob] out-of-band server authentication

    // [local] local-mode biometric authentication

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
