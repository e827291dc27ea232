/**
 * In-memory twin of the out-of-band flow's storage port ({@link org.countersign.server.oob.OobStore}), for fast
 * state-machine tests without PostgreSQL (issue 12). {@code OobStoreContract} runs the same checks against it and
 * against {@code JdbcOobStore}, so the twin cannot drift from the SQL.
 *
 * <p>It lives in the server's test sources, not in {@code countersign-testkit}: the server's tests depend on the test
 * kit, so a test-kit class implementing a server interface would make a Maven dependency cycle.
 */
package org.countersign.server.oob.memory;
