package org.countersign.server.local;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;
import org.countersign.server.auth.Caller;
import org.countersign.server.http.Access;
import org.countersign.server.http.ApiException;
import org.countersign.server.http.ApiServer;
import org.countersign.server.http.Body;
import org.countersign.server.http.Requests;
import org.countersign.server.http.Validate;
import org.countersign.server.local.LocalFailure.Reason;

/**
 * {@code /v1/local/...}: the relying-party API of local-mode biometric authentication. The RP server holds the
 * tenant key and relays challenges and responses between its page or app and Countersign (27553-1 A.3, steps b
 * and h), so the browser never sees the API key.
 */
public final class LocalRoutes implements ApiServer.Routes {
    // ---- request bodies ----
    public record StartRegistration(String userId, String format) {
        public StartRegistration {
            Validate.id("userId", userId);
            CredentialFormat.parse(format);
        }
    }

    public record StartAuthentication(String userId, String format, String transactionText) {
        public StartAuthentication {
            Validate.id("userId", userId);
            CredentialFormat.parse(format);
            transactionText = transactionText == null || transactionText.isEmpty() ? ""
                    : Validate.text("transactionText", transactionText, 500);
        }
    }

    public record WebAuthnAttestationJson(String id, String clientDataJSON, String attestationObject,
            List<String> transports) {}

    public record AgentRegistrationJson(String registrationData, String credentialSignature, String attestationSignature,
            List<String> attestationChain) {}

    public record FinishRegistration(WebAuthnAttestationJson webauthn, AgentRegistrationJson agent) {
        public FinishRegistration {
            if ((webauthn == null) == (agent == null)) {
                throw new IllegalArgumentException("send exactly one of 'webauthn' or 'agent'");
            }
        }
    }

    public record WebAuthnAssertionJson(String id, String clientDataJSON, String authenticatorData, String signature,
            String userHandle) {}

    public record AgentAssertionJson(String credentialId, String assertionData, String signature) {}

    public record FinishAuthentication(WebAuthnAssertionJson webauthn, AgentAssertionJson agent) {
        public FinishAuthentication {
            if ((webauthn == null) == (agent == null)) {
                throw new IllegalArgumentException("send exactly one of 'webauthn' or 'agent'");
            }
        }
    }

    /** What an agent or RP agent detected (27553-1 SR-M-13); free text for the audit log. */
    public record CompromiseReport(String detail) {
        public CompromiseReport {
            detail = Validate.text("detail", detail, 500);
        }
    }

    public record ConsentRequest(String noticeVersion) {
        public ConsentRequest {
            Validate.text("noticeVersion", noticeVersion, 64);
        }
    }

    // ---- views ----
    public record CredentialView(String credentialId, String format, String referenceId, String aaguid, long signCount,
            AssuranceVector assurance, String createdAt, String lastUsedAt, String revokedAt) {
        static CredentialView of(LocalStore.StoredCredential k) {
            return new CredentialView(k.credentialId(), k.format().wire(), k.referenceId(), k.aaguid(), k.signCount(),
                    k.registeredAssurance(), k.createdAt().toString(),
                    k.lastUsedAt() == null ? null : k.lastUsedAt().toString(),
                    k.revokedAt() == null ? null : k.revokedAt().toString());
        }
    }

    private final LocalCredentialService service;
    private final LocalStore store;
    private final AuditLog audit;
    private final Body body;
    private final Clock clock;
    private final String helperScript;

    public LocalRoutes(LocalCredentialService service, LocalStore store, AuditLog audit, Body body, Clock clock) {
        this.service = service;
        this.store = store;
        this.audit = audit;
        this.body = body;
        this.clock = clock;
        this.helperScript = resource("local/countersign-webauthn.js");
    }

