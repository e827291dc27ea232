package org.countersign.server.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.core.keys.MasterKeyProvider;
import org.countersign.core.keys.SealedFiles;
import org.countersign.core.pki.IssuedCertificate;
import org.countersign.core.pki.LocalCertificateAuthority;
import org.countersign.core.pki.Pem;
import org.countersign.server.keys.DataFolderSecrets;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The server's TLS identity (X.1280 §8.1, X.1279 §9.4: HTTPS only). On first start a local CA and a server
 * certificate are generated in {@code <data>/tls/}; private keys are stored sealed under the master key
 * (A-G5). Operators can supply real PEM files instead. The local CA also signs client certificates of relying
 * parties that use mutual TLS, so the server trusts it for client authentication.
 */
public final class TlsMaterial {
    private static final String PURPOSE_CA = DataFolderSecrets.TLS_CA_KEY.purpose();
    private static final String PURPOSE_SERVER = DataFolderSecrets.TLS_SERVER_KEY.purpose();

    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final LocalCertificateAuthority ca;
    private final Path caPath;
    private final boolean generated;

    private TlsMaterial(List<X509Certificate> chain, PrivateKey key, LocalCertificateAuthority ca, Path caPath, boolean generated) {
        this.chain = chain;
        this.key = key;
        this.ca = ca;
        this.caPath = caPath;
        this.generated = generated;
    }

    /** Loads or creates the local CA, then the server identity (supplied PEM files win over the generated one). */
    public static TlsMaterial loadOrCreate(Path dataDir, MasterKeyProvider masterKeys, Optional<Path> certPem,
            Optional<Path> keyPem, List<String> extraHostNames) throws IOException {
        Path dir = dataDir.resolve("tls");
        Files.createDirectories(dir);
        Path caCert = dir.resolve("ca.pem");
        Path caKey = dataDir.resolve(DataFolderSecrets.TLS_CA_KEY.relativePath());
        LocalCertificateAuthority ca;
        boolean generated = false;
        if (Files.exists(caCert) && Files.exists(caKey)) {
            X509Certificate cert = Pem.readCertificates(Files.readString(caCert)).get(0);
            PrivateKey privateKey = Pem.readPrivateKey(SealedFiles.read(caKey, masterKeys, PURPOSE_CA));
            ca = LocalCertificateAuthority.of(cert, privateKey, Clock.systemUTC(), new SecureRandom());
        } else {
            ca = LocalCertificateAuthority.create("Countersign local CA " + shortHostName(), Duration.ofDays(3650));
            Files.writeString(caCert, Pem.writeCertificate(ca.certificate()));
            SealedFiles.write(caKey, Pem.writePrivateKey(ca.privateKey()), masterKeys, PURPOSE_CA);
            generated = true;
        }
        if (certPem.isPresent()) {
            List<X509Certificate> chain = Pem.readCertificates(Files.readString(certPem.get()));
            PrivateKey key = Pem.readPrivateKey(SecretBytes.copyOf(Files.readAllBytes(keyPem.orElseThrow())));
            return new TlsMaterial(chain, key, ca, caCert, false);
        }
        Path serverCert = dir.resolve("server.pem");
        Path serverKey = dataDir.resolve(DataFolderSecrets.TLS_SERVER_KEY.relativePath());
        List<String> dns = dnsNames(extraHostNames);
        if (Files.exists(serverCert) && Files.exists(serverKey)) {
            List<X509Certificate> chain = Pem.readCertificates(Files.readString(serverCert));
            if (stillGood(chain.get(0), dns)) {
                PrivateKey key = Pem.readPrivateKey(SealedFiles.read(serverKey, masterKeys, PURPOSE_SERVER));
                return new TlsMaterial(chain, key, ca, caCert, generated);
            }
        }
        IssuedCertificate issued = ca.issueServerCertificate(dns, List.of("127.0.0.1", "::1"), Duration.ofDays(397));
        StringBuilder pem = new StringBuilder();
        for (X509Certificate c : issued.chain()) {
            pem.append(Pem.writeCertificate(c));
        }
        Files.writeString(serverCert, pem.toString());
        SealedFiles.write(serverKey, Pem.writePrivateKey(issued.privateKey()), masterKeys, PURPOSE_SERVER);
        return new TlsMaterial(issued.chain(), issued.privateKey(), ca, caCert, true);
    }

    public boolean generatedNow() {
        return generated;
    }

    public Path caCertificatePath() {
        return caPath;
    }

    public LocalCertificateAuthority certificateAuthority() {
        return ca;
    }

    public String caFingerprint() {
        return Pem.sha256Fingerprint(ca.certificate());
    }

    /** Jetty's TLS settings: TLS 1.2+, the server identity, and optional client certificates from the local CA. */
    public SslContextFactory.Server sslContextFactory() {
        try {
            char[] pw = "in-memory".toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, pw, chain.toArray(new X509Certificate[0]));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("countersign-ca", ca.certificate());
            SslContextFactory.Server f = new SslContextFactory.Server();
            f.setKeyStore(ks);
            f.setKeyStorePassword(new String(pw));
            f.setTrustStore(trust);
            f.setWantClientAuth(true); // mutual TLS is optional: RP servers may use an API key instead
            f.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            f.setSniRequired(false);
            return f;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    private static boolean stillGood(X509Certificate cert, List<String> dns) {
        try {
            cert.checkValidity(Date.from(Instant.now().plus(Duration.ofDays(30))));
            List<String> names = new ArrayList<>();
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    names.add(String.valueOf(san.get(1)));
                }
            }
            return names.containsAll(dns);
        } catch (Exception e) {
            return false;
        }
    }

    private static List<String> dnsNames(List<String> extra) {
        List<String> dns = new ArrayList<>(List.of("localhost"));
        String host = shortHostName();
        if (!host.isBlank() && !dns.contains(host) && host.matches("[A-Za-z0-9.-]+")) {
            dns.add(host);
        }
        for (String e : extra) {
            if (!dns.contains(e)) {
                dns.add(e);
            }
        }
        return dns;
    }

    private static String shortHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }


}
