/**
 * The out-of-band server authenticator of ITU-T X.1280 as a Java library (the CLI's {@code countersign
 * authenticator} is a thin shell over it). Entry points: {@link org.countersign.agent.oob.OobAuthenticator}
 * (enrol, open, decide), {@link org.countersign.agent.oob.AuthenticatorStore} (state behind the PIN),
 * {@link org.countersign.agent.oob.UserVerificationGate} (PIN or platform biometrics, X.1280 §9.2.3) and
 * {@link org.countersign.agent.oob.PushStream} (push with polling fallback). Failures are the subclasses of
 * {@link org.countersign.agent.oob.OobException}. No web framework: {@code java.net.http} and Jackson only.
 */
package org.countersign.agent.oob;
