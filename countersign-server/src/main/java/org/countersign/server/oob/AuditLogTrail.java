package org.countersign.server.oob;

import org.countersign.server.audit.AuditLog;

/**
 * The {@link AuditTrail} port on the hash-chained {@link AuditLog}: each event is described to the log in the same
 * calls the flow made before the port existed, so the log stamps, normalises and hashes the same bytes and existing
 * chains keep verifying.
 */
final class AuditLogTrail implements AuditTrail {
    private final AuditLog log;

    AuditLogTrail(AuditLog log) {
        this.log = log;
    }

    @Override
    public void record(Event e) {
        AuditLog.Entry entry = log.event(e.action()).tenant(e.tenantId()).by(e.actor(), e.requestId())
                .details(e.details());
        e.subject().ifPresent(entry::about);
        entry.record(e.outcome());
    }
}
