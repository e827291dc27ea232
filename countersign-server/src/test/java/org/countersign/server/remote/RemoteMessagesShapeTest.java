package org.countersign.server.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.countersign.biometrics.liveness.Explanation;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.http.Json;
import org.junit.jupiter.api.Test;

/**
 * The remote relying-party responses as records and enums write the wire values the former maps and strings wrote
 * (issue 12), and a challenge built by name gets the defaults of a challenge just issued.
 */
class RemoteMessagesShapeTest {
    private final ObjectMapper json = Json.strictMapper();

    @Test
    void challengeViewWritesStatusOutcomeAndReasonsAsBefore() throws Exception {
        var answered = new Messages.ChallengeView("c1", "u1", "d1", Operation.AUTHENTICATE, ChallengeStatus.ANSWERED,
                RemoteOutcome.REFUSED, List.of(RemoteReason.REFERENCE_MISMATCH), null, "2026-01-01T00:00:00Z", null,
                false);
        assertThat(json.writeValueAsString(answered)).isEqualTo("{\"challengeId\":\"c1\",\"userId\":\"u1\","
                + "\"deviceId\":\"d1\",\"operation\":\"AUTHENTICATE\",\"status\":\"answered\",\"outcome\":\"REFUSED\","
                + "\"reasons\":[\"REFERENCE_MISMATCH\"],\"issuedAt\":\"2026-01-01T00:00:00Z\",\"consumed\":false}");
        var opened = new Messages.ChallengeView("c2", "u1", null, Operation.AUTHENTICATE, ChallengeStatus.OPENED, null,
                List.of(), null, null, null, false);
        assertThat(json.writeValueAsString(opened)).isEqualTo("{\"challengeId\":\"c2\",\"userId\":\"u1\","
                + "\"operation\":\"AUTHENTICATE\",\"status\":\"opened\",\"reasons\":[],\"consumed\":false}");
    }

    @Test
    void anUnlockedSourceHasNoLockedUntil() throws Exception {
        var view = new Messages.SrpLockouts("d1", List.of(new Messages.SrpLockoutView("203.0.113.0/24", 2,
                "2026-01-01T00:00:00Z", null)));
        assertThat(json.writeValueAsString(view)).isEqualTo("{\"deviceId\":\"d1\",\"lockouts\":[{\"source\":"
                + "\"203.0.113.0/24\",\"failures\":2,\"lastFailure\":\"2026-01-01T00:00:00Z\"}]}");
        assertThat(json.writeValueAsString(new Messages.ConsentWithdrawn("u1", true, 3)))
                .isEqualTo("{\"userId\":\"u1\",\"withdrawn\":true,\"rowsErased\":3}");
    }

    @Test
    void aBuiltChallengeIsOpenWithNoOutcomeYet() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        RemoteStore.Challenge c = RemoteStore.Challenge.builder().challengeId("c1").tenantId("t1").userId("u1")
                .deviceId("d1").sessionId("s1").operation(Operation.AUTHENTICATE).actions(List.of("BLINK"))
                .timeLimitMillis(9000).nonce(ByteArray.copyOf(new byte[32])).decisionJson("{}").clientNetwork("n")
                .issuedAt(now).expiresAt(now.plusSeconds(30)).authorisation(Optional.of("pay 5")).build();
        assertThat(c.status()).isEqualTo(ChallengeStatus.OPEN);
        assertThat(c.outcome()).isEmpty();
        assertThat(c.reasons()).isEmpty();
        assertThat(c.assuranceJson()).isEmpty();
        assertThat(c.grantHash()).isEmpty();
        assertThat(c.authorisation()).contains("pay 5");
        assertThat(c.actions()).containsExactly("BLINK");
        assertThatThrownBy(() -> RemoteStore.Challenge.builder().tenantId("t1").operation(Operation.AUTHENTICATE)
                .build()).isInstanceOf(NullPointerException.class).hasMessageContaining("challengeId");
    }

    @Test
    void judgeChecksWriteTheirOutcomeAndReasonByName() throws Exception {
        var check = new Messages.JudgeCheck("screenLight", Messages.CheckOutcome.REPORTED,
                RemoteReason.SCREEN_LIGHT_NOT_FOLLOWED, "d");
        assertThat(json.writeValueAsString(check)).isEqualTo("{\"check\":\"screenLight\",\"outcome\":\"REPORTED\","
                + "\"reason\":\"SCREEN_LIGHT_NOT_FOLLOWED\",\"detail\":\"d\"}");
        assertThat(json.writeValueAsString(new Messages.JudgeCheck("face", Messages.CheckOutcome.PASSED, null, "")))
                .isEqualTo("{\"check\":\"face\",\"outcome\":\"PASSED\",\"detail\":\"\"}");
        // Every outcome of the liveness judge has its wire twin here, so explaining a judgement cannot fail.
        for (Explanation.Outcome o : Explanation.Outcome.values()) {
            assertThat(Messages.CheckOutcome.of(o).name()).isEqualTo(o.name());
        }
    }

    @Test
    void storedStatusesAreOpenOrAnsweredOnly() {
        assertThat(ChallengeStatus.stored("open")).isEqualTo(ChallengeStatus.OPEN);
        assertThat(ChallengeStatus.stored("answered")).isEqualTo(ChallengeStatus.ANSWERED);
        assertThatThrownBy(() -> ChallengeStatus.stored("opened")).isInstanceOf(IllegalStateException.class);
    }
}
