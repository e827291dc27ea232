package org.countersign.server.oob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The small collaborators of the out-of-band service, without a server. */
class OobUnitsTest {
    final SecureRandom random = new SecureRandom();

    @Test
    void crockfordCodesForgiveCaseDashesAndLookAlikes() {
        assertThat(Crockford.normalise("k7qx-m2pa-9tde", 12)).contains("K7QXM2PA9TDE");
        assertThat(Crockford.normalise("O1IL 0000 0000", 12)).contains("011100000000");
        assertThat(Crockford.normalise("K7QX-M2PA-9TD", 12)).isEmpty();
        assertThat(Crockford.normalise("K7QX-M2PA-9TDU", 12)).isEmpty(); // U is not in the alphabet
        assertThat(Crockford.normalise(null, 12)).isEqualTo(Optional.empty());
        assertThat(Crockford.grouped("K7QXM2PA9TDE", 4)).isEqualTo("K7QX-M2PA-9TDE");
        assertThat(Crockford.random(12, random)).matches("[0-9A-HJKMNP-TV-Z]{12}");
    }

    @Test
    void X1280_AnnexA_renewedPasswordsHaveAllFourClassesAndDiffer() {
        PasswordRenewal renewal = new PasswordRenewal(random);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String p = renewal.next();
            assertThat(p).hasSize(PasswordRenewal.LENGTH).matches(".*[A-Z].*").matches(".*[a-z].*").matches(".*[0-9].*")
                    .matches(".*[^A-Za-z0-9].*");
            seen.add(p);
        }
        assertThat(seen).hasSize(200);
    }

    @Test
    void X1280_9_2_2_recoveryCodesAreDistinctAndHashedPerUser() {
        RecoveryCodes.Generated g = new RecoveryCodes(random).generate("bank", "alice");
        assertThat(g.display()).hasSize(RecoveryCodes.COUNT).doesNotHaveDuplicates();
        String first = g.display().get(0);
        assertThat(RecoveryCodes.hashOfTyped("bank", "alice", first.toLowerCase())).contains(g.hashes().get(0));
        assertThat(RecoveryCodes.hashOfTyped("bank", "bob", first)).isNotEqualTo(Optional.of(g.hashes().get(0)));
    }

    @Test
    void settingsRefuseValuesOutsideTheirRanges() {
        assertThat(OobSettings.DEFAULTS.policy()).isEqualTo(RequestPolicy.BLOCK);
        assertThatThrownBy(() -> new OobSettings(5, 60, "block", false, 600)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OobSettings(6, 5, "block", false, 600)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OobSettings(6, 60, "maybe", false, 600)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OobSettings(6, 60, "queue", null, 600)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void idsHaveTheirPrefixAndShape() {
        String id = Ids.request(random);
        assertThat(Ids.wellFormed(id, "req")).isTrue();
        assertThat(Ids.wellFormed(id, "auth")).isFalse();
        assertThat(Ids.wellFormed("req_../../etc", "req")).isFalse();
    }
}
