package org.countersign.server.audit;

import java.util.Objects;
import org.countersign.server.auth.Caller;

/** Who did it, in the words audit records use: an API principal, an authenticator, a device, or the node itself. */
public final class AuditActor {
    /** The node itself (start-up, bootstrap). */
    public static final AuditActor SYSTEM = new AuditActor("system");
    /** Whoever runs an offline command against the data folder (CLI import). */
    public static final AuditActor OPERATOR = new AuditActor("operator");

    private final String wire;

    private AuditActor(String wire) {
        this.wire = Objects.requireNonNull(wire, "actor");
    }

    /** An authenticated API principal, as {@link org.countersign.server.auth.Principal#actor()} names it. */
    public static AuditActor principal(String actor) {
        return new AuditActor(actor);
    }

    public static AuditActor of(Caller caller) {
        return new AuditActor(caller.actor());
    }

    /** An X.1280 out-of-band authenticator acting with its own key. */
    public static AuditActor authenticator(String authenticatorId) {
        return new AuditActor("authenticator:" + authenticatorId);
    }

    /** An X.1279 capture device acting over its secure channel. */
    public static AuditActor device(String deviceId) {
        return new AuditActor("device:" + deviceId);
    }

    public String wire() {
        return wire;
    }

    @Override
    public String toString() {
        return wire;
    }
}
