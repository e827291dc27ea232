package org.countersign.server.remote;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The risk management data the decision logic weighs (X.1279 §8.2.x step 3): what the client reports about the
 * device and operation, and what the server knows about the user from its own records.
 *
 * @param operation the requested operation
 * @param device    device risk
 * @param user      user risk, from the server's history
 * @param value     transaction value for authentication of a payment or similar (the RP's, or the device's when
 *                  higher: a device may raise the value, never lower it)
 * @param rp        what the relying party itself stated about this operation
 */
public record RiskSignals(Operation operation, Device device, User user, OptionalLong value, RelyingParty rp) {
    public RiskSignals {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(rp, "rp");
    }

    /** Without RP risk data (registration and deregistration, where the RP's grant stands for its own check). */
    public RiskSignals(Operation operation, Device device, User user, OptionalLong value) {
        this(operation, device, user, value, RelyingParty.NONE);
    }

    /**
     * The RP's own risk data, from its API call that opened the authentication.
     *
     * @param extraActions   actions the RP adds (0-2)
     * @param secondModality the RP requires a second factor on top of the face
     */
    public record RelyingParty(int extraActions, boolean secondModality) {
        public static final RelyingParty NONE = new RelyingParty(0, false);

        public RelyingParty {
            if (extraActions < 0 || extraActions > 2) {
                throw new IllegalArgumentException("extraActions must be 0..2");
            }
        }
    }

    /**
     * @param knownDevice  the device completed at least one accepted operation before
     * @param emulator     the client reports running in an emulator
     * @param rooted       the client reports a rooted or jail-broken system
     * @param osName       operating system name as reported (e.g. {@code android})
     * @param osVersion    its version, dotted numbers
     */
    public record Device(boolean knownDevice, boolean emulator, boolean rooted, String osName, String osVersion) {
        public Device {
            osName = osName == null ? "" : osName;
            osVersion = osVersion == null ? "" : osVersion;
        }
    }

    /**
     * @param recentFailures    refused attempts inside the policy's failure window
     * @param newNetwork        the request comes from a network this user was never accepted from
     * @param sinceLastSuccess  time since the last accepted operation, empty if there was none
     */
    public record User(int recentFailures, boolean newNetwork, Optional<Duration> sinceLastSuccess) {
        public User {
            Objects.requireNonNull(sinceLastSuccess, "sinceLastSuccess");
        }
    }
}