    @Override
    public void accept(JavalinConfig config) {
        var r = config.routes;
        r.get("/v1/local/privacy-notice", ctx -> ctx.json(PrivacyNotice.CURRENT), Access.PUBLIC);
        r.get("/v1/local/webauthn.js", ctx -> {
            ctx.header("Cache-Control", "public, max-age=300");
            ctx.contentType("text/javascript; charset=utf-8").result(helperScript);
        }, Access.PUBLIC);
        r.get("/v1/local/policy", ctx -> ctx.json(service.policy(Requests.tenant(ctx))), Access.TENANT);
        r.get("/v1/local/agent-key", ctx -> ctx.json(service.agentServerKey(Requests.tenant(ctx))), Access.TENANT);
        r.put("/v1/local/policy", this::putPolicy, Access.TENANT);
        r.post("/v1/local/registrations", this::startRegistration, Access.TENANT);
        r.post("/v1/local/registrations/{ceremonyId}/finish", this::finishRegistration, Access.TENANT);
        r.post("/v1/local/authentications", this::startAuthentication, Access.TENANT);
        r.post("/v1/local/authentications/{ceremonyId}/finish", this::finishAuthentication, Access.TENANT);
        r.get("/v1/local/users/{userId}/credentials", this::listCredentials, Access.TENANT);
        r.post("/v1/local/users/{userId}/credentials/{credentialId}/revoke", this::revoke, Access.TENANT);
        r.delete("/v1/local/users/{userId}/credentials/{credentialId}", this::deregister, Access.TENANT);
        r.post("/v1/local/users/{userId}/credentials/{credentialId}/compromise", this::reportCompromise, Access.TENANT);
        r.post("/v1/local/users/{userId}/consent", this::grantConsent, Access.TENANT);
        r.delete("/v1/local/users/{userId}/consent", this::withdrawConsent, Access.TENANT);
        r.get("/v1/local/users/{userId}/data", ctx -> ctx.json(subjectData(ctx)), Access.TENANT);
        r.get("/v1/local/users/{userId}/data/export", this::export, Access.TENANT);
        r.delete("/v1/local/users/{userId}/data", this::deleteData, Access.TENANT);
    }

    private static Caller caller(Context ctx) {
        return Requests.tenantCaller(ctx);
    }

    private void putPolicy(Context ctx) {
        LocalPolicy policy = body.read(ctx, LocalPolicy.class);
        service.putPolicy(caller(ctx), policy);
        ctx.json(policy);
    }

    private void startRegistration(Context ctx) {
        StartRegistration req = body.read(ctx, StartRegistration.class);
        store.purgeExpiredCeremonies(clock.instant());
        ctx.status(201).json(service.startRegistration(caller(ctx), req.userId(), CredentialFormat.parse(req.format())));
    }

    private void finishRegistration(Context ctx) {
        FinishRegistration req = body.read(ctx, FinishRegistration.class);
        LocalCredentialService.Response response;
        if (req.webauthn() != null) {
            var w = req.webauthn();
            response = new LocalCredentialService.WebAuthnAttestation(b64(w.clientDataJSON(), "clientDataJSON"),
                    b64(w.attestationObject(), "attestationObject"),
                    w.transports() == null ? Set.of() : Set.copyOf(w.transports()));
        } else {
            var a = req.agent();
            response = new LocalCredentialService.AgentRegistration(b64(a.registrationData(), "registrationData"),
                    b64(a.credentialSignature(), "credentialSignature"),
                    a.attestationSignature() == null ? null : b64(a.attestationSignature(), "attestationSignature"),
                    a.attestationChain() == null ? List.of() : a.attestationChain());
        }
        ctx.status(201).json(service.finishRegistration(caller(ctx), ctx.pathParam("ceremonyId"), response));
    }

    private void startAuthentication(Context ctx) {
        StartAuthentication req = body.read(ctx, StartAuthentication.class);
        store.purgeExpiredCeremonies(clock.instant());
        ctx.status(201).json(service.startAuthentication(caller(ctx), req.userId(), CredentialFormat.parse(req.format()),
                req.transactionText()));
    }

    private void finishAuthentication(Context ctx) {
        FinishAuthentication req = body.read(ctx, FinishAuthentication.class);
        LocalCredentialService.Response response;
        if (req.webauthn() != null) {
            var w = req.webauthn();
            response = new LocalCredentialService.WebAuthnAssertion(b64(w.id(), "id"),
                    b64(w.clientDataJSON(), "clientDataJSON"), b64(w.authenticatorData(), "authenticatorData"),
                    b64(w.signature(), "signature"), w.userHandle() == null || w.userHandle().isEmpty() ? null
                            : b64(w.userHandle(), "userHandle"));
        } else {
            var a = req.agent();
            if (a.credentialId() == null || a.credentialId().length() > 200) {
                throw new LocalFailure(Reason.MALFORMED, "credentialId is missing or too long");
            }
            response = new LocalCredentialService.AgentAssertion(a.credentialId(), b64(a.assertionData(), "assertionData"),
                    b64(a.signature(), "signature"));
        }
        ctx.json(service.finishAuthentication(caller(ctx), ctx.pathParam("ceremonyId"), response));
    }

