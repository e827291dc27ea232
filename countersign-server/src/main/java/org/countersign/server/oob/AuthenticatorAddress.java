package org.countersign.server.oob;

import io.javalin.http.Context;

/**
 * The address an authenticator connects from, compared with the terminal's for the relay network check (X.1280
 * §9.1.1). In production it is the connection's peer address, nothing else.
 *
 * <p><b>Test-only seam.</b> On one test machine every party connects over loopback, so a phone "in another country"
 * cannot be produced for real. When the JVM runs with the system property {@value #TEST_ONLY_PROPERTY}{@code =true}
 * (set only by tests), the header {@value #TEST_ONLY_HEADER} replaces the peer address for authenticator calls.
 * Nothing in the server, CLI or documentation of a deployment sets that property.
 */
final class AuthenticatorAddress {
    static final String TEST_ONLY_PROPERTY = "countersign.test-only.authenticator-address-header";
    static final String TEST_ONLY_HEADER = "X-Test-Only-Authenticator-Address";

    private final boolean testOnlyHeader;

    private AuthenticatorAddress(boolean testOnlyHeader) {
        this.testOnlyHeader = testOnlyHeader;
    }

    /** Peer address only, unless a test switched the seam on for this JVM. */
    static AuthenticatorAddress fromSystemProperties() {
        return new AuthenticatorAddress(Boolean.getBoolean(TEST_ONLY_PROPERTY));
    }

    String of(Context ctx) {
        if (testOnlyHeader) {
            String h = ctx.header(TEST_ONLY_HEADER);
            if (h != null && !h.isBlank() && h.length() <= 64) {
                return h.strip();
            }
        }
        return ctx.ip();
    }
}
