package org.countersign.agent.oob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.oob.ApprovalStatement;
import org.countersign.core.oob.Offset;
import org.countersign.core.oob.OffsetFormatException;
import org.countersign.core.oob.ServerAuthCode;
import org.countersign.core.sig.SignatureEncoding;

/**
 * The out-of-band server authenticator of X.1280 (the phone side): enrols with the verifier (§8.1), receives
 * requests as offsets and computes their codes itself (§8.3 steps 5–7), and sends the user's signed decision
 * (§8.4, §8.5). Usage:
 * <pre>{@code
 * var store = AuthenticatorStore.at(home);
 * OobAuthenticator.enrol(EnrolmentTarget.fromUri(uri), "Alice's laptop", trust, store, pin, clock, random);
 * try (var auth = OobAuthenticator.open(store, new PinGate(source), clock);
 *      var stream = auth.openStream(listener, PushStream.Options.defaults())) { ... auth.approve(request); }
 * }</pre>
 * Thread-safe: the stream delivers on its own threads while the user decides on another.
 */
public final class OobAuthenticator implements AutoCloseable {
    static final String ENROL_PATH = "/v1/oob/authenticator/enrolments";
    static final String STREAM_PATH = "/v1/oob/authenticator/stream";
    static final String PENDING_PATH = "/v1/oob/authenticator/pending";
    static final String RESPONSES_PATH = "/v1/oob/authenticator/responses";

    private final AuthenticatorStore.Unlocked keys;
    private final VerifierClient client;
    private final Clock clock;

    private OobAuthenticator(AuthenticatorStore.Unlocked keys, VerifierClient client, Clock clock) {
        this.keys = keys;
        this.client = client;
        this.clock = clock;
    }

    /**
     * The result of enrolment.
     *
     * @param authenticator the enrolled authenticator, already unlocked
     * @param recoveryCodes codes for releasing the user's authenticators if all are lost (C-S2); only at the user's
     *                      first enrolment, shown once and never stored here
     */
    public record Enrolment(OobAuthenticator authenticator, List<String> recoveryCodes) {}

    /**
     * X.1280 §8.1 steps 9–12: makes the device key, sends the enrolment code with the public key, and stores the
     * verification key the verifier returns, all behind {@code newPin}.
     */
    public static Enrolment enrol(EnrolmentTarget target, String deviceName, ServerTrust trust,
                                  AuthenticatorStore store, Pin newPin, Clock clock, SecureRandom random)
            throws OobException {
        return enrol(target, deviceName, trust, store, newPin, clock, random, VerifierClient.newHttpClient(trust));
    }

    /** As above, sharing an {@link HttpClient} that was built with the same trust (load tests with many phones). */
    public static Enrolment enrol(EnrolmentTarget target, String deviceName, ServerTrust trust,
                                  AuthenticatorStore store, Pin newPin, Clock clock, SecureRandom random,
                                  HttpClient http) throws OobException {
        Objects.requireNonNull(target, "target");
        if (deviceName == null || deviceName.isBlank() || deviceName.length() > 100) {
            throw new OobException.BadInput("the device name needs 1 to 100 characters");
        }
        if (!(store.status() instanceof AuthenticatorStore.Status.NotEnrolled)
                && !(store.status() instanceof AuthenticatorStore.Status.Locked)) {
            throw new OobException.BadInput("an authenticator is already enrolled in " + store.home()
                    + "; forget it first");
        }
        KeyPair device = newDeviceKey(random);
        VerifierClient client = new VerifierClient(target.server(), http, clock);
        ObjectNode body = VerifierClient.JSON.createObjectNode();
        body.put("enrolmentCode", target.code());
        body.put("deviceName", deviceName);
        body.put("publicKeySpki", ByteArray.copyOf(device.getPublic().getEncoded()).toBase64Url());
        JsonNode r = client.post(ENROL_PATH, body);

        String tenantId = text(r, "tenantId");
        if (target.tenant().isPresent() && !target.tenant().get().equals(tenantId)) {
            // The URI named one relying party and the verifier enrolled us with another: do not keep it.
            throw new OobException.BadInput("the enrolment URI names tenant " + target.tenant().get()
                    + " but the verifier answered for " + tenantId);
        }
        ByteArray vk = decode(r, "verificationKey");
        if (vk.length() != 32) {
            throw OobException.ServerProblem.unusableAnswer(201, "verification key is not 32 bytes");
        }
        AuthenticatorInfo info = new AuthenticatorInfo(text(r, "authenticatorId"), tenantId,
                r.path("tenantName").asText(tenantId), text(r, "userId"), deviceName, target.server(),
                trust.caPem(), clock.instant());
        SecretBytes verificationKey = SecretBytes.copyOf(vk.toByteArray());
        store.create(info, device, verificationKey, newPin);
        List<String> recovery = new ArrayList<>();
        r.path("recoveryCodes").forEach(c -> recovery.add(c.asText()));
        AuthenticatorStore.Unlocked keys = store.open(newPin);
        verificationKey.destroy();
        return new Enrolment(new OobAuthenticator(keys, client, clock), List.copyOf(recovery));
    }

