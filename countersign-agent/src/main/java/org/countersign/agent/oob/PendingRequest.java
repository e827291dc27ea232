package org.countersign.agent.oob;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.countersign.core.oob.Offset;
import org.countersign.core.oob.ServerAuthCode;

/**
 * A server-authentication request as the authenticator shows it (X.1280 §8.3 steps 5–7): the offset decoded
 * from the canonical bytes the verifier pushed and the code this device computed from those bytes with its own
 * verification key. No code or offset field is taken from the network as-is: what the user compares is what this
 * device derived.
 *
 * @param requestId  the verifier's request id
 * @param tenantId   relying-party id
 * @param tenantName the service name to show
 * @param offset     the decoded offset: terminal IPs, browser, user, request time (what the user checks)
 * @param code       the code computed here, with the offset hash it covers
 * @param expiresAt  end of the validity window announced by the verifier
 */
public record PendingRequest(String requestId, String tenantId, String tenantName, Offset offset,
                             ServerAuthCode code, Instant expiresAt, Optional<NetworkNotice> network) {

    /** A request without the verifier's network check. */
    public PendingRequest(String requestId, String tenantId, String tenantName, Offset offset, ServerAuthCode code,
            Instant expiresAt) {
        this(requestId, tenantId, tenantName, offset, code, expiresAt, Optional.empty());
    }

    public PendingRequest {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(tenantName, "tenantName");
        Objects.requireNonNull(offset, "offset");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** The user the request is for (from the offset, X.1280 §8.3). */
    public String userId() {
        return offset.userId();
    }

    /** Remaining validity, never negative (X.1280 §8.3: show the time left). */
    public Duration timeLeft(Instant now) {
        Duration d = Duration.between(now, expiresAt);
        return d.isNegative() ? Duration.ZERO : d;
    }

    public boolean expired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** The code in groups of three digits ("493 021", "12 345 678"), easier to compare at a glance. */
    public String groupedCode() {
        String v = code.value();
        StringBuilder sb = new StringBuilder();
        int first = v.length() % 3 == 0 ? 3 : v.length() % 3;
        sb.append(v, 0, first);
        for (int i = first; i < v.length(); i += 3) {
            sb.append(' ').append(v, i, i + 3);
        }
        return sb.toString();
    }
}
