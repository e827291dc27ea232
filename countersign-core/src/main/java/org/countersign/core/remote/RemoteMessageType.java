package org.countersign.core.remote;

/**
 * Message types of the remote protocol, carried in the authenticated header of every sealed message
 * ({@code SealedMessage#messageType}). Because the type is associated data, a capture cannot be replayed as a
 * request or a result reflected as a capture (X.1279 §9.2, replay protection).
 */
public enum RemoteMessageType {
    /** Client → server: registration, authentication or deregistration request with risk data (§8.2.x step 3). */
    REQUEST(0x0501),
    /** Server → client: biometric type, actions and limits chosen by the decision logic (step 4). */
    CHALLENGE(0x0502),
    /** Client → server: captured frames and client measurements, bound to the challenge nonce (step 8). */
    CAPTURE(0x0503),
    /** Server → client: the decision with reason codes and an assurance summary (step 10 or 11). */
    RESULT(0x0504),
    /** Client → server: a batch of frames of a live capture, bound to the challenge nonce (streamed step 8). */
    FRAMES(0x0505),
    /** Server → client: the next action to perform now, sent at a moment the server chose (live capture). */
    PROMPT(0x0506);

    private final int wire;

    RemoteMessageType(int wire) {
        this.wire = wire;
    }

    public int wire() {
        return wire;
    }
}
