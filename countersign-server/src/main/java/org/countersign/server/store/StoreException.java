package org.countersign.server.store;

/** The store failed in a way the caller cannot repair (database down, constraint broken by a bug). */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
