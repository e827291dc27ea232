package org.countersign.server.oob;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.oob.Offset;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;
import org.countersign.server.auth.Caller;
import org.countersign.server.failure.FlowFailure;
import org.countersign.server.local.LocalCredentialService;
import org.countersign.server.local.LocalMessages.WebAuthnRequestOptions;
import org.countersign.server.oob.OobTransaction.RelayState;
import org.countersign.server.oob.RequestRepository.OobRequest;
import org.countersign.server.oob.origin.NetworkOrigins;
import org.countersign.server.oob.origin.RelayCheck;

/**
 * The two defences against a real-time relaying phishing page (X.1280 §9.1.1), beside the code comparison:
 * <ol>
 *   <li><b>Network check</b> (every request): the terminal address the relying party reported in the offset is
 *       placed (country, operator) and compared with the address the authenticator connects from. The phone shows
 *       both and a warning when they differ; the relying party's result carries the comparison made when the phone
 *       answered. It exposes a relay; it cannot stop one.</li>
 *   <li><b>WebAuthn-bound mode</b> (requested by the relying party): before approval, the terminal's browser must
 *       make a WebAuthn assertion (user verification required) whose challenge is the offset hash, on an origin the
 *       tenant allows. A relaying page is another origin, so its browser writes that origin into clientDataJSON and
 *       the assertion fails; without one, approval is refused.</li>
 * </ol>
 * Its state is one row per request, read and written through the {@link OobStore} port.
 */
final class RelayGuard {
    static final String PLAIN = RelayMode.PLAIN.wire();
    static final String WEBAUTHN_BOUND = RelayMode.WEBAUTHN_BOUND.wire();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OobStore store;
    private final Supplier<NetworkOrigins> origins;
    private final TerminalAssertions assertions;
    private final AuditTrail audit;
    private final Clock clock;

    RelayGuard(OobStore store, Supplier<NetworkOrigins> origins, TerminalAssertions assertions, AuditTrail audit,
            Clock clock) {
        this.store = store;
        this.origins = origins;
        this.assertions = assertions;
        this.audit = audit;
        this.clock = clock;
    }

    /** Loads the bundled data in the background, so a node starts without waiting for it. */
    static Supplier<NetworkOrigins> loadInBackground() {
        CompletableFuture<NetworkOrigins> f = CompletableFuture.supplyAsync(NetworkOrigins::bundled, r -> {
            Thread t = new Thread(r, "oob-network-origins");
            t.setDaemon(true);
            t.start();
        });
        return f::join;
    }

    /** The mode a create call asked for; null means plain. */
    static String mode(String requested) {
        if (requested == null || requested.equals(PLAIN)) {
            return PLAIN;
        }
        if (requested.equals(WEBAUTHN_BOUND)) {
            return WEBAUTHN_BOUND;
        }
        throw OobFailure.invalid("mode must be 'plain' or 'webauthn-bound'");
    }

    /**
     * For a WebAuthn-bound request, the assertion options the terminal's page passes to
     * {@code navigator.credentials.get}: challenge = offset hash. Refused when the user has no WebAuthn credential.
     */
    WebAuthnRequestOptions boundOptions(String tenantId, String userId, ByteArray offsetHash) {
        return assertions.options(tenantId, userId, offsetHash).orElseThrow(() -> OobFailure.conflict(
                "mode 'webauthn-bound' needs an active WebAuthn credential (passkey) of this user; register one first"
                        + " or use mode 'plain'"));
    }

    Optional<RelayState> state(String tenantId, String requestId) {
        return store.read(tx -> tx.relayState(tenantId, requestId));
    }

    /** Called inside the decision's transaction: an approval of a bound-mode request needs the terminal bound. */
    static void requireBoundForApproval(OobTransaction tx, String tenantId, String requestId) {
        Optional<RelayState> s = tx.relayState(tenantId, requestId);
        if (s.isPresent() && s.get().mode().equals(WEBAUTHN_BOUND) && !s.get().bound()) {
            throw OobFailure.terminalNotBound();
        }
    }

