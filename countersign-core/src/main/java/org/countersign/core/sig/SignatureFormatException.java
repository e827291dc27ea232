package org.countersign.core.sig;

/** A key or signature whose encoding is malformed or not for ECDSA P-256. Never thrown for a merely wrong signature. */
public final class SignatureFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What exactly was wrong, for logs and problem responses. */
    public enum Reason { KEY_ENCODING, KEY_NOT_P256, POINT_NOT_ON_CURVE, JWK_FIELDS, SIGNATURE_LENGTH, SIGNATURE_DER }

    private final Reason reason;

    public SignatureFormatException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
