package org.countersign.server.oob.origin;

import static org.assertj.core.api.Assertions.assertThat;

import org.countersign.server.oob.origin.RelayCheck.Verdict;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The bundled offline database places real public addresses (X.1280 §9.1.1 relay check): country from the CC0
 * MMDB, operator from the ASN tables. Loopback and private addresses are named for people, never printed raw.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkOriginsTest {
    static final String TELEKOM_DE = "80.128.0.1";
    static final String TELEKOM_DE_2 = "87.128.0.1";
    static final String VODAFONE_DE = "88.64.0.1";
    static final String ORANGE_FR = "90.0.0.1";
    static final String GOOGLE_US = "8.8.8.8";

    NetworkOrigins origins;

    @BeforeAll
    void load() {
        origins = NetworkOrigins.bundled();
    }

    @Test
    void publicAddressesResolveToCountryAndOperator() {
        Network de = origins.lookup(TELEKOM_DE);
        assertThat(de.kind()).isEqualTo(Network.Kind.PUBLIC);
        assertThat(de.countryCode()).contains("DE");
        assertThat(de.asn()).contains(3320L);
        assertThat(de.operator()).contains("Deutsche Telekom AG");
        assertThat(de.label()).isEqualTo("Germany, Deutsche Telekom AG");

        Network fr = origins.lookup(ORANGE_FR);
        assertThat(fr.countryCode()).contains("FR");
        assertThat(fr.asn()).contains(3215L);
        assertThat(fr.operator()).contains("Orange S.A.");

        Network us = origins.lookup(GOOGLE_US);
        assertThat(us.countryCode()).contains("US");
        assertThat(us.operator()).contains("Google LLC");

        Network v6 = origins.lookup("2003::1");
        assertThat(v6.countryCode()).contains("DE");
        assertThat(v6.asn()).contains(3320L);
        Network v6fr = origins.lookup("2a01:cb00::1");
        assertThat(v6fr.asn()).contains(5511L);
        assertThat(v6fr.operator()).contains("Orange S.A.");
    }

    @Test
    void loopbackAndPrivateAddressesReadAsThisComputerAndLocalNetwork() {
        for (String a : new String[] {"127.0.0.1", "0:0:0:0:0:0:0:1", "::1", "::ffff:127.0.0.1"}) {
            Network n = origins.lookup(a);
            assertThat(n.kind()).as(a).isEqualTo(Network.Kind.LOOPBACK);
            assertThat(n.label()).isEqualTo("this computer");
            assertThat(n.view().address()).isNull();
            assertThat(n.view().toString()).doesNotContain("0:0:0:0").doesNotContain("127.0.0.1");
        }
        for (String a : new String[] {"192.168.1.20", "10.1.2.3", "172.16.0.9", "100.64.1.1", "fd00::5", "fe80::1"}) {
            Network n = origins.lookup(a);
            assertThat(n.kind()).as(a).isEqualTo(Network.Kind.PRIVATE);
            assertThat(n.label()).isEqualTo("local network");
        }
    }

    @Test
    void hostNamesAndGarbageAreNeverLookedUp() {
        Network n = origins.lookup("example.com");
        assertThat(n.kind()).isEqualTo(Network.Kind.PUBLIC);
        assertThat(n.countryCode()).isEmpty();
        assertThat(n.asn()).isEmpty();
        assertThat(n.label()).isEqualTo("an unlisted Internet network");
    }

    @Test
    void X1280_9_1_1_relayInAnotherCountryIsAMismatch() {
        RelayCheck c = RelayCheck.of(origins.lookup(ORANGE_FR), origins.lookup(TELEKOM_DE));
        assertThat(c.verdict()).isEqualTo(Verdict.DIFFERENT_COUNTRY);
        assertThat(c.mismatch()).isTrue();
        assertThat(c.warning()).hasValueSatisfying(w -> assertThat(w).contains("France").contains("Germany"));
        assertThat(c.view().verdict().wire()).isEqualTo("different-country");
        assertThat(c.view().mismatch()).isTrue();
    }

    @Test
    void X1280_9_1_1_relayOnAnotherOperatorInTheSameCountryIsAMismatch() {
        RelayCheck c = RelayCheck.of(origins.lookup(VODAFONE_DE), origins.lookup(TELEKOM_DE));
        assertThat(c.verdict()).isEqualTo(Verdict.DIFFERENT_OPERATOR);
        assertThat(c.warning()).hasValueSatisfying(w -> assertThat(w).contains("Vodafone GmbH").contains("Deutsche Telekom AG"));
    }

    @Test
    void sameOperatorAndCountryIsNoWarning() {
        RelayCheck c = RelayCheck.of(origins.lookup(TELEKOM_DE_2), origins.lookup(TELEKOM_DE));
        assertThat(c.verdict()).isEqualTo(Verdict.SAME_NETWORK);
        assertThat(c.mismatch()).isFalse();
        assertThat(c.warning()).isEmpty();
        assertThat(RelayCheck.of(origins.lookup("127.0.0.1"), origins.lookup("::1")).verdict())
                .isEqualTo(Verdict.SAME_NETWORK);
    }

    @Test
    void addressesThatCannotBePlacedAreNotCompared() {
        // The relying party sees the terminal on its LAN while the phone uses mobile data: no basis for a warning.
        assertThat(RelayCheck.of(origins.lookup("192.168.1.20"), origins.lookup(TELEKOM_DE)).verdict())
                .isEqualTo(Verdict.NOT_COMPARABLE);
        // Documentation addresses (RFC 5737) are in no database.
        assertThat(RelayCheck.of(origins.lookup("192.0.2.66"), origins.lookup(TELEKOM_DE)).verdict())
                .isEqualTo(Verdict.NOT_COMPARABLE);
    }
}
