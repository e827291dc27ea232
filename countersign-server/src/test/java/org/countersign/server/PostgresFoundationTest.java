package org.countersign.server;

/** The foundation suite on the machine's PostgreSQL (production store), in a database of its own. */
class PostgresFoundationTest extends FoundationBehaviour {
    @Override
    TestServer startServer() throws Exception {
        return TestServer.onPostgres(c -> c);
    }
}
