package org.countersign.core.channel;

/** Which way a sealed message travels. Each direction has its own key and its own sequence numbers. */
public enum Direction {
    CLIENT_TO_SERVER(1, "c2s"), SERVER_TO_CLIENT(2, "s2c");

    private final int wire;
    private final String label;

    Direction(int wire, String label) {
        this.wire = wire;
        this.label = label;
    }

    public int wire() {
        return wire;
    }

    String label() {
        return label;
    }

    static Direction ofWire(int wire) throws ChannelException {
        for (Direction d : values()) {
            if (d.wire == wire) {
                return d;
            }
        }
        throw new ChannelException(ChannelException.Reason.CHANNEL_MALFORMED, "unknown direction " + wire);
    }
}
