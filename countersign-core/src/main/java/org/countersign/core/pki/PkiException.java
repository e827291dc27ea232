package org.countersign.core.pki;

/** A certificate or key could not be created, parsed or used. */
public final class PkiException extends RuntimeException {
    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
