package org.countersign.server.oob;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.Sha256;
import org.countersign.core.sig.EcP256PublicKey;
import org.countersign.core.sig.SignatureEncoding;
import org.countersign.core.sig.SignatureFormatException;
import org.countersign.server.oob.AuthenticatorRepository.Authenticator;

/**
 * How an enrolled authenticator proves itself on every call after enrolment: an ECDSA P-256 signature with the
 * device key registered at §8.1, over a statement naming method, path, authenticator id and time. Freshness is a
 * ±{@link #SKEW} window and each signature is accepted once (A-G3), remembered by a {@link UsedSignatureStore} that
 * all nodes share. Authenticators are read through the {@link OobStore} port.
 */
final class AuthenticatorSignatures {
    static final Duration SKEW = Duration.ofSeconds(60);
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]*");

    private final OobStore store;
    private final UsedSignatureStore used;
    private final Clock clock;

    AuthenticatorSignatures(OobStore store, UsedSignatureStore used, Clock clock) {
        this.store = store;
        this.used = used;
        this.clock = clock;
    }

    /** The signed text of the contract's "Authenticator signatures" section. */
    static ByteArray queryStatement(String method, String path, String authenticatorId, long ts) {
        return ByteArray.copyOf(("countersign-oob-auth-v1\n" + method + "\n" + path + "\n" + authenticatorId + "\n" + ts)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Authenticates a stream or polling call; every refusal is typed and nothing is recorded before all checks pass. */
    Authenticator verifyQuery(String method, String path, String authenticatorId, String tsText, String sigText) {
        if (authenticatorId == null || tsText == null || sigText == null) {
            throw OobFailure.signatureInvalid("send authenticatorId, ts and sig as query parameters");
        }
        long ts;
        try {
            ts = Long.parseLong(tsText);
        } catch (NumberFormatException e) {
            throw OobFailure.signatureInvalid("ts must be milliseconds since the epoch");
        }
        ByteArray signature = decodeSignature(sigText);
        Authenticator a = load(authenticatorId);
        requireFresh(Instant.ofEpochMilli(ts), "ts");
        ByteArray statement = queryStatement(method, path, authenticatorId, ts);
        requireValid(a, statement, signature);
        requireActive(a);
        requireFirstUse(a, statement, Instant.ofEpochMilli(ts));
        return a;
    }

    Authenticator load(String authenticatorId) {
        if (!Ids.wellFormed(authenticatorId, "auth")) {
            throw OobFailure.signatureInvalid("unknown authenticator");
        }
        // Unknown and malformed ids get the same answer, so ids cannot be probed.
        return store.read(tx -> tx.findAuthenticatorById(authenticatorId))
                .orElseThrow(() -> OobFailure.signatureInvalid("unknown authenticator"));
    }

    void requireFresh(Instant signedAt, String field) {
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(SKEW)) || signedAt.isAfter(now.plus(SKEW))) {
            throw OobFailure.signatureInvalid(field + " is more than " + SKEW.toSeconds() + " s away from the verifier's clock");
        }
    }

    static void requireValid(Authenticator a, ByteArray statement, ByteArray signature) {
        try {
            EcP256PublicKey key = EcP256PublicKey.fromSpki(a.publicKeySpki());
            if (!key.verify(statement, signature, SignatureEncoding.P1363)) {
                throw OobFailure.signatureInvalid("the signature does not verify with this authenticator's key");
            }
        } catch (SignatureFormatException e) {
            throw OobFailure.signatureMalformed(e.getMessage());
        }
    }

    static void requireActive(Authenticator a) {
        if (!a.active()) {
            throw OobFailure.authenticatorRevoked();
        }
    }

    /**
     * Records the signed statement; refuses one seen before. Keyed on what was signed, not on the signature bytes:
     * ECDSA signatures are malleable (r, s) and (r, n−s) both verify, so a cache of signature bytes would take the
     * twin of a used signature as new (A-G3).
     */
    void requireFirstUse(Authenticator a, ByteArray statement, Instant signedAt) {
        Instant keepUntil = signedAt.plus(SKEW).plus(SKEW);
        if (!used.firstUse(a.authenticatorId(), Sha256.of(statement), keepUntil)) {
            throw OobFailure.signatureInvalid("this signature was already used");
        }
    }

    /** A P1363 signature in base64url; anything else is malformed (400), not merely wrong. */
    static ByteArray decodeSignature(String text) {
        if (text == null || text.length() > 200 || !BASE64URL.matcher(text).matches()) {
            throw OobFailure.signatureMalformed("signature must be base64url without padding");
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw OobFailure.signatureMalformed("signature must be base64url without padding");
        }
        if (raw.length != 64) {
            throw OobFailure.signatureMalformed("signature must be 64 bytes (IEEE P1363 r||s), got " + raw.length);
        }
        return ByteArray.copyOf(raw);
    }

    void purge(Instant now) {
        used.purge(now);
    }
}
