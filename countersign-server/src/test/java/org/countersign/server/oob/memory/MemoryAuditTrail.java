package org.countersign.server.oob.memory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.oob.AuditTrail;

/** {@link AuditTrail} in memory: the events in the order they were recorded, for tests to assert on. */
public final class MemoryAuditTrail implements AuditTrail {
    private final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void record(Event event) {
        events.add(event);
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    /** The events of one action, oldest first. */
    public List<Event> of(AuditAction action) {
        return events.stream().filter(e -> e.action() == action).toList();
    }

    /** The last event of one action; fails when there is none. */
    public Event last(AuditAction action) {
        List<Event> found = of(action);
        if (found.isEmpty()) {
            throw new AssertionError("no audit event " + action + " among " + events);
        }
        return found.get(found.size() - 1);
    }
}
