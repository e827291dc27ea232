package org.countersign.testkit.emulators;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A software WebAuthn authenticator (a P-256 platform authenticator with user verification) for tests: it builds
 * attestation objects and assertions byte by byte, so tests can also build the wrong ones (cleared UV flag, other
 * RP id, old counter, cloned keys, foreign attestation roots, an algorithm it was not offered).
 *
 * <pre>{@code
 * EmulatedAuthenticator passkey = new EmulatedAuthenticator();
 * Map<String, Object> webauthn = passkey.create("bank.example", challenge, "https://bank.example");
 * // ... send {"webauthn": webauthn} to the relying party's finish-registration ...
 * Map<String, Object> assertion = passkey.get("bank.example", nextChallenge, "https://bank.example");
 * }</pre>
 */
public final class EmulatedAuthenticator {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keys;
    private final byte[] credentialId;
    private final byte[] aaguid = new byte[16];
    private long counter;
    private boolean userVerified = true;
    /** Attestation: "none", "self" (packed without x5c) or "x5c" (packed with {@link #attestationChain}). */
    private String attestation = "none";
    private List<X509Certificate> attestationChain = List.of();
    private PrivateKey attestationKey;
    private long coseAlg = -7;

    public EmulatedAuthenticator() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            keys = g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        credentialId = new byte[32];
        RANDOM.nextBytes(credentialId);
    }

    /** A copy holding the same private key and counter: what an attacker gets by cloning the authenticator. */
    public EmulatedAuthenticator(EmulatedAuthenticator original) {
        keys = original.keys;
        credentialId = original.credentialId.clone();
        counter = original.counter;
    }

    /** Whether later ceremonies set the UV flag (default true: the biometric or PIN gate passed). */
    public void userVerified(boolean verified) {
        userVerified = verified;
    }

    /** Later registrations carry packed attestation signed by {@code key}, with {@code chain} as x5c. */
    public void attestWith(List<X509Certificate> chain, PrivateKey key) {
        attestation = "x5c";
        attestationChain = List.copyOf(chain);
        attestationKey = key;
    }

    /** Later registrations carry packed self attestation (signed with the credential key, no x5c). */
    public void attestSelf() {
        attestation = "self";
    }

    /** The COSE algorithm the credential key claims (default -7, ES256); the key stays P-256 whatever it says. */
    public void coseAlgorithm(long alg) {
        coseAlg = alg;
    }

    /** The credential id, a copy. */
    public byte[] credentialId() {
        return credentialId.clone();
    }

    public String credentialIdB64() {
        return b64(credentialId);
    }

    /** Unpadded base64url, as WebAuthn's JSON members carry bytes. */
    public static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static byte[] clientData(String type, String challengeB64, String origin) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + challengeB64 + "\",\"origin\":\"" + origin
                + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
    }

    /** Returns the {@code webauthn} member of a finish-registration body. */
    public Map<String, Object> create(String rpId, String challengeB64, String origin) {
        byte[] cd = clientData("webauthn.create", challengeB64, origin);
        byte[] authData = authData(rpId, true);
        Map<String, Object> att = new LinkedHashMap<>();
        switch (attestation) {
            case "none" -> {
                att.put("fmt", "none");
                att.put("attStmt", Map.of());
            }
            case "self" -> {
                att.put("fmt", "packed");
                att.put("attStmt", Map.of("alg", -7, "sig", sign(keys.getPrivate(), concat(authData, sha256(cd)))));
            }
            default -> {
                att.put("fmt", "packed");
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("alg", -7);
                st.put("sig", sign(attestationKey, concat(authData, sha256(cd))));
                st.put("x5c", attestationChain.stream().map(c -> {
                    try {
                        return (Object) c.getEncoded();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).toList());
                att.put("attStmt", st);
            }
        }
        att.put("authData", authData);
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("id", credentialIdB64());
        w.put("clientDataJSON", b64(cd));
        w.put("attestationObject", b64(Cbor.encode(att)));
        return w;
    }

    /** Returns the {@code webauthn} member of a finish-authentication body. */
    public Map<String, Object> get(String rpId, String challengeB64, String origin) {
        counter++;
        byte[] cd = clientData("webauthn.get", challengeB64, origin);
        byte[] authData = authData(rpId, false);
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("id", credentialIdB64());
        w.put("clientDataJSON", b64(cd));
        w.put("authenticatorData", b64(authData));
        w.put("signature", b64(sign(keys.getPrivate(), concat(authData, sha256(cd)))));
        return w;
    }

    private byte[] authData(String rpId, boolean attested) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
        int flags = 0x01 | (userVerified ? 0x04 : 0) | (attested ? 0x40 : 0);
        out.write(flags);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) counter).array());
        if (attested) {
            out.writeBytes(aaguid);
            out.write(credentialId.length >> 8);
            out.write(credentialId.length);
            out.writeBytes(credentialId);
            out.writeBytes(coseKey());
        }
        return out.toByteArray();
    }

    private byte[] coseKey() {
        ECPublicKey pub = (ECPublicKey) keys.getPublic();
        Map<Object, Object> k = new LinkedHashMap<>();
        k.put(1, 2);
        k.put(3, coseAlg);
        k.put(-1, 1);
        k.put(-2, fixed(pub.getW().getAffineX()));
        k.put(-3, fixed(pub.getW().getAffineY()));
        return Cbor.encode(k);
    }

    private static byte[] fixed(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(32, b.length);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
