package org.countersign.keycloak;

/** Keys of theme-resources/messages/messages_en.properties: what the user reads on Keycloak's pages. */
final class Messages {
    private Messages() {}

    static final String NO_AUTHENTICATOR = "countersignNoAuthenticator";
    static final String PENDING = "countersignRequestPending";
    static final String UNAVAILABLE = "countersignUnavailable";
    static final String REJECTED = "countersignRejected";
    static final String CODES_DIFFER = "countersignCodesDiffer";
    static final String EXPIRED = "countersignExpired";
    static final String CANCELLED = "countersignCancelled";
    static final String RELAY_SUSPECTED = "countersignRelaySuspected";
    static final String ENROL_NOT_YET = "countersignEnrolNotYet";
    static final String PASSWORD_ONLY_REFUSED = "countersignPasswordOnlyRefused";
}
