package org.countersign.server.remote;

import org.countersign.server.audit.AuditOutcome;

/**
 * How a remote challenge ended (X.1279 §8.2 step 10/11). The names are wire values of the sealed result and the
 * relying party's challenge view; {@link #auditOutcome()} is how the audit record states it.
 */
public enum RemoteOutcome {
    ACCEPTED(AuditOutcome.SUCCESS),
    REFUSED(AuditOutcome.REFUSED),
    /** A-S5: the face matched, but the risk rules asked for a second modality the RP must add. */
    SECOND_FACTOR_REQUIRED(AuditOutcome.INCOMPLETE),
    /** The capture could not be judged (answered 422): capture again. */
    UNUSABLE(AuditOutcome.REFUSED);

    private final AuditOutcome auditOutcome;

    RemoteOutcome(AuditOutcome auditOutcome) {
        this.auditOutcome = auditOutcome;
    }

    public AuditOutcome auditOutcome() {
        return auditOutcome;
    }
}
