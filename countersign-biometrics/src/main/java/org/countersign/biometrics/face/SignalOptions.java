package org.countersign.biometrics.face;

/**
 * Which of the costly per-frame outputs to compute. The cheap path (detection, landmarks, eye state and ratios)
 * suits every frame of a liveness sequence; the embedding and the presentation-attack score are for a few frames.
 */
public record SignalOptions(boolean embedding, boolean presentationAttack) {
    /** Detection, landmarks, pose proxies, eye state, ratios. */
    public static final SignalOptions CHEAP = new SignalOptions(false, false);
    /** Everything, including the identity template and the presentation-attack score. */
    public static final SignalOptions FULL = new SignalOptions(true, true);
}
