/**
 * Envelope encryption for stored secrets (requirements A-G5, A-G6). Application values are sealed by
 * {@link org.countersign.core.keys.KeyService} under per-purpose data keys; data keys are stored wrapped under a
 * master key from a {@link org.countersign.core.keys.MasterKeyProvider}. Every ciphertext is a
 * {@link org.countersign.core.keys.SealedBlob} naming its key and bound to
 * {@link org.countersign.core.keys.AssociatedData}. Small key files go through
 * {@link org.countersign.core.keys.SealedFiles}.
 */
package org.countersign.core.keys;
