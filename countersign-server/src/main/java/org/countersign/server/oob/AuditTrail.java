package org.countersign.server.oob;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;

/**
 * Where the out-of-band flow writes what matters for security (A-G4). The flow describes each event with the audit
 * package's typed values; {@link AuditLogTrail} hands them to the hash-chained audit log exactly as the flow used to
 * itself, so the chain's bytes do not depend on which side of this port described them. Tests keep the events in a
 * list instead.
 */
public interface AuditTrail {

    /** One event as the flow describes it; address-only refusals have no tenant, and a few events no subject. */
    record Event(AuditAction action, Optional<String> tenantId, AuditActor actor, String requestId,
            Optional<AuditSubject> subject, Map<String, String> details, AuditOutcome outcome) {
        public Event {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(actor, "an audit event needs an actor: call by(...)");
            Objects.requireNonNull(subject, "subject");
            details = Map.copyOf(details);
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /** Appends the event and returns once it is durable; throws (failing the caller's request) when it cannot be. */
    void record(Event event);

    /** Starts an event; {@link Entry#record} appends it. */
    default Entry event(AuditAction action) {
        return new Entry(this, action);
    }

    /** One event being described, in the same steps as the audit log's own entries; used once, by one thread. */
    final class Entry {
        private final AuditTrail trail;
        private final AuditAction action;
        private Optional<String> tenantId = Optional.empty();
        private AuditActor actor;
        private String requestId;
        private Optional<AuditSubject> subject = Optional.empty();
        private Map<String, String> details = Map.of();

        private Entry(AuditTrail trail, AuditAction action) {
            this.trail = trail;
            this.action = action;
        }

        public Entry tenant(String tenant) {
            this.tenantId = Optional.of(tenant);
            return this;
        }

        public Entry by(AuditActor who, String requestId) {
            this.actor = who;
            this.requestId = requestId;
            return this;
        }

        public Entry about(AuditSubject what) {
            this.subject = Optional.of(what);
            return this;
        }

        /** Further key/value pairs (no secrets). */
        public Entry details(Map<String, String> more) {
            this.details = more;
            return this;
        }

        public void record(AuditOutcome outcome) {
            trail.record(new Event(action, tenantId, actor, requestId, subject, details, outcome));
        }
    }
}
