package org.countersign.server;

/** The same foundation suite once on the embedded PostgreSQL that `countersign serve` uses by default. */
class EmbeddedFoundationTest extends FoundationBehaviour {
    @Override
    TestServer startServer() throws Exception {
        return TestServer.embedded(c -> c);
    }
}
