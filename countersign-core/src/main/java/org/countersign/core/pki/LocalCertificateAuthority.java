package org.countersign.core.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority so the server has HTTPS on first start (X.1280 §8.1: secure channel before any
 * exchange; X.1279 §9.4) without an external PKI, and can issue client certificates to relying parties for mutual
 * TLS. EC P-256 keys, SHA256withECDSA. Uses the JDK's providers only, so no global provider registration.
 *
 * <p>Clients must be told to trust {@link #certificate()} (or pin its {@link Pem#sha256Fingerprint}); store the CA
 * key with {@code SealedFiles} (A-G5).
 */
public final class LocalCertificateAuthority {
    /** Allowance for clocks of clients that run slightly behind. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final Clock clock;
    private final SecureRandom random;

    private LocalCertificateAuthority(X509Certificate certificate, PrivateKey privateKey, Clock clock,
                                      SecureRandom random) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.clock = clock;
        this.random = random;
    }

    public static LocalCertificateAuthority create(String commonName, Duration validity) {
        return create(commonName, validity, Clock.systemUTC(), new SecureRandom());
    }

    /** Creates a self-signed CA: basicConstraints CA=true (path length 0), keyUsage keyCertSign and cRLSign. */
    public static LocalCertificateAuthority create(String commonName, Duration validity, Clock clock,
                                                   SecureRandom random) {
        Objects.requireNonNull(commonName, "commonName");
        requirePositive(validity);
        KeyPair kp = newKeyPair(random);
        X500Name name = name(commonName);
        Instant now = clock.instant();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(random),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), name, kp.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            X509Certificate cert = sign(b, kp.getPrivate());
            return new LocalCertificateAuthority(cert, kp.getPrivate(), clock, random);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new PkiException("cannot create CA certificate", e);
        }
    }

    /** Restores a CA from its stored certificate and key. */
    public static LocalCertificateAuthority of(X509Certificate certificate, PrivateKey privateKey, Clock clock,
                                               SecureRandom random) {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        if (certificate.getBasicConstraints() < 0) {
            throw new PkiException("certificate is not a CA certificate");
        }
        return new LocalCertificateAuthority(certificate, privateKey, clock, random);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA key, for storing it encrypted ({@code Pem.writePrivateKey} + {@code SealedFiles.write}). */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /**
     * Issues a TLS server certificate: subjectAltName with the given DNS names and IP addresses, extendedKeyUsage
     * serverAuth, basicConstraints CA=false, keyUsage digitalSignature. Validity is capped at the CA's own.
     */
    public IssuedCertificate issueServerCertificate(List<String> dnsNames, List<String> ipAddresses,
                                                    Duration validity) {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
        ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one DNS name or IP address");
        }
        String cn = !dnsNames.isEmpty() ? dnsNames.get(0) : ipAddresses.get(0);
        return issue(cn, validity, KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(names.toArray(GeneralName[]::new)));
    }

    /** Issues a client certificate for a relying party's mutual-TLS connection (extendedKeyUsage clientAuth). */
    public IssuedCertificate issueClientCertificate(String commonName, Duration validity) {
        Objects.requireNonNull(commonName, "commonName");
        return issue(commonName, validity, KeyPurposeId.id_kp_clientAuth, null);
    }

    private IssuedCertificate issue(String commonName, Duration validity, KeyPurposeId purpose, GeneralNames san) {
        requirePositive(validity);
        KeyPair kp = newKeyPair(random);
        Instant now = clock.instant();
        Instant notAfter = now.plus(validity);
        Instant caNotAfter = certificate.getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            PublicKey pub = kp.getPublic();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(random),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), name(commonName), pub)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pub))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(certificate));
            if (san != null) {
                b.addExtension(Extension.subjectAlternativeName, false, san);
            }
            X509Certificate cert = sign(b, privateKey);
            return new IssuedCertificate(cert, kp.getPrivate(), List.of(cert, certificate));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new PkiException("cannot issue certificate for " + commonName, e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (OperatorCreationException e) {
            throw new PkiException("cannot sign certificate", e);
        }
    }

    private static KeyPair newKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new PkiException("EC P-256 unavailable", e);
        }
    }

    /** 127 random bits, positive and non-zero, as RFC 5280 §4.1.2.2 and CA/B rules ask for unpredictable serials. */
    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(127, random).setBit(126);
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static void requirePositive(Duration validity) {
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive");
        }
    }
}
