package org.countersign.server.oob;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.countersign.server.TestServer;
import org.countersign.server.TestServer.Response;
import org.countersign.testkit.TestClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;

/**
 * What the out-of-band test classes share: one node per class on a PostgreSQL database of its own, with a clock the
 * tests move (expiry and lockout windows), a fresh relying party per test so that settings and users never leak
 * between tests, and the check of a problem document.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OobNodeTest {
    final TestClock clock = TestClock.offsetFromSystem();
    private final AtomicInteger tenants = new AtomicInteger();
    TestServer server;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.onPostgres(c -> c, clock);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** A short prefix that tells in the database which class made a tenant. */
    abstract String tenantPrefix();

    /** A new relying party; returns its API key. */
    String newTenant() throws Exception {
        return server.createTenant(tenantPrefix() + tenants.incrementAndGet() + "x"
                + Long.toHexString(System.nanoTime() & 0xffffff));
    }

    /** An RFC 9457 problem of the given status and type, with no Java internals in it. */
    static void assertProblem(Response r, int status, String slug) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("type").asText()).isEqualTo("https://countersign.dev/problems/" + slug);
        assertThat(r.body()).doesNotContain("Exception");
    }
}
