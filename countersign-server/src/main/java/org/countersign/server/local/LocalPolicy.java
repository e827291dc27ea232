package org.countersign.server.local;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A relying party's trust policy for local-mode credentials (27553-1 Annex C: which "proof keys" it accepts).
 *
 * @param rpId                 WebAuthn relying-party id; null means the host of the tenant's first allowed origin
 * @param allowNoneAttestation whether credentials without a verifiable attestation (format "none" or self
 *                             attestation) may register. When the field is left out it follows the roots: allowed
 *                             while the tenant trusts no root (most consumer passkeys send none), refused as soon
 *                             as it names one (SR-M-8: a tenant that set up attestation must not be downgraded by a
 *                             device that simply omits it). Credentials registered without attestation carry
 *                             {@code attestation: none} and no device claims in their assurance vector.
 * @param trustedRoots         PEM root certificates whose attestation chains this tenant trusts (authenticator
 *                             vendors, the Countersign agent-attestation CA)
 * @param minimum              minimum assurance vector for an authentication to succeed
 * @param challengeSeconds     how long a ceremony challenge stays valid
 */
public record LocalPolicy(String rpId, Boolean allowNoneAttestation, List<String> trustedRoots,
        AssuranceRequirement minimum, Integer challengeSeconds) {
    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");

    public static final LocalPolicy DEFAULT = new LocalPolicy(null, true, List.of(), AssuranceRequirement.NONE, 120);

    public LocalPolicy {
        if (rpId != null && !HOST.matcher(rpId).matches()) {
            throw new IllegalArgumentException("rpId must be a lower-case host name");
        }
        trustedRoots = trustedRoots == null ? List.of() : List.copyOf(trustedRoots);
        allowNoneAttestation = allowNoneAttestation == null ? trustedRoots.isEmpty() : allowNoneAttestation;
        if (trustedRoots.size() > 20) {
            throw new IllegalArgumentException("at most 20 trusted roots");
        }
        for (String pem : trustedRoots) {
            parseRoot(pem); // refuse unreadable certificates when the policy is set, not at first use
        }
        minimum = minimum == null ? AssuranceRequirement.NONE : minimum;
        challengeSeconds = challengeSeconds == null ? 120 : challengeSeconds;
        if (challengeSeconds < 10 || challengeSeconds > 900) {
            throw new IllegalArgumentException("challengeSeconds must lie between 10 and 900");
        }
    }

    public List<X509Certificate> roots() {
        List<X509Certificate> out = new ArrayList<>();
        trustedRoots.forEach(p -> out.add(parseRoot(p)));
        return out;
    }

    static X509Certificate parseRoot(String pem) {
        if (pem == null || pem.length() > 20_000) {
            throw new IllegalArgumentException("trustedRoots entries must be PEM certificates of at most 20,000 characters");
        }
        String body = pem.replace("-----BEGIN CERTIFICATE-----", "").replace("-----END CERTIFICATE-----", "")
                .replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(body);
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            if (cert.getBasicConstraints() < 0) {
                throw new IllegalArgumentException("trustedRoots entries must be CA certificates");
            }
            return cert;
        } catch (IllegalArgumentException | CertificateException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
                    && iae.getMessage().startsWith("trustedRoots")) {
                throw iae;
            }
            throw new IllegalArgumentException("trustedRoots entries must be PEM certificates");
        }
    }
}