    /** Opens an enrolled authenticator after the gate has verified the user (X.1280 §9.2.3). */
    public static OobAuthenticator open(AuthenticatorStore store, UserVerificationGate gate, Clock clock)
            throws OobException {
        AuthenticatorStore.Status status = store.status();
        if (status instanceof AuthenticatorStore.Status.NotEnrolled) {
            throw new OobException.NotEnrolled(store.home());
        }
        AuthenticatorInfo info = status instanceof AuthenticatorStore.Status.Ready ready ? ready.info()
                : ((AuthenticatorStore.Status.Locked) status).info();
        return open(store, gate, clock, VerifierClient.newHttpClient(info.trust()));
    }

    /** As above with a shared {@link HttpClient} that trusts the verifier. */
    public static OobAuthenticator open(AuthenticatorStore store, UserVerificationGate gate, Clock clock,
                                        HttpClient http) throws OobException {
        AuthenticatorStore.Unlocked keys = gate.unlock(store);
        return new OobAuthenticator(keys, new VerifierClient(keys.info().server(), http, clock), clock);
    }

    public AuthenticatorInfo info() {
        return keys.info();
    }

    Clock clock() {
        return clock;
    }

    VerifierClient client() {
        return client;
    }

    AuthenticatorStore.Unlocked keys() {
        return keys;
    }

    /** Polling fallback: the requests waiting for this authenticator ({@code GET /v1/oob/authenticator/pending}). */
    public List<PendingRequest> pending() throws OobException {
        JsonNode r = client.getSigned(PENDING_PATH, keys.signer(), keys.info().authenticatorId());
        List<PendingRequest> out = new ArrayList<>();
        for (JsonNode n : r.path("requests")) {
            out.add(decodePush(n));
        }
        return out;
    }

    /**
     * Turns a pushed request into what the user sees (X.1280 §8.3 step 6): decodes the canonical offset, checks
     * it is for this user and relying party, and computes the code from those bytes with the verification key.
     */
    public PendingRequest decodePush(JsonNode n) throws OobException.InvalidPush {
        Optional<String> id = Optional.ofNullable(n.get("requestId")).filter(JsonNode::isTextual).map(JsonNode::asText);
        if (id.isEmpty() || id.get().isEmpty() || id.get().length() > 128
                || !id.get().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new OobException.InvalidPush(Optional.empty(), "no valid requestId");
        }
        AuthenticatorInfo info = keys.info();
        String tenantId = n.path("tenantId").asText("");
        if (!tenantId.equals(info.tenantId())) {
            throw new OobException.InvalidPush(id, "it is for service " + tenantId + ", not " + info.tenantId());
        }
        Offset offset;
        try {
            offset = Offset.decode(ByteArray.fromBase64Url(n.path("offset").asText("")));
        } catch (IllegalArgumentException e) {
            // OffsetFormatException (bad encoding) or a base64url error
            throw new OobException.InvalidPush(id, "the offset does not decode: " + e.getMessage());
        }
        // The user id inside the hashed offset is the one that counts; the JSON copy must agree with it.
        if (!offset.userId().equals(info.userId())
                || (n.hasNonNull("userId") && !n.get("userId").asText().equals(offset.userId()))) {
            throw new OobException.InvalidPush(id, "it is for user " + offset.userId() + ", not " + info.userId());
        }
        int digits = n.path("digits").asInt(-1);
        ServerAuthCode code;
        try {
            code = ServerAuthCode.compute(keys.verificationKey(), offset, digits);
        } catch (OffsetFormatException e) {
            throw new OobException.InvalidPush(id, e.getMessage());
        }
        Instant expiresAt;
        try {
            expiresAt = Instant.parse(n.path("expiresAt").asText(""));
        } catch (DateTimeParseException e) {
            throw new OobException.InvalidPush(id, "no valid expiresAt");
        }
        return new PendingRequest(id.get(), tenantId, info.tenantName(), offset, code, expiresAt,
                NetworkNotice.of(n.get("network")));
    }

