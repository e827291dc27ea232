package org.countersign.biometrics.api;

import java.util.Objects;

/**
 * The one checked failure of the biometric engine: every refusal carries a {@link ReasonCode} a client can show
 * and a human-readable detail. Nothing unchecked escapes the engine's public API.
 */
public final class BiometricException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ReasonCode reason;

    public BiometricException(ReasonCode reason, String detail) {
        super(detail);
        this.reason = Objects.requireNonNull(reason);
    }

    public BiometricException(ReasonCode reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = Objects.requireNonNull(reason);
    }

    public ReasonCode reason() {
        return reason;
    }
}
