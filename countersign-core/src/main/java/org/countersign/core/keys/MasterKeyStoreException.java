package org.countersign.core.keys;

/** A master key source cannot be used: missing, unreadable, malformed or badly configured. */
public class MasterKeyStoreException extends RuntimeException {
    public MasterKeyStoreException(String message) {
        super(message);
    }

    public MasterKeyStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
