/**
 * The Countersign native authentication agent for local mode (ISO/IEC 27553-1 6.2.3 and Annex A): face comparison
 * on the device, a signing key released only after a local match, attestation by a Countersign agent-attestation
 * CA, and deregistration that removes keys and references from the device. Nothing biometric leaves this package's
 * objects: responses carry public keys, identifiers and signatures only (SR-B-3).
 */
package org.countersign.agent.local;
