/**
 * In-memory twins of the out-of-band flow's ports, for fast tests without PostgreSQL: the storage port
 * ({@link org.countersign.server.oob.OobStore}) and the smaller ones the service takes (enrolment codes, used
 * signatures, users, tenants, the audit trail, terminal assertions). {@code OobStoreContract} runs the same checks
 * against {@code MemoryOobStore} and {@code JdbcOobStore}, so that twin cannot drift from the SQL.
 *
 * <p>They live in the server's test sources, not in {@code countersign-testkit}: the server's tests depend on the
 * test kit, so a test-kit class implementing a server interface would make a Maven dependency cycle.
 */
package org.countersign.server.oob.memory;
