package org.countersign.keycloak;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.vault.VaultStringSecret;

/**
 * How one realm reaches its verifier, read from an authenticator configuration of the admin console.
 *
 * <p>The API key is accepted only as a Keycloak vault reference ({@code ${vault.name}}): the realm then stores and
 * exports the reference, never the key (no secret in a realm export in clear). A literal key is refused as a
 * configuration error rather than silently stored in clear.
 *
 * @param verifierUrl the verifier's base URL, e.g. {@code https://verifier.example:8443}
 * @param caPem       the PEM of the CA the verifier's TLS certificate chains to (X.1280 §8.1: TLS with X.509);
 *                    empty means the JDK's default trust store
 * @param apiKey      the relying-party API key, resolved from the vault
 * @param tenant      the tenant id the key belongs to (shown in logs and on the pages; the key decides)
 */
public record CountersignSettings(URI verifierUrl, String caPem, String apiKey, String tenant) {
    public static final String VERIFIER_URL = "countersign.verifierUrl";
    public static final String CA_PEM = "countersign.caPem";
    public static final String API_KEY = "countersign.apiKey";
    public static final String TENANT = "countersign.tenant";

    /** A configuration the extension cannot use; the message is for the server log, never for the user. */
    public static final class Misconfigured extends Exception {
        private static final long serialVersionUID = 1L;

        public Misconfigured(String message) {
            super(message);
        }
    }

    /**
     * The settings of {@code own} when it names a verifier, else of the first Countersign configuration in the
     * realm: the guard and the required action may run without a configuration of their own.
     */
    public static CountersignSettings resolve(KeycloakSession session, RealmModel realm, AuthenticatorConfigModel own)
            throws Misconfigured {
        Map<String, String> config = Optional.ofNullable(own).map(AuthenticatorConfigModel::getConfig)
                .filter(c -> !blank(c.get(VERIFIER_URL)))
                .or(() -> realm.getAuthenticatorConfigsStream().map(AuthenticatorConfigModel::getConfig)
                        .filter(c -> c != null && !blank(c.get(VERIFIER_URL))).findFirst())
                .orElseThrow(() -> new Misconfigured("no Countersign configuration in realm " + realm.getName()));
        return from(session, config);
    }

    static CountersignSettings from(KeycloakSession session, Map<String, String> config) throws Misconfigured {
        String url = config.get(VERIFIER_URL).trim();
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url : url + "/");
        } catch (IllegalArgumentException e) {
            throw new Misconfigured("verifier URL is not a URL");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            // X.1280 §8.1: the RP–verifier exchange runs over TLS.
            throw new Misconfigured("verifier URL must be https");
        }
        String keyRef = config.getOrDefault(API_KEY, "").trim();
        if (!keyRef.startsWith("${vault.") || !keyRef.endsWith("}")) {
            throw new Misconfigured("API key must be a vault reference ${vault.<name>}, not the key itself");
        }
        String key;
        try (VaultStringSecret secret = session.vault().getStringSecret(keyRef)) {
            key = secret.get().orElseThrow(() -> new Misconfigured("vault entry " + keyRef + " is empty or missing"));
        }
        return new CountersignSettings(uri, config.getOrDefault(CA_PEM, "").trim(), key.trim(),
                config.getOrDefault(TENANT, "").trim());
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Reads a boolean option of an authenticator configuration. */
    static boolean flag(AuthenticatorConfigModel config, String key, boolean otherwise) {
        if (config == null || config.getConfig() == null || blank(config.getConfig().get(key))) {
            return otherwise;
        }
        return Boolean.parseBoolean(config.getConfig().get(key).trim());
    }

    /** Reads an integer option, falling back when absent or not a number. */
    static int number(AuthenticatorConfigModel config, String key, int otherwise) {
        if (config == null || config.getConfig() == null || blank(config.getConfig().get(key))) {
            return otherwise;
        }
        try {
            return Integer.parseInt(config.getConfig().get(key).trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    @Override
    public String toString() {
        // The key never reaches a log line.
        return "CountersignSettings[" + verifierUrl + ", tenant=" + tenant + "]";
    }
}
