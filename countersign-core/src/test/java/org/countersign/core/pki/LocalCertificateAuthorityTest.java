package org.countersign.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.testkit.TestTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCertificateAuthorityTest {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final LocalCertificateAuthority CA = LocalCertificateAuthority.create("Countersign Local CA",
            Duration.ofDays(3650));

    @TempDir
    Path dir;

    @Test
    void X1280_8_1_caCertificateIsASigningCa() throws Exception {
        X509Certificate ca = CA.certificate();
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
        ca.verify(ca.getPublicKey());
    }

    @Test
    void X1280_8_1_serverCertificateChainsToTheCaAndCarriesSans() throws Exception {
        IssuedCertificate issued = CA.issueServerCertificate(List.of("localhost", "auth.example.test"),
                List.of("127.0.0.1", "::1"), Duration.ofDays(90));
        X509Certificate leaf = issued.certificate();
        leaf.verify(CA.certificate().getPublicKey());
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(leaf.getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
                .contains("localhost", "auth.example.test", "127.0.0.1")
                .anyMatch(ip -> ip.startsWith("0:0:0:0:0:0:0:1"));
        assertThat(issued.chain()).containsExactly(leaf, CA.certificate());

        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(CA.certificate(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(List.of(leaf)), params);

        // The private key matches the certificate.
        Signature sig = Signature.getInstance("SHA256withECDSA");
        sig.initSign(issued.privateKey());
        sig.update(new byte[] {1});
        byte[] s = sig.sign();
        sig.initVerify(leaf.getPublicKey());
        sig.update(new byte[] {1});
        assertThat(sig.verify(s)).isTrue();
    }

    @Test
    void clientCertificateForMutualTls() throws Exception {
        IssuedCertificate c = CA.issueClientCertificate("rp-bank-1", Duration.ofDays(30));
        c.certificate().verify(CA.certificate().getPublicKey());
        assertThat(c.certificate().getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(c.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=rp-bank-1");
    }

    @Test
    void validityIsCappedAtTheCas() {
        LocalCertificateAuthority shortCa = LocalCertificateAuthority.create("short", Duration.ofDays(1));
        X509Certificate leaf = shortCa.issueServerCertificate(List.of("localhost"), List.of(), Duration.ofDays(365))
                .certificate();
        assertThat(leaf.getNotAfter()).isEqualTo(shortCa.certificate().getNotAfter());
    }

    @Test
    void pemRoundTripForCertificatesAndKeys() {
        IssuedCertificate issued = CA.issueServerCertificate(List.of("localhost"), List.of(), Duration.ofDays(1));
        String chainPem = Pem.writeCertificates(issued.chain());
        assertThat(Pem.readCertificates(chainPem)).containsExactlyElementsOf(issued.chain());
        assertThat(Pem.readCertificate(Pem.writeCertificate(CA.certificate()))).isEqualTo(CA.certificate());

        SecretBytes keyPem = Pem.writePrivateKey(issued.privateKey());
        assertThat(new String(keyPem.revealForCrypto(), StandardCharsets.US_ASCII))
                .startsWith("-----BEGIN PRIVATE KEY-----\n");
        PrivateKey back = Pem.readPrivateKey(keyPem);
        assertThat(back.getEncoded()).isEqualTo(issued.privateKey().getEncoded());

        LocalCertificateAuthority restored = LocalCertificateAuthority.of(CA.certificate(),
                Pem.readPrivateKey(Pem.writePrivateKey(CA.privateKey())), java.time.Clock.systemUTC(),
                new java.security.SecureRandom());
        assertThat(restored.issueClientCertificate("x", Duration.ofDays(1)).chain()).hasSize(2);
    }

    @Test
    void fingerprintIsColonSeparatedSha256() {
        assertThat(Pem.sha256Fingerprint(CA.certificate())).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void malformedPemIsATypedError() {
        assertThatThrownBy(() -> Pem.readCertificate("nothing here")).isInstanceOf(PkiException.class);
        assertThatThrownBy(() -> Pem.readPrivateKey(SecretBytes.copyOf(
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(PkiException.class);
        assertThatThrownBy(() -> Pem.readPrivateKey(SecretBytes.copyOf(new byte[0]))).isInstanceOf(PkiException.class);
    }

    @Test
    void readsKeysMadeByOpenssl() throws Exception {
        TestTools.require(opensslAvailable(), "openssl");
        Path ec = dir.resolve("ec.pem");
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", ec.toString());
        assertThat(Pem.readPrivateKey(read(ec)).getAlgorithm()).isEqualTo("EC");

        Path pkcs8 = dir.resolve("pkcs8.pem");
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pkcs8.toString());
        assertThat(Pem.readPrivateKey(read(pkcs8)).getAlgorithm()).isEqualTo("EC");

        Path rsa = dir.resolve("rsa.pem");
        run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsa.toString());
        assertThat(Pem.readPrivateKey(read(rsa)).getAlgorithm()).isEqualTo("RSA");

        Path rsaTraditional = dir.resolve("rsa1.pem");
        if (runQuietly("openssl", "rsa", "-in", rsa.toString(), "-traditional", "-out", rsaTraditional.toString())) {
            assertThat(new String(read(rsaTraditional).revealForCrypto(), StandardCharsets.US_ASCII))
                    .contains("BEGIN RSA PRIVATE KEY");
            assertThat(Pem.readPrivateKey(read(rsaTraditional)).getAlgorithm()).isEqualTo("RSA");
        }
    }

    private static SecretBytes read(Path p) throws Exception {
        return SecretBytes.copyOf(Files.readAllBytes(p));
    }

    private static boolean opensslAvailable() {
        return runQuietly("openssl", "version");
    }

    private static boolean runQuietly(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static void run(String... cmd) {
        assertThat(runQuietly(cmd)).as(String.join(" ", cmd)).isTrue();
    }
}
