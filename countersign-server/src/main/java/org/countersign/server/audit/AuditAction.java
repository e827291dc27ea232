package org.countersign.server.audit;

/**
 * Everything the operation log records (A-G4). {@link #wire()} is the action string hashed into the chain: never
 * change one, or existing chains would name actions no code writes any more.
 */
public enum AuditAction {
    SERVER_START("server.start"),
    ADMINKEY_BOOTSTRAP("adminkey.bootstrap"),
    ADMINKEY_CREATE("adminkey.create"),
    TENANT_CREATE("tenant.create"),
    TENANT_DISABLE("tenant.disable"),
    TENANT_ENABLE("tenant.enable"),
    APIKEY_CREATE("apikey.create"),
    APIKEY_REVOKE("apikey.revoke"),
    CLIENTCERT_ISSUE("clientcert.issue"),
    USER_CREATE("user.create"),
    USER_DELETE("user.delete"),

    // X.1280 out-of-band server authentication
    OOB_ENROLMENT_ISSUE("oob.enrolment.issue"),
    OOB_ENROLMENT_COMPLETE("oob.enrolment.complete"),
    OOB_AUTHENTICATOR_RENAME("oob.authenticator.rename"),
    OOB_AUTHENTICATOR_REVOKE("oob.authenticator.revoke"),
    OOB_AUTHENTICATOR_PIN_LOCK("oob.authenticator.pin-lock"),
    OOB_REQUEST_CREATE("oob.request.create"),
    OOB_REQUEST_BIND("oob.request.bind"),
    OOB_REQUEST_DECIDE("oob.request.decide"),
    OOB_REQUEST_CANCEL("oob.request.cancel"),
    OOB_PASSWORD_RENEW("oob.password.renew"),
    OOB_PASSWORD_LOGIN_SET("oob.password-login.set"),
    OOB_RELEASE("oob.release"),
    OOB_RECOVER("oob.recover"),
    OOB_SETTINGS_UPDATE("oob.settings.update"),

    // ISO/IEC 27553-1 local biometric authentication
    LOCAL_REGISTER("local.register"),
    LOCAL_AUTHENTICATE("local.authenticate"),
    LOCAL_OOB_BIND("local.oob-bind"),
    LOCAL_REVOKE("local.revoke"),
    LOCAL_COMPROMISE_REPORT("local.compromise-report"),
    LOCAL_DEREGISTER("local.deregister"),
    LOCAL_DEREGISTER_ALL("local.deregister-all"),
    LOCAL_POLICY("local.policy"),
    LOCAL_CONSENT_GRANT("local.consent.grant"),
    LOCAL_CONSENT_WITHDRAW("local.consent.withdraw"),

    // X.1279 remote biometric authentication
    REMOTE_ENROLMENT_ISSUE("remote.enrolment.issue"),
    REMOTE_DEVICE_REGISTER("remote.device.register"),
    REMOTE_GRANT_ISSUE("remote.grant.issue"),
    REMOTE_CONSENT_GRANT("remote.consent.grant"),
    REMOTE_CONSENT_WITHDRAW("remote.consent.withdraw"),
    REMOTE_DATA_ERASE("remote.data.erase"),
    REMOTE_AUTHENTICATION_OPEN("remote.authentication.open"),
    REMOTE_CHALLENGE("remote.challenge"),
    REMOTE_REGISTER("remote.register"),
    REMOTE_AUTHENTICATE("remote.authenticate"),
    REMOTE_DEREGISTER("remote.deregister"),
    REMOTE_REFERENCE_WRITE("remote.reference.write"),
    REMOTE_REFERENCE_REPLACE("remote.reference.replace"),
    REMOTE_REFERENCE_REMOVE("remote.reference.remove"),
    REMOTE_OUTCOME_CONSUME("remote.outcome.consume"),
    REMOTE_POLICY_UPDATE("remote.policy.update"),
    REMOTE_SRP_UNLOCK("remote.srp.unlock"),
    REMOTE_IMPORT("remote.import");

    private final String wire;

    AuditAction(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
