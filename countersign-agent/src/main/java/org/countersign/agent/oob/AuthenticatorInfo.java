package org.countersign.agent.oob;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the authenticator knows about its enrolment that is not secret: readable without the PIN so that
 * {@code status} can tell the user which authenticator to revoke even after a lockout.
 *
 * @param authenticatorId the verifier's id for this authenticator
 * @param tenantId        relying-party (tenant) id (X.1280 §8.1 step 10)
 * @param tenantName      name shown to the user as the service
 * @param userId          the relying party's user id
 * @param deviceName      the name the user gave this authenticator
 * @param server          verifier origin
 * @param caPem           CA certificates trusted for the verifier, when not the system trust store
 * @param enrolledAt      when enrolment completed
 */
public record AuthenticatorInfo(String authenticatorId, String tenantId, String tenantName, String userId,
                                String deviceName, URI server, Optional<String> caPem, Instant enrolledAt) {
    public AuthenticatorInfo {
        Objects.requireNonNull(authenticatorId, "authenticatorId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(tenantName, "tenantName");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceName, "deviceName");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(caPem, "caPem");
        Objects.requireNonNull(enrolledAt, "enrolledAt");
    }

    ServerTrust trust() throws OobException.BadInput {
        return caPem.isPresent() ? ServerTrust.caPem(caPem.get()) : ServerTrust.systemDefault();
    }
}
