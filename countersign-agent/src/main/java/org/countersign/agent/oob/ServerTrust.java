package org.countersign.agent.oob;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.countersign.core.pki.Pem;

/**
 * Which certificates the authenticator trusts for the verifier's TLS (X.1280 §8.1 asks for TLS with X.509
 * certificates): the system trust store, or only the CA certificates in a PEM (a self-hosted verifier prints the
 * path of its generated CA at start-up). The PEM is kept in the authenticator's store so later runs trust the same
 * CA without asking again.
 */
public final class ServerTrust {
    private final Optional<String> caPem;
    private final SSLContext sslContext;

    private ServerTrust(Optional<String> caPem, SSLContext sslContext) {
        this.caPem = caPem;
        this.sslContext = sslContext;
    }

    /** The JDK's default trust store (public CAs). */
    public static ServerTrust systemDefault() {
        try {
            return new ServerTrust(Optional.empty(), SSLContext.getDefault());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK has no default TLS context", e);
        }
    }

    /** Trusts only the certificates in {@code pem} (one or more {@code CERTIFICATE} blocks). */
    public static ServerTrust caPem(String pem) throws OobException.BadInput {
        List<X509Certificate> certs;
        try {
            certs = Pem.readCertificates(pem);
        } catch (RuntimeException e) {
            throw new OobException.BadInput("the CA file is not a PEM certificate: " + e.getMessage());
        }
        if (certs.isEmpty()) {
            throw new OobException.BadInput("the CA file holds no certificate");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < certs.size(); i++) {
                ks.setCertificateEntry("ca-" + i, certs.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
            return new ServerTrust(Optional.of(pem), ctx);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("JDK cannot build a trust store", e);
        }
    }

    /** Reads a CA PEM file. */
    public static ServerTrust caPemFile(Path file) throws OobException.BadInput {
        try {
            return caPem(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new OobException.BadInput("cannot read the CA file " + file + ": " + e.getMessage());
        }
    }

    /** The PEM this trust was built from; empty for the system trust store. */
    public Optional<String> caPem() {
        return caPem;
    }

    SSLContext sslContext() {
        return sslContext;
    }

    @Override
    public String toString() {
        return caPem.isPresent() ? "ServerTrust(CA PEM)" : "ServerTrust(system)";
    }
}
