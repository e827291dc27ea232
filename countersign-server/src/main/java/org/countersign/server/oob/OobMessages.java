package org.countersign.server.oob;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.oob.ApprovalStatement;
import org.countersign.core.oob.Offset;
import org.countersign.server.http.Validate;
import org.countersign.server.local.LocalCredentialService;
import org.countersign.server.local.LocalMessages.WebAuthnRequestOptions;
import org.countersign.server.oob.origin.RelayCheck;

/**
 * Request and response bodies of the out-of-band API (docs/oob-api.md). Each request record refuses bad values when
 * it is built.
 */
public final class OobMessages {
    private OobMessages() {}

    static final int MAX_DEVICE_NAME = 64;
    static final int MAX_SPKI_TEXT = 700;

    /** {@code POST /v1/oob/enrolments}. */
    public record IssueEnrolment(String userId) {
        public IssueEnrolment {
            Validate.id("userId", userId);
        }
    }

    /** {@code POST /v1/oob/authenticator/enrolments}. */
    public record CompleteEnrolment(String enrolmentCode, String deviceName, String publicKeySpki, String approvalKeySpki) {
        public CompleteEnrolment {
            if (enrolmentCode == null || enrolmentCode.isEmpty() || enrolmentCode.length() > 64) {
                throw new IllegalArgumentException("enrolmentCode is required (12 characters, dashes optional)");
            }
            deviceName = Validate.text("deviceName", deviceName, MAX_DEVICE_NAME);
            if (publicKeySpki == null || publicKeySpki.isEmpty() || publicKeySpki.length() > MAX_SPKI_TEXT) {
                throw new IllegalArgumentException("publicKeySpki is required (base64url SPKI DER of a P-256 key)");
            }
            if (approvalKeySpki != null && (approvalKeySpki.isEmpty() || approvalKeySpki.length() > MAX_SPKI_TEXT)) {
                throw new IllegalArgumentException("approvalKeySpki, when sent, is the base64url SPKI DER of a P-256 key");
            }
        }

        ByteArray spki() {
            return base64url("publicKeySpki", publicKeySpki);
        }

        Optional<ByteArray> approvalSpki() {
            return approvalKeySpki == null ? Optional.empty() : Optional.of(base64url("approvalKeySpki", approvalKeySpki));
        }
    }

    /** {@code POST …/rename}. */
    public record Rename(String deviceName) {
        public Rename {
            deviceName = Validate.text("deviceName", deviceName, MAX_DEVICE_NAME);
        }
    }

