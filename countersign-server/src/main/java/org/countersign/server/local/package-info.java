/**
 * Local-mode biometric authentication (ISO/IEC 27553-1): the verifier side of Annex A. The biometric comparison
 * happens on the user's device; the server registers a public key bound to that local gate, verifies signatures
 * with it and reports an assurance vector (Annex C) for every authentication.
 *
 * <p>Two kinds of device credentials share one table: WebAuthn authenticators (platform biometrics through the
 * browser, user verification required) and the Countersign native agent ({@code countersign-agent}).
 * {@link org.countersign.server.local.LocalCredentialService} reads as the numbered steps of A.3.2–A.3.4.
 */
package org.countersign.server.local;
