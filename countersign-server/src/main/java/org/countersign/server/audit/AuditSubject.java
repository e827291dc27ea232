package org.countersign.server.audit;

import java.util.Objects;

/** What an event was done to. Each kind has its own factory, so a subject cannot be passed where an actor goes. */
public final class AuditSubject {
    private final String wire;

    private AuditSubject(String wire) {
        this.wire = Objects.requireNonNull(wire, "subject");
    }

    public static AuditSubject user(String userId) {
        return new AuditSubject(userId);
    }

    public static AuditSubject tenant(String tenantId) {
        return new AuditSubject(tenantId);
    }

    /** An API key, by its public key id. */
    public static AuditSubject apiKey(String keyId) {
        return new AuditSubject(keyId);
    }

    /** A client certificate, by its SHA-256 fingerprint. */
    public static AuditSubject certificate(String fingerprint) {
        return new AuditSubject(fingerprint);
    }

    /** An X.1279 capture device, by its device id. */
    public static AuditSubject device(String deviceId) {
        return new AuditSubject(deviceId);
    }

    /** A source address, for refusals no user can be named for yet (wrong enrolment codes). */
    public static AuditSubject address(String ip) {
        return new AuditSubject("ip:" + ip);
    }

    /** A request path, for requests the HTTP edge refused. */
    public static AuditSubject path(String path) {
        return new AuditSubject(path);
    }

    /** This server node. */
    public static AuditSubject node() {
        return new AuditSubject("node");
    }

    public String wire() {
        return wire;
    }

    @Override
    public String toString() {
        return wire;
    }
}