    /** The network comparison for a request as seen from one authenticator connection. */
    Optional<RelayCheck> check(OobRequest r, String authenticatorAddress) {
        if (authenticatorAddress == null) {
            return Optional.empty();
        }
        Offset offset = Offset.decode(r.offsetBytes());
        NetworkOrigins o = origins.get();
        return Optional.of(RelayCheck.of(o.lookup(offset.terminalPublicIp()), o.lookup(authenticatorAddress)));
    }

    /** The network comparison as stored for the relying party's result. */
    static Optional<String> checkJson(Optional<RelayCheck> check) {
        return check.map(k -> OutOfBandService.Json.write(k.view()));
    }

    /**
     * The relay members of a push event or result: each null when it does not apply, so the response leaves it
     * out. {@code terminalBound} is only said of a {@code webauthn-bound} request.
     */
    record Relay(RelayCheck.View network, RelayMode mode, Boolean terminalBound) {
        static final Relay NONE = new Relay(null, null, null);

        private static Relay of(RelayState s, RelayCheck.View network) {
            RelayMode mode = RelayMode.ofWire(s.mode());
            return new Relay(network, mode, mode == RelayMode.WEBAUTHN_BOUND ? s.bound() : null);
        }
    }

    /** The relay members of a push event for the phone connected from {@code authenticatorAddress}. */
    Relay forPush(OobRequest r, String authenticatorAddress) {
        RelayCheck.View network = check(r, authenticatorAddress).map(RelayCheck::view).orElse(null);
        return state(r.tenantId(), r.requestId()).map(s -> Relay.of(s, network))
                .orElse(new Relay(network, null, null));
    }

    /** The relay members of the relying party's result: the comparison stored when the phone answered. */
    Relay forResult(String tenantId, String requestId) {
        return state(tenantId, requestId).map(s -> Relay.of(s, s.networkCheckJson().map(RelayGuard::readCheck)
                .orElse(null))).orElse(Relay.NONE);
    }

    private static RelayCheck.View readCheck(String json) {
        try {
            return JSON.readValue(json, RelayCheck.View.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored network check is not a network check", e);
        }
    }

    /**
     * The relying party submits the assertion its page obtained at the terminal. Verified against the offset hash
     * as challenge, the tenant's allowed origins and the user's registered credential; binds the request once.
     */
    OobMessages.TerminalBound bindTerminal(String tenantId, OobRequest r, LocalCredentialService.WebAuthnAssertion assertion,
            Caller caller) {
        RelayState s = state(tenantId, r.requestId()).orElseThrow(() -> OobFailure.notFound("request"));
        if (!s.mode().equals(WEBAUTHN_BOUND)) {
            throw OobFailure.conflict("the request was created in mode '" + s.mode() + "'; only 'webauthn-bound'"
                    + " requests take a terminal assertion");
        }
        if (!r.status().active()) {
            throw OobFailure.alreadyDecided(r.status().wire());
        }
        if (s.bound()) {
            throw OobFailure.conflict("the terminal of this request is already bound");
        }
        String credentialId;
        try {
            credentialId = assertions.verify(caller.inTenant(tenantId), r.userId(), r.offsetHash(), assertion);
        } catch (FlowFailure e) {
            audit.event(AuditAction.OOB_REQUEST_BIND).tenant(tenantId).by(AuditActor.of(caller), caller.requestId())
                    .about(AuditSubject.user(r.userId())).details(Map.of("oobRequestId", r.requestId()))
                    .record(AuditOutcome.refused(e));
            throw e;
        }
        Instant now = clock.instant();
        boolean updated = store.inTransaction(tx -> tx.bindTerminal(tenantId, r.requestId(), now, credentialId));
        if (!updated) {
            throw OobFailure.conflict("the terminal of this request is already bound");
        }
        audit.event(AuditAction.OOB_REQUEST_BIND).tenant(tenantId).by(AuditActor.of(caller), caller.requestId())
                .about(AuditSubject.user(r.userId()))
                .details(Map.of("oobRequestId", r.requestId(), "credentialId", credentialId))
                .record(AuditOutcome.SUCCESS);
        return new OobMessages.TerminalBound(r.requestId(), true, credentialId);
    }
}
