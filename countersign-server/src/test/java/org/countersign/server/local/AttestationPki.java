package org.countersign.server.local;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.countersign.core.pki.LocalCertificateAuthority;

/** An authenticator vendor's attestation PKI for tests: a root and a packed-format leaf (WebAuthn 8.2.1 subject). */
final class AttestationPki {
    final LocalCertificateAuthority root = LocalCertificateAuthority.create("Test Authenticator Vendor Root",
            Duration.ofDays(30));
    final KeyPair leafKeys;
    final X509Certificate leaf;

    AttestationPki() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        leafKeys = g.generateKeyPair();
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(root.certificate(), BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(300)), Date.from(now.plus(Duration.ofDays(10))),
                new X500Name("C=DE, O=Test Vendor, OU=Authenticator Attestation, CN=Test Authenticator"),
                leafKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        leaf = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(root.privateKey())));
    }

    String rootPem() throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(root.certificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
