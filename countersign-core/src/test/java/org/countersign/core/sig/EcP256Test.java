package org.countersign.core.sig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.sig.SignatureFormatException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EcP256Test {
    static final SecureRandom RANDOM = new SecureRandom();
    static final ByteArray MESSAGE = ByteArray.ofUtf8("approval statement bytes");

    // RFC 6979 Appendix A.2.5: P-256 public key and the deterministic SHA-256 signature of "sample".
    static final String UX = "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6";
    static final String UY = "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299";
    static final String R = "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716";
    static final String S = "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8";

    @Test
    void RFC6979_A25_knownSignatureVerifiesInBothEncodings() throws Exception {
        EcP256PublicKey key = EcP256PublicKey.fromUncompressedPoint(ByteArray.fromHex("04" + UX + UY));
        ByteArray p1363 = ByteArray.fromHex(R + S);
        ByteArray sample = ByteArray.ofUtf8("sample");
        assertThat(key.verify(sample, p1363, SignatureEncoding.P1363)).isTrue();
        assertThat(key.verify(sample, ByteArray.copyOf(P256.p1363ToDer(p1363.toByteArray())), SignatureEncoding.DER)).isTrue();
        assertThat(key.verify(ByteArray.ofUtf8("samplf"), p1363, SignatureEncoding.P1363)).isFalse();
    }

    @Test
    void webCryptoExportsSpkiAndJwkOfTheSameKey() throws Exception {
        EcP256PublicKey fromPoint = EcP256PublicKey.fromUncompressedPoint(ByteArray.fromHex("04" + UX + UY));
        EcP256PublicKey fromJwk = EcP256PublicKey.fromJwk("EC", "P-256", fromPoint.jwkX(), fromPoint.jwkY());
        EcP256PublicKey fromSpki = EcP256PublicKey.fromSpki(fromPoint.spki());
        assertThat(fromJwk).isEqualTo(fromPoint).isEqualTo(fromSpki);
        assertThat(fromJwk.uncompressedPoint().toHex()).isEqualToIgnoringCase("04" + UX + UY);
        assertThat(fromSpki.spki().length()).isEqualTo(91);
    }

    @ParameterizedTest
    @EnumSource(SignatureEncoding.class)
    void signAndVerifyRoundTrip(SignatureEncoding encoding) throws Exception {
        EcP256Signer signer = EcP256Signer.generate(RANDOM);
        ByteArray sig = signer.sign(MESSAGE, encoding);
        assertThat(signer.publicKey().verify(MESSAGE, sig, encoding)).isTrue();
        assertThat(signer.publicKey().verify(ByteArray.ofUtf8("other"), sig, encoding)).isFalse();
    }

    @Test
    void jdkDerSignaturesVerify() throws Exception {
        var g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        var pair = g.generateKeyPair();
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(pair.getPrivate());
        s.update(MESSAGE.toByteArray());
        ByteArray der = ByteArray.copyOf(s.sign());
        EcP256PublicKey key = EcP256PublicKey.fromSpki(ByteArray.copyOf(pair.getPublic().getEncoded()));
        assertThat(key.verify(MESSAGE, der, SignatureEncoding.DER)).isTrue();
    }

    @Test
    void signatureByAnotherKeyFails() throws Exception {
        EcP256Signer alice = EcP256Signer.generate(RANDOM);
        EcP256Signer mallory = EcP256Signer.generate(RANDOM);
        ByteArray sig = mallory.sign(MESSAGE, SignatureEncoding.P1363);
        assertThat(alice.publicKey().verify(MESSAGE, sig, SignatureEncoding.P1363)).isFalse();
    }

    @Test
    void wrongSignatureFormatIsATypedError() {
        EcP256Signer signer = EcP256Signer.generate(RANDOM);
        ByteArray der = signer.sign(MESSAGE, SignatureEncoding.DER);
        ByteArray p1363 = signer.sign(MESSAGE, SignatureEncoding.P1363);
        assertThatThrownBy(() -> signer.publicKey().verify(MESSAGE, der, SignatureEncoding.P1363))
                .isInstanceOfSatisfying(SignatureFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SIGNATURE_LENGTH));
        assertThatThrownBy(() -> signer.publicKey().verify(MESSAGE, p1363, SignatureEncoding.DER))
                .isInstanceOfSatisfying(SignatureFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SIGNATURE_DER));
        ByteArray trailing = der.concat(ByteArray.fromHex("00"));
        assertThatThrownBy(() -> signer.publicKey().verify(MESSAGE, trailing, SignatureEncoding.DER))
                .isInstanceOf(SignatureFormatException.class);
        // r = 0x00 0x01 (non-minimal), s = 1
        assertThatThrownBy(() -> signer.publicKey().verify(MESSAGE, ByteArray.fromHex("3007020200010201" + "01"), SignatureEncoding.DER))
                .isInstanceOf(SignatureFormatException.class);
        // r = 0 is outside 1..n-1
        assertThatThrownBy(() -> signer.publicKey().verify(MESSAGE, ByteArray.fromHex("300602010002010" + "1"), SignatureEncoding.DER))
                .isInstanceOf(SignatureFormatException.class);
    }

    @Test
    void allZeroP1363SignatureIsRejected() throws Exception {
        EcP256Signer signer = EcP256Signer.generate(RANDOM);
        assertThat(signer.publicKey().verify(MESSAGE, ByteArray.copyOf(new byte[64]), SignatureEncoding.P1363)).isFalse();
    }

    @Test
    void keysNotOnP256AreRefused() throws Exception {
        var g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        ByteArray p384 = ByteArray.copyOf(g.generateKeyPair().getPublic().getEncoded());
        assertThatThrownBy(() -> EcP256PublicKey.fromSpki(p384))
                .isInstanceOfSatisfying(SignatureFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.KEY_NOT_P256));
        var rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        ByteArray rsaKey = ByteArray.copyOf(rsa.generateKeyPair().getPublic().getEncoded());
        assertThatThrownBy(() -> EcP256PublicKey.fromSpki(rsaKey))
                .isInstanceOfSatisfying(SignatureFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.KEY_ENCODING));
        assertThatThrownBy(() -> EcP256PublicKey.fromJwk("EC", "P-384", "x", "y"))
                .isInstanceOfSatisfying(SignatureFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.KEY_NOT_P256));
    }

    @Test
    void pointsOffTheCurveAreRefused() throws Exception {
        EcP256PublicKey good = EcP256PublicKey.fromUncompressedPoint(ByteArray.fromHex("04" + UX + UY));
        String badY = ByteArray.fromHex(UY.substring(0, 62) + "00").toBase64Url();
        assertThatThrownBy(() -> EcP256PublicKey.fromJwk("EC", "P-256", good.jwkX(), badY))
                .isInstanceOfSatisfying(SignatureFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.POINT_NOT_ON_CURVE));
        assertThatThrownBy(() -> EcP256PublicKey.fromUncompressedPoint(ByteArray.fromHex("04" + "00".repeat(64))))
                .isInstanceOfSatisfying(SignatureFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.POINT_NOT_ON_CURVE));
    }

    @Test
    void malformedEncodingsAreTypedErrors() {
        assertThatThrownBy(() -> EcP256PublicKey.fromSpki(ByteArray.fromHex("3000")))
                .isInstanceOfSatisfying(SignatureFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.KEY_ENCODING));
        assertThatThrownBy(() -> EcP256PublicKey.fromJwk("EC", "P-256", "short", "short"))
                .isInstanceOfSatisfying(SignatureFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.JWK_FIELDS));
        assertThatThrownBy(() -> EcP256PublicKey.fromUncompressedPoint(ByteArray.fromHex("02" + UX)))
                .isInstanceOfSatisfying(SignatureFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.KEY_ENCODING));
    }

    /** A-G3: our signer emits only low-S signatures; the (r, n−s) twin of one still verifies, so verifiers that
     *  remember used signatures must remember what was signed (AuthenticatorSignatures does). */
    @Test
    void signerEmitsLowSAndTheHighSTwinStillVerifies() throws Exception {
        EcP256Signer signer = EcP256Signer.generate(new SecureRandom());
        java.math.BigInteger half = P256.N.shiftRight(1);
        for (int i = 0; i < 32; i++) {
            ByteArray msg = ByteArray.ofUtf8("message " + i);
            byte[] sig = signer.sign(msg, SignatureEncoding.P1363).toByteArray();
            java.math.BigInteger s = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64));
            assertThat(s).isLessThanOrEqualTo(half);
            byte[] twin = sig.clone();
            System.arraycopy(P256.fixed(P256.N.subtract(s)), 0, twin, 32, 32);
            assertThat(signer.publicKey().verify(msg, ByteArray.copyOf(twin), SignatureEncoding.P1363)).isTrue();
        }
    }
}
