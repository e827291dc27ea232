package org.countersign.server.local;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a device proves possession of its credential; stored in {@code local_credentials.format}. */
public enum CredentialFormat {
    /** W3C WebAuthn through the browser (platform authenticator with user verification). */
    WEBAUTHN("webauthn"),
    /** The Countersign native authentication agent (27553-1 6.2.3), face comparison on the device. */
    AGENT("countersign-agent");

    private final String wire;

    CredentialFormat(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public static CredentialFormat parse(String value) {
        if (value == null) {
            return WEBAUTHN;
        }
        for (CredentialFormat f : values()) {
            if (f.wire.equals(value.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("format must be 'webauthn' or 'countersign-agent'");
    }
}
