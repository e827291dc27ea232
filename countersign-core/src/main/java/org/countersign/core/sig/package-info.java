/**
 * ECDSA P-256 with SHA-256 for authenticator signatures: keys from SPKI, JWK or SEC1 points
 * ({@link org.countersign.core.sig.EcP256PublicKey}), signatures in P1363 (WebCrypto) or DER form, and a signer for
 * the Java authenticator. Malformed input raises {@link org.countersign.core.sig.SignatureFormatException}; a
 * well-formed signature that does not verify returns {@code false}.
 */
package org.countersign.core.sig;
