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
 * @param value     transaction value for authentication of a payment or similar, if the RP gave one
 */
public record RiskSignals(Operation operation, Device device, User user, OptionalLong value) {
    public RiskSignals {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(value, "value");
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