    /** The user compared the codes and they match: approve (X.1280 §8.4 step 2, §8.5 steps 1–2). */
    public DecisionResult approve(PendingRequest request) throws OobException {
        return decide(request, ApprovalStatement.Decision.APPROVE);
    }

    /** The user declines the login. */
    public DecisionResult reject(PendingRequest request) throws OobException {
        return decide(request, ApprovalStatement.Decision.REJECT);
    }

    /** The user saw different codes: likely phishing or a false request (X.1280 §9.1.1, §9.1.5). */
    public DecisionResult reportCodesDiffer(PendingRequest request) throws OobException {
        return decide(request, ApprovalStatement.Decision.CODES_DIFFER);
    }

    /**
     * Signs the approval statement (requestId, offset hash, the code computed here, decision, time) with the device
     * key in IEEE P1363 form. Signing the offset hash makes this the PKI-style dynamic user authentication that
     * X.1280 §8.5 allows, with the offset as the challenge.
     */
    private DecisionResult decide(PendingRequest request, ApprovalStatement.Decision decision) throws OobException {
        Objects.requireNonNull(request, "request");
        ApprovalStatement statement = new ApprovalStatement(request.requestId(), request.code().offsetHash(),
                request.code().value(), decision, clock.instant());
        ByteArray sig = keys.signer().sign(statement.encode(), SignatureEncoding.P1363);
        ObjectNode body = VerifierClient.JSON.createObjectNode();
        body.put("requestId", statement.requestId());
        body.put("authenticatorId", keys.info().authenticatorId());
        body.put("decision", switch (decision) {
            case APPROVE -> "approve";
            case REJECT -> "reject";
            case CODES_DIFFER -> "codes_differ";
        });
        body.put("code", statement.code());
        body.put("offsetHash", statement.offsetHash().toBase64Url());
        body.put("signedAt", statement.signedAt().toEpochMilli());
        body.put("signature", sig.toBase64Url());
        JsonNode r = client.post(RESPONSES_PATH, body);
        return new DecisionResult(request.requestId(), decision, r.path("status").asText(""));
    }

    /** Holds the push stream, reconnecting and polling when it drops. Close the returned stream to stop. */
    public PushStream openStream(PushStream.Listener listener, PushStream.Options options) {
        return PushStream.start(this, listener, options);
    }

    /** Forgets the keys in memory (the store on disk stays). */
    @Override
    public void close() {
        keys.destroy();
    }

    private static KeyPair newDeviceKey(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK cannot make P-256 keys", e);
        }
    }

    private static String text(JsonNode n, String field) throws OobException.ServerProblem {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw OobException.ServerProblem.unusableAnswer(201, "enrolment answer lacks " + field);
        }
        return v.asText();
    }

    private static ByteArray decode(JsonNode n, String field) throws OobException.ServerProblem {
        try {
            return ByteArray.fromBase64Url(text(n, field));
        } catch (IllegalArgumentException e) {
            throw OobException.ServerProblem.unusableAnswer(201, field + " is not base64url");
        }
    }

    @Override
    public String toString() {
        return "OobAuthenticator(" + keys.info().authenticatorId() + ")";
    }
}
