package org.countersign.agent.oob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnrolmentTargetTest {
    @Test
    void enrolmentUriGivesOriginCodeAndTenant() throws Exception {
        EnrolmentTarget t = EnrolmentTarget.fromUri("https://Verifier.Example:8443/authenticator/?enrol=K7QXM2PA9TDE&tenant=bank");
        assertThat(t).isEqualTo(new EnrolmentTarget(URI.create("https://verifier.example:8443"), "K7QXM2PA9TDE", Optional.of("bank")));
    }

    @Test
    void typedCodeMayHaveDashesAndLowerCase() throws Exception {
        assertThat(EnrolmentTarget.of("https://v.example", "k7qx-m2pa-9tde").code()).isEqualTo("K7QXM2PA9TDE");
    }

    @Test
    void X1280_8_1_plainHttpIsRefused() {
        assertThatThrownBy(() -> EnrolmentTarget.of("http://v.example", "K7QXM2PA9TDE"))
                .isInstanceOf(OobException.BadInput.class).hasMessageContaining("https");
    }

    @Test
    void uriWithoutCodeOrWithJunkCodeIsRefused() {
        assertThatThrownBy(() -> EnrolmentTarget.fromUri("https://v.example/authenticator/?tenant=bank"))
                .isInstanceOf(OobException.BadInput.class);
        assertThatThrownBy(() -> EnrolmentTarget.of("https://v.example", "not a code!"))
                .isInstanceOf(OobException.BadInput.class);
    }
}
