package org.countersign.core.keys;

import java.util.Objects;

/** Opening (or wrapping) sealed material failed; {@link #reason()} says why without revealing secrets. */
public final class KeyServiceException extends RuntimeException {
    public enum Reason {
        /** The blob names a data key or master key that this node does not know (or that was retired). */
        UNKNOWN_KEY,
        /** The GCM tag did not verify: the blob was altered, or the associated data differ from sealing time. */
        AUTHENTICATION_FAILED,
        /** The bytes are not a well-formed blob of a known version. */
        MALFORMED
    }

    private final Reason reason;

    public KeyServiceException(Reason reason, String message) {
        this(reason, message, null);
    }

    public KeyServiceException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = Objects.requireNonNull(reason);
    }

    public Reason reason() {
        return reason;
    }
}
