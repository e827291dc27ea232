package org.countersign.core.oob;

/** An offset or approval statement value, or an encoding of one, that breaks the rules of this package. */
public final class OffsetFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public OffsetFormatException(String message) {
        super(message);
    }
}
