/**
 * Tamper-evident operation log (requirement A-G4): a SHA-256 hash chain over canonical event bytes, Ed25519-signed
 * checkpoints of the head, and a verifier that names the first altered seq.
 */
package org.countersign.core.audit;
