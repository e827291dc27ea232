package org.countersign.server.remote;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a remote challenge stands, as the relying party reads it in {@code GET /v1/remote/challenges/{id}}. Only
 * {@link #OPEN} and {@link #ANSWERED} are stored (column {@code remote_challenges.status}); {@link #OPENED} is a
 * challenge the RP opened that no device has taken yet, so it has no challenge row.
 */
public enum ChallengeStatus {
    OPENED("opened"),
    OPEN("open"),
    ANSWERED("answered");

    private final String wire;

    ChallengeStatus(String wire) {
        this.wire = wire;
    }

    /** The JSON and database value. */
    @JsonValue
    public String wire() {
        return wire;
    }

    static ChallengeStatus stored(String value) {
        for (ChallengeStatus s : values()) {
            if (s != OPENED && s.wire.equals(value)) {
                return s;
            }
        }
        throw new IllegalStateException("unknown stored challenge status '" + value + "'");
    }
}