    /**
     * {@code POST /v1/oob/requests}: the X.1280 §8.3 offset fields as the relying party observed them. Building the
     * {@link Offset} here validates every field (canonical IP addresses, lengths, printable text).
     */
    public record CreateRequest(String userId, String rpServerIp, String rpSessionId, String terminalPublicIp,
            String terminalPrivateIp, String browser, String browserVersion, String requestTime, String mode) {
        public CreateRequest {
            Validate.id("userId", userId);
            if (requestTime != null) {
                parseTime(requestTime);
            }
        }

        Offset offset(Instant now) {
            Instant t = requestTime == null ? now : parseTime(requestTime);
            return new Offset(rpServerIp, rpSessionId, terminalPublicIp, Optional.ofNullable(terminalPrivateIp), browser,
                    browserVersion, userId, t);
        }

        private static Instant parseTime(String s) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("requestTime must be an ISO-8601 UTC time such as 2026-11-23T10:00:00Z");
            }
        }
    }

    /**
     * {@code POST /v1/oob/requests/{requestId}/terminal-assertion}: the WebAuthn assertion the relying party's page
     * made at the terminal over the offset hash (mode {@code webauthn-bound}, X.1280 §9.1.1), members as the browser
     * returns them, base64url.
     */
    public record TerminalAssertion(String id, String clientDataJSON, String authenticatorData, String signature,
            String userHandle) {
        static final int MAX = 16 * 1024;

        public TerminalAssertion {
            for (String[] f : new String[][] {{"id", id}, {"clientDataJSON", clientDataJSON},
                    {"authenticatorData", authenticatorData}, {"signature", signature}}) {
                if (f[1] == null || f[1].isEmpty() || f[1].length() > MAX) {
                    throw new IllegalArgumentException(f[0] + " is required (base64url)");
                }
                base64url(f[0], f[1]);
            }
            if (userHandle != null && (userHandle.length() > MAX || !userHandle.isEmpty() && base64url("userHandle", userHandle) == null)) {
                throw new IllegalArgumentException("userHandle must be base64url");
            }
        }

        LocalCredentialService.WebAuthnAssertion toAssertion() {
            return new LocalCredentialService.WebAuthnAssertion(base64url("id", id),
                    base64url("clientDataJSON", clientDataJSON), base64url("authenticatorData", authenticatorData),
                    base64url("signature", signature),
                    userHandle == null || userHandle.isEmpty() ? null : base64url("userHandle", userHandle));
        }
    }

    /** {@code POST /v1/oob/authenticator/responses}: the signed decision of §8.4/§8.5. */
    public record Decide(String requestId, String authenticatorId, String decision, String code, String offsetHash,
            Long signedAt, String signature, String approvalSignature) {
        public Decide {
            if (!Ids.wellFormed(requestId, "req")) {
                throw new IllegalArgumentException("requestId is not a request id");
            }
            if (authenticatorId == null || authenticatorId.length() > 64) {
                throw new IllegalArgumentException("authenticatorId is required");
            }
            decision(decision);
            if (code == null || !code.matches("[0-9]{6,10}")) {
                throw new IllegalArgumentException("code must be 6 to 10 digits");
            }
            if (offsetHash == null || base64url("offsetHash", offsetHash).length() != 32) {
                throw new IllegalArgumentException("offsetHash must be 32 bytes in base64url");
            }
            if (signedAt == null || signedAt < 0) {
                throw new IllegalArgumentException("signedAt (milliseconds) is required");
            }
            if (signature == null) {
                throw new IllegalArgumentException("signature is required");
            }
        }

        ApprovalStatement statement() {
            return new ApprovalStatement(requestId, base64url("offsetHash", offsetHash), code, decision(decision),
                    Instant.ofEpochMilli(signedAt));
        }

        private static ApprovalStatement.Decision decision(String d) {
            if (d == null) {
                throw new IllegalArgumentException("decision must be approve, reject or codes_differ");
            }
            return switch (d) {
                case "approve" -> ApprovalStatement.Decision.APPROVE;
                case "reject" -> ApprovalStatement.Decision.REJECT;
                case "codes_differ" -> ApprovalStatement.Decision.CODES_DIFFER;
                default -> throw new IllegalArgumentException("decision must be approve, reject or codes_differ");
            };
        }
    }

    /** {@code PUT /v1/oob/users/{userId}/password-login}. */
    public record PasswordLogin(Boolean disabled) {
        public PasswordLogin {
            if (disabled == null) {
                throw new IllegalArgumentException("disabled (true or false) is required");
            }
        }
    }

    /** {@code POST /v1/oob/users/{userId}/recover}. */
    public record Recover(String recoveryCode) {
        public Recover {
            if (recoveryCode == null || recoveryCode.isEmpty() || recoveryCode.length() > 64) {
                throw new IllegalArgumentException("recoveryCode is required");
            }
        }
    }

    // ---- response bodies: a null member is left out (the API mapper's NON_ABSENT), unless marked ALWAYS ----

    /** {@code 201} of {@code POST /v1/oob/enrolments}: what the RP shows the user to enrol an authenticator. */
    public record EnrolmentIssuedView(String enrolmentId, String userId, String enrolmentCode, String enrolmentUri,
            String qrPngBase64, String expiresAt) {}

    /** One authenticator of a user; {@code lastUsedAt} is {@code null} until its first use. */
    public record AuthenticatorView(String authenticatorId, String deviceName, String createdAt,
            @JsonInclude(JsonInclude.Include.ALWAYS) String lastUsedAt, String status) {
        static AuthenticatorView of(AuthenticatorRepository.Authenticator a) {
            return new AuthenticatorView(a.authenticatorId(), a.deviceName(), a.createdAt().toString(),
                    a.lastUsedAt().map(Object::toString).orElse(null), a.active() ? "active" : "revoked");
        }
    }

    /** {@code GET /v1/oob/users/{userId}/authenticators}. */
    public record AuthenticatorList(List<AuthenticatorView> authenticators) {}

    /**
     * {@code 201} of {@code POST /v1/oob/requests} (X.1280 §8.3 steps 2-4): the code and its validity window for the
     * terminal; a queued request has a {@code queuePosition} and no code yet.
     */
    public record RequestCreatedView(String requestId, String status, String code, int digits, String expiresAt,
            int validitySeconds, RelayMode mode, WebAuthnRequestOptions webauthn, Integer queuePosition,
            String qrPayload) {}

    /**
     * The request event the phone gets (X.1280 §8.3 step 5), on the stream and from the pending poll: the canonical
     * offset, which the authenticator decodes, shows and hashes. Seen from an authenticator connection it adds the
     * network comparison and the relay mode (§9.1.1); {@code terminalBound} only in mode {@code webauthn-bound}.
     * The stream writes it with a mapper that keeps nulls, hence NON_NULL here.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RequestEvent(String requestId, String tenantId, String tenantName, String userId, String offset,
            int digits, String expiresAt, RelayCheck.View network, RelayMode mode, Boolean terminalBound) {}

    /** The stream's {@code resolved} event: a request the phone may show has ended, so it drops it. */
    public record RequestResolved(String requestId, String status) {}

    /** {@code GET /v1/oob/authenticator/pending}: the polling fallback of the stream. */
    public record PendingRequests(List<RequestEvent> requests) {}

    /** {@code 200} of {@code POST /v1/oob/authenticator/responses}: the state the request ended in (§8.5 step 3). */
    public record DecisionRecorded(RequestRepository.Status status) {}

    /** {@code GET} and {@code PUT /v1/oob/users/{userId}/password-login} (§9.2.1). */
    public record PasswordLoginView(boolean disabled) {}

    /** {@code 200} of {@code POST /v1/oob/requests/{requestId}/terminal-assertion} (§9.1.1): the terminal is bound. */
    public record TerminalBound(String requestId, boolean terminalBound, String credentialId) {}

    /**
     * {@code GET /v1/oob/requests/{requestId}} and the answer of cancel (§8.5 step 4). Members by state: a queued
     * request has its {@code queuePosition}; a pending one its {@code code}, {@code digits} and {@code expiresAt}
     * (a request that left the queue shows its code only now, C-S4); a decided one {@code decidedAt} and the
     * answering authenticator; {@code replacementPassword} (C-S5) the first time an approval is read, only.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RequestResult(String requestId, String userId, RequestRepository.Status status,
            Integer queuePosition, String code, Integer digits, String expiresAt, String decidedAt,
            String authenticatorId, String deviceName, RelayMode mode, Boolean terminalBound, RelayCheck.View network,
            String replacementPassword) {}

    static ByteArray base64url(String field, String text) {
        if (!text.matches("[A-Za-z0-9_-]*")) {
            throw new IllegalArgumentException(field + " must be base64url without padding");
        }
        try {
            return ByteArray.copyOf(Base64.getUrlDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " must be base64url without padding");
        }
    }
}
