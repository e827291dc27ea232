package org.countersign.keycloak;

import java.util.ArrayList;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** Registers "Countersign out-of-band" and its settings in the admin console (Authentication → flow → step). */
public final class OobAuthenticatorFactory implements AuthenticatorFactory {
    public static final String ID = "countersign-oob";
    static final String REFUSE_ON_MISMATCH = "countersign.refuseOnNetworkMismatch";
    static final String RENEW_PASSWORD = "countersign.renewPassword";
    static final String ACR_LEVEL = "countersign.acrLevel";

    private Verifier.Clients clients;

    /** The verifier settings every Countersign step shares (the guard and the required action reuse them). */
    static List<ProviderConfigProperty> verifierProperties() {
        List<ProviderConfigProperty> p = new ArrayList<>();
        p.add(property(CountersignSettings.VERIFIER_URL, "Verifier URL",
                "Base URL of the Countersign verifier, https only, e.g. https://verifier.example:8443",
                ProviderConfigProperty.STRING_TYPE, null));
        p.add(property(CountersignSettings.CA_PEM, "Verifier CA (PEM)",
                "The CA certificate the verifier's TLS certificate chains to. Empty: the JVM's default trust store.",
                ProviderConfigProperty.TEXT_TYPE, null));
        p.add(property(CountersignSettings.API_KEY, "API key (vault reference)",
                "The tenant's API key as a Keycloak vault reference, e.g. ${vault.countersign-api-key}. A literal key "
                        + "is refused so that realm exports never contain it.",
                ProviderConfigProperty.STRING_TYPE, "${vault.countersign-api-key}"));
        p.add(property(CountersignSettings.TENANT, "Tenant", "The verifier tenant the API key belongs to (informational).",
                ProviderConfigProperty.STRING_TYPE, null));
        return p;
    }

    static ProviderConfigProperty property(String name, String label, String help, String type, Object def) {
        ProviderConfigProperty p = new ProviderConfigProperty(name, label, help, type, def);
        return p;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        List<ProviderConfigProperty> p = verifierProperties();
        p.add(property(REFUSE_ON_MISMATCH, "Refuse approvals from another network",
                "Refuse an approval when the verifier reports that the phone is in another country or network "
                        + "operator than the browser (X.1280 §9.1.1 relay check).",
                ProviderConfigProperty.BOOLEAN_TYPE, "true"));
        p.add(property(RENEW_PASSWORD, "Renew password after sign-in (C-S5)",
                "After each approved sign-in, replace the user's Keycloak password with a random one nobody knows. "
                        + "Users then sign in only with the phone, or reset the password by e-mail.",
                ProviderConfigProperty.BOOLEAN_TYPE, "false"));
        p.add(property(ACR_LEVEL, "Level of authentication",
                "Level of authentication this step reaches; the realm's ACR-to-LoA mapping names it in the acr claim. "
                        + "0 leaves the level alone.",
                ProviderConfigProperty.STRING_TYPE, "2"));
        p.add(property(Constants.AUTHENTICATION_EXECUTION_REFERENCE_VALUE, "Authentication reference (amr)",
                "Value this step adds to the amr claim (with the AMR mapper).", ProviderConfigProperty.STRING_TYPE,
                "countersign-oob"));
        p.add(property(Constants.AUTHENTICATION_EXECUTION_REFERENCE_MAX_AGE, "Authentication reference max age",
                "Seconds the amr value stays in tokens refreshed from this sign-in.", ProviderConfigProperty.STRING_TYPE,
                "36000"));
        return p;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Countersign out-of-band";
    }

    @Override
    public String getReferenceCategory() {
        return "countersign-oob";
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return REQUIREMENT_CHOICES;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return true;
    }

    @Override
    public String getHelpText() {
        return "Shows a code that the user's phone must show as well, then waits for the phone's approval "
                + "(ITU-T X.1280 out-of-band server authentication). Place it after a username or username and password form.";
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new OobAuthenticator(session, clients);
    }

    @Override
    public void init(Config.Scope config) {
        clients = new Verifier.Clients();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
