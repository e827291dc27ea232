/**
 * One-time passwords on the JDK {@code Mac}: {@link org.countersign.core.otp.Hotp} (RFC 4226),
 * {@link org.countersign.core.otp.Totp} (RFC 6238) and {@link org.countersign.core.otp.Ocra} with
 * {@link org.countersign.core.otp.OcraSuite} (RFC 6287). Keys are {@code SecretBytes}; malformed suites and inputs
 * raise {@link org.countersign.core.otp.OtpFormatException}.
 */
package org.countersign.core.otp;
