package org.countersign.core.otp;

/** A suite string, code length or OTP input that the RFCs do not allow. */
public final class OtpFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public OtpFormatException(String message) {
        super(message);
    }
}
