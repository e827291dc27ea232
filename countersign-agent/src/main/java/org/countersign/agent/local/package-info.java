/**
 * The Countersign native authentication agent for local mode (ISO/IEC 27553-1 6.2.3 and Annex A): face comparison
 * on the device, a signing key the agent's code opens only after a local match (a software gate: see
 * {@code DeviceVault} for what it does not stop), challenges accepted only under the
 * pinned server key, the caller's origin signed into every response, attestation by a Countersign
 * agent-attestation CA, and deregistration that removes keys and references from the device. Nothing biometric
 * leaves this package's objects: responses carry public keys, identifiers and signatures only (SR-B-3).
 */
package org.countersign.agent.local;
