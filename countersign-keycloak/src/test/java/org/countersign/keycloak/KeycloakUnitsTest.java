package org.countersign.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The extension's pure parts, without a Keycloak: offset browser fields, C-S5 passwords, QR drawing. */
class KeycloakUnitsTest {

    @Test
    void X1280_8_3_browserFieldsOfTheOffsetNameTheRealBrowser() {
        assertThat(Browsers.parse("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "HeadlessChrome/156.0.0.0 Safari/537.36")).isEqualTo(new Browsers.Browser("Chrome (headless)", "156.0"));
        assertThat(Browsers.parse("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0")).isEqualTo(new Browsers.Browser("Edge", "140.0"));
        assertThat(Browsers.parse("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"))
                .isEqualTo(new Browsers.Browser("Firefox", "128.0"));
        assertThat(Browsers.parse(null)).isEqualTo(new Browsers.Browser("unknown", "unknown"));
        assertThat(Browsers.parse("curl/8.5.0").name()).isEqualTo("other");
    }

    @Test
    void C_S5_renewedPasswordsHaveAllFourClassesAndDiffer() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String p = OobAuthenticator.randomPassword();
            assertThat(p).hasSize(28).matches(".*[A-Z].*").matches(".*[a-z].*").matches(".*[0-9].*")
                    .matches(".*[!#%+\\-.:=?@_~].*");
            assertThat(seen.add(p)).isTrue();
        }
    }

    @Test
    void qrCodeIsAnInlineSvgWithModules() {
        String svg = QrCodes.svg("countersign-oob:req_123:493021");
        assertThat(svg).startsWith("<svg ").contains("viewBox=\"0 0 ").contains("h1v1h-1z").endsWith("</svg>");
        assertThat(QrCodes.svg("countersign-oob:req_123:493022")).isNotEqualTo(svg);
    }
}
