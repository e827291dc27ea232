package org.countersign.server.oob;

import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.auth.Caller;
import org.countersign.server.local.LocalCredentialService.WebAuthnAssertion;
import org.countersign.server.local.LocalMessages.WebAuthnRequestOptions;

/**
 * The user's WebAuthn credentials as the §9.1.1 WebAuthn-bound mode uses them: assertion options over a given
 * challenge (the offset hash), and verification of the terminal's assertion against the tenant's allowed origins.
 * On a node the local-credential module answers ({@link LocalTerminalAssertions}).
 */
public interface TerminalAssertions {

    /** Options for {@code navigator.credentials.get} with {@code challenge}; empty when the user has no passkey. */
    Optional<WebAuthnRequestOptions> options(String tenantId, String userId, ByteArray challenge);

    /** Verifies the terminal's assertion over {@code challenge}; returns the credential id or throws a flow failure. */
    String verify(Caller caller, String userId, ByteArray challenge, WebAuthnAssertion assertion);
}
