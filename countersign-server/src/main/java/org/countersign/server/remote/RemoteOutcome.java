package org.countersign.server.remote;

/**
 * How a remote challenge ended (X.1279 §8.2 step 10/11). The names are wire values of the sealed result and the
 * relying party's challenge view; {@link #auditOutcome()} is the word the audit record carries.
 */
public enum RemoteOutcome {
    ACCEPTED("success"),
    REFUSED("refused"),
    /** A-S5: the face matched, but the risk rules asked for a second modality the RP must add. */
    SECOND_FACTOR_REQUIRED("incomplete"),
    /** The capture could not be judged (answered 422): capture again. */
    UNUSABLE("refused");

    private final String auditOutcome;

    RemoteOutcome(String auditOutcome) {
        this.auditOutcome = auditOutcome;
    }

    public String auditOutcome() {
        return auditOutcome;
    }
}
