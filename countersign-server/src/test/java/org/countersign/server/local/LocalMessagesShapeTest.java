package org.countersign.server.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.countersign.server.http.Json;
import org.countersign.server.local.LocalMessages.AgentAuthenticationOptions;
import org.countersign.server.local.LocalMessages.AgentRegistrationOptions;
import org.countersign.server.local.LocalMessages.AuthenticatorSelection;
import org.countersign.server.local.LocalMessages.CredentialDescriptor;
import org.countersign.server.local.LocalMessages.CredentialParameters;
import org.countersign.server.local.LocalMessages.RelyingParty;
import org.countersign.server.local.LocalMessages.SignedAuthenticationChallenge;
import org.countersign.server.local.LocalMessages.SignedRegistrationChallenge;
import org.countersign.server.local.LocalMessages.SubjectData;
import org.countersign.server.local.LocalMessages.UserEntity;
import org.countersign.server.local.LocalMessages.WebAuthnCreationOptions;
import org.countersign.server.local.LocalMessages.WebAuthnRequestOptions;
import org.junit.jupiter.api.Test;

/**
 * The local-mode response records write exactly the members, order and absences the former maps wrote (issue 12):
 * the signed agent challenges are signed as bytes, and browsers and agents read these members by name.
 */
class LocalMessagesShapeTest {
    private final ObjectMapper json = Json.strictMapper();

    private String write(Object value) throws Exception {
        return json.writeValueAsString(value);
    }

    @Test
    void webAuthnCreationOptionsKeepTheirMembersAndOrder() throws Exception {
        var o = new WebAuthnCreationOptions(new RelyingParty("rp.example", "Bank"), new UserEntity("h", "u1", "U One"),
                "c", List.of(new CredentialParameters("public-key", -7L)), 120000,
                new AuthenticatorSelection("required", "preferred"), "none", List.of(CredentialDescriptor.publicKey("k")));
        assertThat(write(o)).isEqualTo("{\"rp\":{\"id\":\"rp.example\",\"name\":\"Bank\"},"
                + "\"user\":{\"id\":\"h\",\"name\":\"u1\",\"displayName\":\"U One\"},\"challenge\":\"c\","
                + "\"pubKeyCredParams\":[{\"type\":\"public-key\",\"alg\":-7}],\"timeout\":120000,"
                + "\"authenticatorSelection\":{\"userVerification\":\"required\",\"residentKey\":\"preferred\"},"
                + "\"attestation\":\"none\",\"excludeCredentials\":[{\"type\":\"public-key\",\"id\":\"k\"}]}");
    }

    @Test
    void requestOptionsLeaveOutAnEmptyTransactionText() throws Exception {
        var without = new WebAuthnRequestOptions("c", "rp", 1000, "required", List.of(CredentialDescriptor.publicKey("k")),
                null);
        assertThat(write(without)).isEqualTo("{\"challenge\":\"c\",\"rpId\":\"rp\",\"timeout\":1000,"
                + "\"userVerification\":\"required\",\"allowCredentials\":[{\"type\":\"public-key\",\"id\":\"k\"}]}");
        var agent = new AgentAuthenticationOptions("c", "rp", 1000, List.of("k"), "2026-01-01T00:00:00Z", "pay 5",
                "s", "sig");
        assertThat(write(agent)).isEqualTo("{\"challenge\":\"c\",\"rpId\":\"rp\",\"timeout\":1000,"
                + "\"credentialIds\":[\"k\"],\"expiresAt\":\"2026-01-01T00:00:00Z\",\"transactionText\":\"pay 5\","
                + "\"signedChallenge\":\"s\",\"serverSignature\":\"sig\"}");
        assertThat(write(new AgentRegistrationOptions("c", "rp", "u1", "t", "s", "sig"))).isEqualTo(
                "{\"challenge\":\"c\",\"rpId\":\"rp\",\"userId\":\"u1\",\"expiresAt\":\"t\",\"signedChallenge\":\"s\","
                        + "\"serverSignature\":\"sig\"}");
    }

    @Test
    void signedChallengesKeepTheBytesTheAgentVerifies() throws Exception {
        assertThat(write(new SignedRegistrationChallenge(SignedRegistrationChallenge.TYPE, "c", "rp", "u1", "t")))
                .isEqualTo("{\"type\":\"countersign.server.registration-challenge\",\"challenge\":\"c\",\"rpId\":\"rp\","
                        + "\"userId\":\"u1\",\"expiresAt\":\"t\"}");
        // The signed document always carries transactionText, empty when there is none.
        assertThat(write(new SignedAuthenticationChallenge(SignedAuthenticationChallenge.TYPE, "c", "rp", List.of("k"),
                "", "t"))).isEqualTo("{\"type\":\"countersign.server.authentication-challenge\",\"challenge\":\"c\","
                        + "\"rpId\":\"rp\",\"credentialIds\":[\"k\"],\"transactionText\":\"\",\"expiresAt\":\"t\"}");
    }

    @Test
    void subjectDataHasExportedAtOnlyInTheExport() throws Exception {
        var data = new SubjectData("u1", "v1", List.of(new LocalStore.Consent("v1", Instant.parse("2026-01-01T00:00:00Z"),
                null)), List.of(), false, null);
        String plain = "{\"userId\":\"u1\",\"currentNoticeVersion\":\"v1\",\"consents\":[{\"noticeVersion\":\"v1\","
                + "\"grantedAt\":\"2026-01-01T00:00:00Z\"}],\"credentials\":[],\"biometricDataHeldByServer\":false";
        assertThat(write(data)).isEqualTo(plain + "}");
        assertThat(write(data.exported("2026-01-02T00:00:00Z"))).isEqualTo(plain
                + ",\"exportedAt\":\"2026-01-02T00:00:00Z\"}");
    }
}