    private void listCredentials(Context ctx) {
        String userId = ctx.pathParam("userId");
        ctx.json(new LocalMessages.CredentialList(service.credentials(Requests.tenant(ctx), userId).stream()
                .map(CredentialView::of).toList()));
    }

    private void revoke(Context ctx) {
        service.revoke(caller(ctx), ctx.pathParam("userId"), ctx.pathParam("credentialId"));
        ctx.status(204);
    }

    private void reportCompromise(Context ctx) {
        CompromiseReport req = body.read(ctx, CompromiseReport.class);
        service.reportCompromise(caller(ctx), ctx.pathParam("userId"), ctx.pathParam("credentialId"), req.detail());
        ctx.status(204);
    }

    private void deregister(Context ctx) {
        ctx.json(service.deregister(caller(ctx), ctx.pathParam("userId"), ctx.pathParam("credentialId")));
    }

    private void grantConsent(Context ctx) {
        ConsentRequest req = body.read(ctx, ConsentRequest.class);
        if (!PrivacyNotice.CURRENT.version().equals(req.noticeVersion())) {
            throw ApiException.invalid("noticeVersion must be the current notice, " + PrivacyNotice.CURRENT.version()
                    + ": show it to the user first");
        }
        Caller c = caller(ctx);
        String userId = requireUser(ctx);
        store.grantConsent(c.tenant(), userId, req.noticeVersion(), clock.instant());
        audit.event(AuditAction.LOCAL_CONSENT_GRANT).tenant(c.tenant())
                .by(AuditActor.principal(c.actor()), c.requestId()).about(AuditSubject.user(userId))
                .details(Map.of("noticeVersion", req.noticeVersion())).record(AuditOutcome.SUCCESS);
        ctx.status(201).json(new LocalMessages.ConsentGranted(userId, req.noticeVersion()));
    }

    private void withdrawConsent(Context ctx) {
        Caller c = caller(ctx);
        String userId = requireUser(ctx);
        int closed = store.withdrawConsent(c.tenant(), userId, clock.instant());
        audit.event(AuditAction.LOCAL_CONSENT_WITHDRAW).tenant(c.tenant())
                .by(AuditActor.principal(c.actor()), c.requestId()).about(AuditSubject.user(userId))
                .details(Map.of("closed", Integer.toString(closed))).record(AuditOutcome.SUCCESS);
        // Withdrawal ends all biometric use: every device is deregistered (27553-1 10.2, rights of the subject).
        var gone = service.deregisterAll(c, userId, "consent withdrawn");
        ctx.json(new LocalMessages.UserDeregistered(userId, gone));
    }

    private LocalMessages.SubjectData subjectData(Context ctx) {
        String tenant = Requests.tenant(ctx);
        String userId = requireUser(ctx);
        // Stated, not implied: the server has no biometric samples, templates or scores (SR-B-3).
        return new LocalMessages.SubjectData(userId, PrivacyNotice.CURRENT.version(), store.consents(tenant, userId),
                store.credentialsOf(tenant, userId).stream().map(CredentialView::of).toList(), false, null);
    }

    private void export(Context ctx) {
        LocalMessages.SubjectData data = subjectData(ctx).exported(clock.instant().toString());
        ctx.header("Content-Disposition", "attachment; filename=\"local-data-" + ctx.pathParam("userId") + ".json\"");
        ctx.json(data);
    }

    private void deleteData(Context ctx) {
        Caller c = caller(ctx);
        String userId = requireUser(ctx);
        ctx.json(new LocalMessages.UserDeregistered(userId, service.deregisterAll(c, userId, "erasure requested")));
    }

    private String requireUser(Context ctx) {
        String userId = ctx.pathParam("userId");
        service.credentials(Requests.tenant(ctx), userId); // 404 for unknown users
        return userId;
    }

    private static ByteArray b64(String value, String field) {
        if (value != null && value.length() > 64 * 1024) {
            throw new LocalFailure(Reason.MALFORMED, field + " is too long");
        }
        return AgentVerifier.decode(value, field);
    }

    private static String resource(String name) {
        try (InputStream in = LocalRoutes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }
}
