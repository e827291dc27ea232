package org.countersign.server.oob;

/**
 * The out-of-band flow's storage port. The service states what it reads and writes through
 * {@link OobTransaction}; how rows, locks and rollback are made is the implementation's business: PostgreSQL in
 * {@link JdbcOobStore}, a map-based twin in the server's test sources for fast state-machine tests.
 *
 * <p>Two rules every implementation keeps, because the X.1280 request state machine relies on them:
 * <ul>
 *   <li>{@link OobTransaction#lockUser} holds the user's lock until the unit of work ends, so two changes to one
 *       user's requests never interleave (C-S4 across nodes);</li>
 *   <li>a unit of work that throws leaves nothing behind, announcements included: they are heard only after
 *       commit.</li>
 * </ul>
 */
public interface OobStore {

    /** A unit of work over the port. */
    @FunctionalInterface
    interface OobWork<T> {
        T run(OobTransaction tx);
    }

    /** Runs {@code work} in one transaction; everything it did is undone if it throws. */
    <T> T inTransaction(OobWork<T> work);

    /**
     * Runs {@code work} without a transaction: each statement stands alone. For reads and single self-contained
     * updates; never take the user's lock here.
     */
    <T> T read(OobWork<T> work);
}
