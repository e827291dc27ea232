package org.countersign.server.local;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.countersign.core.bytes.ByteArray;
import org.countersign.testkit.emulators.EmulatedAuthenticator;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the WebAuthn inputs a browser sends (clientDataJSON, attestationObject,
 * authenticatorData, signature; ISO/IEC 27553-1 A.3.2/A.3.3). webauthn4j does the parsing; the contract fuzzed here
 * is ours: {@link WebAuthnVerifier} answers any bytes with a result or a {@link LocalFailure}, never with another
 * throwable (which the HTTP layer would turn into a 500). Half the inputs are raw fuzzer bytes, half are a valid
 * ceremony from {@link EmulatedAuthenticator} with fuzzer-chosen bytes overwritten, so the fuzzer starts deep.
 */
@Tag("fuzz")
class WebAuthnVerifierFuzzTest {
    private static final String RP_ID = "bank.example";
    private static final String ORIGIN = "https://bank.example";
    private static final ByteArray CHALLENGE = ByteArray.copyOf(new byte[32]);
    private static final WebAuthnVerifier VERIFIER = new WebAuthnVerifier();
    private static final EmulatedAuthenticator AUTHENTICATOR = new EmulatedAuthenticator();
    private static final byte[] CLIENT_DATA_CREATE;
    private static final byte[] ATTESTATION_OBJECT;
    private static final ByteArray STORED;

    static {
        Map<String, Object> created = AUTHENTICATOR.create(RP_ID, CHALLENGE.toBase64Url(), ORIGIN);
        CLIENT_DATA_CREATE = Base64.getUrlDecoder().decode((String) created.get("clientDataJSON"));
        ATTESTATION_OBJECT = Base64.getUrlDecoder().decode((String) created.get("attestationObject"));
        STORED = VERIFIER.verifyRegistration(CHALLENGE, RP_ID, Set.of(ORIGIN), LocalPolicy.DEFAULT,
                ByteArray.copyOf(CLIENT_DATA_CREATE), ByteArray.copyOf(ATTESTATION_OBJECT), Set.of()).attestedCredentialData();
    }

    @FuzzTest(maxDuration = "10s")
    void verify(FuzzedDataProvider data) {
        boolean registration = data.consumeBoolean();
        boolean raw = data.consumeBoolean();
        try {
            if (registration) {
                byte[] clientData = raw ? data.consumeBytes(data.consumeInt(0, 2048)) : mutate(data, CLIENT_DATA_CREATE);
                byte[] attestation = raw ? data.consumeRemainingAsBytes() : mutate(data, ATTESTATION_OBJECT);
                VERIFIER.verifyRegistration(CHALLENGE, RP_ID, Set.of(ORIGIN), LocalPolicy.DEFAULT,
                        ByteArray.copyOf(clientData), ByteArray.copyOf(attestation), Set.of());
            } else {
                Map<String, Object> got = AUTHENTICATOR.get(RP_ID, CHALLENGE.toBase64Url(), ORIGIN);
                byte[] clientData = Base64.getUrlDecoder().decode((String) got.get("clientDataJSON"));
                byte[] authData = Base64.getUrlDecoder().decode((String) got.get("authenticatorData"));
                byte[] signature = Base64.getUrlDecoder().decode((String) got.get("signature"));
                if (raw) {
                    clientData = data.consumeBytes(data.consumeInt(0, 1024));
                    authData = data.consumeBytes(data.consumeInt(0, 512));
                    signature = data.consumeRemainingAsBytes();
                } else {
                    clientData = mutate(data, clientData);
                    authData = mutate(data, authData);
                    signature = mutate(data, signature);
                }
                VERIFIER.verifyAssertion(CHALLENGE, RP_ID, Set.of(ORIGIN), STORED, 0,
                        ByteArray.copyOf(AUTHENTICATOR.credentialId()), ByteArray.copyOf(clientData),
                        ByteArray.copyOf(authData), ByteArray.copyOf(signature), null);
            }
        } catch (LocalFailure expected) {
            // the documented refusal, a 4xx problem
        }
    }

    /** A few fuzzer-chosen overwrites, and maybe a truncation, of a valid message. */
    private static byte[] mutate(FuzzedDataProvider data, byte[] valid) {
        byte[] out = valid.clone();
        int edits = data.consumeInt(0, 4);
        for (int i = 0; i < edits && out.length > 0; i++) {
            out[data.consumeInt(0, out.length - 1)] = data.consumeByte();
        }
        if (data.consumeBoolean()) {
            out = java.util.Arrays.copyOf(out, data.consumeInt(0, out.length));
        }
        return out;
    }
}
