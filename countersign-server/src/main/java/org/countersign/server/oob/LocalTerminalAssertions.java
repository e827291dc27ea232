package org.countersign.server.oob;

import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.auth.Caller;
import org.countersign.server.local.LocalCredentialService;
import org.countersign.server.local.LocalCredentialService.WebAuthnAssertion;
import org.countersign.server.local.LocalMessages.WebAuthnRequestOptions;

/** The {@link TerminalAssertions} port on the local-credential module's WebAuthn credentials and verifier. */
final class LocalTerminalAssertions implements TerminalAssertions {
    private final LocalCredentialService local;

    LocalTerminalAssertions(LocalCredentialService local) {
        this.local = local;
    }

    @Override
    public Optional<WebAuthnRequestOptions> options(String tenantId, String userId, ByteArray challenge) {
        return local.boundAssertionOptions(tenantId, userId, challenge);
    }

    @Override
    public String verify(Caller caller, String userId, ByteArray challenge, WebAuthnAssertion assertion) {
        return local.verifyBoundAssertion(caller, userId, challenge, assertion);
    }
}
