package org.countersign.server.oob;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a request defends against a real-time relay (X.1280 §9.1.1): the network check alone, or also a WebAuthn
 * assertion the terminal makes over the offset hash. The stored relay row keeps the wire text.
 */
public enum RelayMode {
    PLAIN("plain"),
    WEBAUTHN_BOUND("webauthn-bound");

    private final String wire;

    RelayMode(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** The mode a stored relay row names. */
    static RelayMode ofWire(String s) {
        for (RelayMode m : values()) {
            if (m.wire.equals(s)) {
                return m;
            }
        }
        throw new IllegalStateException("unknown relay mode " + s);
    }
}
