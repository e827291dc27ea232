/**
 * Freshness and single use (A-G3): {@link org.countersign.core.replay.Challenge},
 * {@link org.countersign.core.replay.FreshnessPolicy} and the {@link org.countersign.core.replay.NonceGuard}
 * interface with a bounded in-memory implementation. Everything takes an injected {@code Clock}.
 */
package org.countersign.core.replay;
