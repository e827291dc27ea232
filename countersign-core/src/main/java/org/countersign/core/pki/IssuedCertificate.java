package org.countersign.core.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate with its private key.
 *
 * @param chain leaf first, then the issuing CA certificate (what a TLS server sends)
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {
    public IssuedCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
    }

    @Override
    public String toString() {
        return "IssuedCertificate(" + certificate.getSubjectX500Principal().getName() + ", key hidden)";
    }
}
