package org.countersign.server.oob.memory;

import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.auth.Caller;
import org.countersign.server.local.LocalCredentialService.WebAuthnAssertion;
import org.countersign.server.local.LocalMessages.WebAuthnRequestOptions;
import org.countersign.server.oob.TerminalAssertions;

/**
 * {@link TerminalAssertions} for users without a passkey: WebAuthn-bound requests are refused when they are created
 * (§9.1.1), so no assertion is ever verified. {@code OobRelayTest} covers the bound mode with real credentials.
 */
public final class MemoryTerminalAssertions implements TerminalAssertions {

    @Override
    public Optional<WebAuthnRequestOptions> options(String tenantId, String userId, ByteArray challenge) {
        return Optional.empty();
    }

    @Override
    public String verify(Caller caller, String userId, ByteArray challenge, WebAuthnAssertion assertion) {
        throw new IllegalStateException("no user has a passkey here, so no terminal can be bound");
    }
}
