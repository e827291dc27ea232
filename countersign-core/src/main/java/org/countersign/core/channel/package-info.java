/**
 * Application-layer secure channel inside TLS (X.1279 §9.4; A-G3, A-G8, A-G9): per-direction AES-256-GCM keys from
 * the SRP session key, authenticated headers, strictly increasing sequence numbers, freshness window and typed
 * {@link org.countersign.core.channel.ChannelException} reasons.
 */
package org.countersign.core.channel;
