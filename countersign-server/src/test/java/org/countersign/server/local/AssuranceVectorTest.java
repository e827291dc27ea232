package org.countersign.server.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.countersign.server.local.AssuranceVector.Attestation;
import org.countersign.server.local.AssuranceVector.Pad;
import org.countersign.server.local.AssuranceVector.Protection;
import org.junit.jupiter.api.Test;

/** B-S2 / 27553-1 Annex C: the vector against a relying party's minimum, component by component. */
class AssuranceVectorTest {
    static final AssuranceVector AGENT = new AssuranceVector(1e-4, new Pad(true, 0.02, 0.05), Protection.SOFTWARE,
            "face", 3, Attestation.TRUSTED);
    static final AssuranceVector PASSKEY = new AssuranceVector(null, Pad.UNKNOWN, Protection.UNKNOWN, null, null,
            Attestation.NONE);

    @Test
    void C_1_3_aVectorMeetingEveryComponentHasNoShortfall() {
        var min = new AssuranceRequirement(1e-3, true, 0.05, Protection.SOFTWARE, 3, Attestation.TRUSTED, List.of("face"));
        assertThat(AGENT.shortfalls(min)).isEmpty();
        assertThat(PASSKEY.shortfalls(AssuranceRequirement.NONE)).isEmpty();
    }

    @Test
    void C_1_3_eachComponentIsJudgedOnItsOwnAndUnknownNeverPasses() {
        var min = new AssuranceRequirement(1e-5, true, 0.01, Protection.HARDWARE_BACKED, 3, Attestation.TRUSTED,
                List.of("fingerprint"));
        assertThat(AGENT.shortfalls(min)).hasSize(4)
                .anyMatch(s -> s.startsWith("fmr")).anyMatch(s -> s.startsWith("APCER"))
                .anyMatch(s -> s.contains("hardware-backed")).anyMatch(s -> s.contains("modality"));
        assertThat(PASSKEY.shortfalls(min)).hasSize(7);
    }

    @Test
    void tableC2LevelsAndRatesAreRangeChecked() {
        assertThatThrownBy(() -> new AssuranceVector(null, null, null, null, 4, Attestation.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AssuranceVector(0.0, null, null, null, null, Attestation.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AssuranceRequirement(2.0, null, null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(PASSKEY.modality()).isEqualTo("unknown");
    }

    @Test
    void policyRefusesUnreadableOrNonCaRoots() {
        assertThatThrownBy(() -> new LocalPolicy(null, true, List.of("not a certificate"), null, null))
                .hasMessageContaining("PEM");
        assertThatThrownBy(() -> new LocalPolicy("Bad Host!", true, List.of(), null, null))
                .hasMessageContaining("rpId");
        assertThat(LocalPolicy.DEFAULT.challengeSeconds()).isEqualTo(120);
    }
}
