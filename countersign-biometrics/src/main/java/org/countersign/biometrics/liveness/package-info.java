/**
 * The server's liveness (anti-spoofing) judgement for remote face authentication (X.1279 7.3.2 and App. III,
 * ISO/IEC 27553-2 remote modes): challenges of random ordered actions, captured frames, and a judge that re-measures
 * every frame against a per-session baseline and checks actions and their order, 3-D head motion, still images,
 * frame replays, identity continuity, presentation-attack score, quality and the reference. Every decision carries an
 * {@link org.countersign.biometrics.liveness.Explanation}. Rules, thresholds and measured figures: {@code
 * docs/liveness.md}.
 */
package org.countersign.biometrics.liveness;
