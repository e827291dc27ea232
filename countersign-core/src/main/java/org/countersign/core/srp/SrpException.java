package org.countersign.core.srp;

/** An SRP-6a handshake that must stop. Each reason maps to one problem type at the API. */
public final class SrpException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** A or B is 0 mod N or too long (RFC 5054 §2.5.4, §2.5.3): a forged value that would fix S. */
        SRP_BAD_PUBLIC_VALUE,
        /** M1 from the client does not match: wrong password or tampering. */
        SRP_BAD_CLIENT_PROOF,
        /** M2 from the server does not match: the server does not know the verifier. */
        SRP_BAD_SERVER_PROOF,
        /** Steps called out of order or twice. */
        SRP_STATE
    }

    private final Reason reason;

    public SrpException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
