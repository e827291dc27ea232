package org.countersign.agent.remote;

import java.util.Objects;
import org.countersign.core.bytes.SecretBytes;

/**
 * The device's remote-mode credential (A-C5): its id, which is the SRP identity, and the secret from which the
 * server's verifier was made. The secret never leaves the device; the server only ever sees the verifier.
 *
 * @param tenant     the relying party the device is enrolled with
 * @param deviceId   random id chosen by the device at enrolment
 * @param userId     the user the RP enrolled the device for
 * @param deviceType the device type the RP named (references are kept per device type, X.1279 §7.3.3)
 * @param secret     32 random bytes, the SRP password
 */
public record DeviceCredential(String tenant, String deviceId, String userId, String deviceType, SecretBytes secret) {
    public DeviceCredential {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceType, "deviceType");
        Objects.requireNonNull(secret, "secret");
    }
}
