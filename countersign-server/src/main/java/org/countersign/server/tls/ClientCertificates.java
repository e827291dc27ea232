package org.countersign.server.tls;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.countersign.core.pki.IssuedCertificate;
import org.countersign.core.pki.LocalCertificateAuthority;
import org.countersign.core.pki.Pem;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;
import org.countersign.server.tenant.TenantRepository;

/** Issues client certificates for relying parties that authenticate with mutual TLS instead of an API key. */
public final class ClientCertificates {
    public record Issued(String fingerprint, String certificatePem, String privateKeyPem, String caCertificatePem) {}

    private final LocalCertificateAuthority ca;
    private final TenantRepository tenants;
    private final AuditLog audit;
    private final Clock clock;

    public ClientCertificates(LocalCertificateAuthority ca, TenantRepository tenants, AuditLog audit, Clock clock) {
        this.ca = ca;
        this.tenants = tenants;
        this.audit = audit;
        this.clock = clock;
    }

    public Issued issue(String tenantId, String actor, String requestId) {
        IssuedCertificate c = ca.issueClientCertificate("countersign-rp-" + tenantId, Duration.ofDays(397));
        String fp = Pem.sha256Fingerprint(c.certificate()).replace(":", "").toLowerCase();
        tenants.insertClientCertificate(fp, tenantId, c.certificate().getSubjectX500Principal().getName(), clock.instant());
        audit.event(AuditAction.CLIENTCERT_ISSUE).tenant(tenantId).by(AuditActor.principal(actor), requestId)
                .about(AuditSubject.certificate(fp)).record(AuditOutcome.SUCCESS);
        byte[] keyPem = Pem.writePrivateKey(c.privateKey()).revealForCrypto(); // handed to the RP once, never stored
        return new Issued(fp, Pem.writeCertificate(c.certificate()), new String(keyPem, StandardCharsets.UTF_8),
                Pem.writeCertificate(ca.certificate()));
    }
}
