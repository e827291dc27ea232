package org.countersign.core.channel;

/** A sealed message that must be refused. The reason code is what the API reports; details stay in logs. */
public final class ChannelException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** Sequence number not above the last accepted one: replayed or reordered. */
        CHANNEL_REPLAY,
        /** Authentication tag did not verify: ciphertext or header changed, or wrong key. */
        CHANNEL_TAMPERED,
        /** Timestamp outside the freshness window. */
        CHANNEL_STALE,
        CHANNEL_WRONG_SESSION,
        CHANNEL_WRONG_DIRECTION,
        CHANNEL_WRONG_TYPE,
        /** Not bound to the server nonce the receiver expects. */
        CHANNEL_WRONG_NONCE,
        /** Not a well-formed v1 encoding. */
        CHANNEL_MALFORMED,
        /** The sender ran out of sequence numbers: set up a new session. */
        CHANNEL_EXHAUSTED
    }

    private final Reason reason;

    public ChannelException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
