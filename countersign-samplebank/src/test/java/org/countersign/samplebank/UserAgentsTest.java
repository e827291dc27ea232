package org.countersign.samplebank;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The offset's browser fields (X.1280 §8.3) name the browser as a user would recognise it. */
class UserAgentsTest {
    @Test
    void recognisesCommonBrowsersInTheRightOrder() {
        assertThat(UserAgents.parse("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/140.0.7339.80 Safari/537.36")).isEqualTo(new UserAgents.Browser("Chrome", "140.0"));
        assertThat(UserAgents.parse("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/140.0.0.0 Safari/537.36 Edg/140.0.3485.54")).isEqualTo(new UserAgents.Browser("Edge", "140.0"));
        assertThat(UserAgents.parse("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"))
                .isEqualTo(new UserAgents.Browser("Firefox", "128.0"));
        assertThat(UserAgents.parse("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like "
                + "Gecko) Version/17.5 Safari/605.1.15")).isEqualTo(new UserAgents.Browser("Safari", "17.5"));
        assertThat(UserAgents.parse("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "HeadlessChrome/140.0.7339.80 Safari/537.36")).isEqualTo(new UserAgents.Browser("Chrome (headless)", "140.0"));
    }

    @Test
    void missingOrUnknownAgentsStillGiveNonEmptyFields() {
        assertThat(UserAgents.parse(null)).isEqualTo(new UserAgents.Browser("unknown", "unknown"));
        assertThat(UserAgents.parse("SomethingElse/1")).isEqualTo(new UserAgents.Browser("other", "unknown"));
    }

    @Test
    void ipLiteralsLoseBracketsAndZones() {
        assertThat(OobSignIn.ipLiteral("[::1]")).isEqualTo("::1");
        assertThat(OobSignIn.ipLiteral("fe80::1%eth0")).isEqualTo("fe80::1");
        assertThat(OobSignIn.ipLiteral("127.0.0.1")).isEqualTo("127.0.0.1");
    }
}
