package org.countersign.server.tenant;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.List;
import org.countersign.core.audit.VerificationResult;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.http.Access;
import org.countersign.server.http.ApiServer;
import org.countersign.server.http.Body;
import org.countersign.server.http.Requests;
import org.countersign.server.http.Validate;
import org.countersign.server.tls.ClientCertificates;

/** Operator API under {@code /v1/admin}: relying parties, their keys and certificates, audit verification. */
public final class AdminRoutes implements ApiServer.Routes {
    public record CreateTenant(String id, String displayName, List<String> allowedOrigins) {
        public CreateTenant {
            Validate.id("id", id);
            displayName = Validate.text("displayName", displayName, 200);
            allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
            if (allowedOrigins.size() > 20) {
                throw new IllegalArgumentException("allowedOrigins: at most 20 origins");
            }
            for (String o : allowedOrigins) {
                Validate.text("allowedOrigins[]", o, 300);
            }
        }
    }

    public record CreateKey(String label) {
        public CreateKey {
            label = Validate.optionalText("label", label, 100);
        }
    }

    public record TenantView(String id, String displayName, List<String> allowedOrigins, String status, String createdAt) {
        static TenantView of(Tenant t) {
            return new TenantView(t.id(), t.displayName(), t.allowedOrigins(), t.status().name().toLowerCase(),
                    t.createdAt().toString());
        }
    }

    public record KeyView(String keyId, String label, String createdAt, String revokedAt) {
        static KeyView of(ApiKeyRecord k) {
            return new KeyView(k.id(), k.label(), k.createdAt().toString(), k.revokedAt().map(Object::toString).orElse(null));
        }
    }

    // ---- responses (issue 12: records, not maps) ----
    public record TenantList(List<TenantView> tenants) {}

    public record KeyList(List<KeyView> apiKeys) {}

    /** The tenant with its first API key; the token is shown here once and never stored in clear. */
    public record TenantCreated(TenantView tenant, String apiKey, String keyId) {}

    /** A new API key; the token is shown here once. */
    public record KeyIssued(String keyId, String apiKey) {}

    /** A tenant's mTLS client certificate with its private key, shown once (the server keeps no copy of the key). */
    public record CertificateIssued(String fingerprint, String certificatePem, String privateKeyPem,
            String caCertificatePem) {}

    /** {@code GET /v1/admin/audit/verify} when the chain and the signed checkpoints hold. */
    public record AuditIntact(boolean intact, long rows, long lastSeq, String headHash, long sealedThroughSeq,
            long unsealedTail, int checkpoints) {}

    /** {@code GET /v1/admin/audit/verify} when the log was altered: where, and why, without event content. */
    public record AuditBroken(boolean intact, long firstBadSeq, String reason) {}

    private final TenantService tenants;
    private final ClientCertificates certificates;
    private final AuditLog audit;
    private final Body body;

    public AdminRoutes(TenantService tenants, ClientCertificates certificates, AuditLog audit, Body body) {
        this.tenants = tenants;
        this.certificates = certificates;
        this.audit = audit;
        this.body = body;
    }

    @Override
    public void accept(JavalinConfig config) {
        config.routes.post("/v1/admin/tenants", this::create, Access.ADMIN);
        config.routes.get("/v1/admin/tenants", ctx -> ctx.json(new TenantList(
                tenants.list().stream().map(TenantView::of).toList())), Access.ADMIN);
        config.routes.get("/v1/admin/tenants/{id}", ctx -> ctx.json(TenantView.of(tenants.get(ctx.pathParam("id")))),
                Access.ADMIN);
        config.routes.post("/v1/admin/tenants/{id}/disable", ctx -> ctx.json(TenantView.of(tenants.setStatus(
                ctx.pathParam("id"), Tenant.Status.DISABLED, Requests.actor(ctx), Requests.requestId(ctx)))), Access.ADMIN);
        config.routes.post("/v1/admin/tenants/{id}/enable", ctx -> ctx.json(TenantView.of(tenants.setStatus(
                ctx.pathParam("id"), Tenant.Status.ACTIVE, Requests.actor(ctx), Requests.requestId(ctx)))), Access.ADMIN);
        config.routes.get("/v1/admin/tenants/{id}/api-keys", ctx -> ctx.json(new KeyList(
                tenants.keys(ctx.pathParam("id")).stream().map(KeyView::of).toList())), Access.ADMIN);
        config.routes.post("/v1/admin/tenants/{id}/api-keys", this::addKey, Access.ADMIN);
        config.routes.delete("/v1/admin/tenants/{id}/api-keys/{keyId}", ctx -> {
            tenants.revokeKey(ctx.pathParam("id"), ctx.pathParam("keyId"), Requests.actor(ctx), Requests.requestId(ctx));
            ctx.status(204);
        }, Access.ADMIN);
        config.routes.post("/v1/admin/tenants/{id}/client-certificates", this::issueCertificate, Access.ADMIN);
        config.routes.get("/v1/admin/audit/verify", this::verifyAudit, Access.ADMIN);
    }

    private void create(Context ctx) {
        CreateTenant req = body.read(ctx, CreateTenant.class);
        TenantService.Created created = tenants.create(req.id(), req.displayName(), req.allowedOrigins(),
                Requests.actor(ctx), Requests.requestId(ctx));
        ctx.status(201).json(new TenantCreated(TenantView.of(created.tenant()), created.apiKey().token(),
                created.apiKey().keyId()));
    }

    private void addKey(Context ctx) {
        CreateKey req = body.read(ctx, CreateKey.class);
        TenantService.IssuedKey key = tenants.addKey(ctx.pathParam("id"), req.label(), Requests.actor(ctx),
                Requests.requestId(ctx));
        ctx.status(201).json(new KeyIssued(key.keyId(), key.token()));
    }

    private void issueCertificate(Context ctx) {
        String tenantId = ctx.pathParam("id");
        tenants.get(tenantId);
        ClientCertificates.Issued issued = certificates.issue(tenantId, Requests.actor(ctx), Requests.requestId(ctx));
        ctx.status(201).json(new CertificateIssued(issued.fingerprint(), issued.certificatePem(), issued.privateKeyPem(),
                issued.caCertificatePem()));
    }

    private void verifyAudit(Context ctx) {
        VerificationResult r = audit.verify();
        if (r instanceof VerificationResult.Intact ok) {
            ctx.json(new AuditIntact(true, ok.rows(), ok.lastSeq(), ok.headHash().toHex(), ok.sealedThroughSeq(),
                    ok.unsealedTail(), ok.checkpoints()));
        } else if (r instanceof VerificationResult.Broken broken) {
            ctx.json(new AuditBroken(false, broken.firstBadSeq(), broken.reason()));
        }
    }
}
