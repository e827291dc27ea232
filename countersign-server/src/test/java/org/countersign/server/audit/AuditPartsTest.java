package org.countersign.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Optional;
import org.countersign.server.auth.Caller;
import org.junit.jupiter.api.Test;

/**
 * The typed parts of an audit event spell exactly the strings existing chains hold (A-G4): a changed word would make
 * old records name actions or outcomes that no code writes any more.
 */
class AuditPartsTest {

    @Test
    void actionWireNamesAreDistinctAndKeepTheirDottedForm() {
        var wires = Arrays.stream(AuditAction.values()).map(AuditAction::wire).toList();
        assertThat(wires).doesNotHaveDuplicates().allMatch(w -> w.matches("[a-z]+(\\.[a-z-]+)+"));
        assertThat(AuditAction.OOB_AUTHENTICATOR_PIN_LOCK.wire()).isEqualTo("oob.authenticator.pin-lock");
        assertThat(AuditAction.LOCAL_DEREGISTER_ALL.wire()).isEqualTo("local.deregister-all");
        assertThat(AuditAction.REMOTE_AUTHENTICATE.wire()).isEqualTo("remote.authenticate");
    }

    @Test
    void outcomesSpellTodaysWords() {
        assertThat(AuditOutcome.SUCCESS.wire()).isEqualTo("success");
        assertThat(AuditOutcome.INCOMPLETE.wire()).isEqualTo("incomplete");
        assertThat(AuditOutcome.REVOKED.wire()).isEqualTo("revoked");
        assertThat(AuditOutcome.refused("enrolment-locked").wire()).isEqualTo("refused:enrolment-locked");
        assertThat(AuditOutcome.REFUSED.wire()).isEqualTo("refused");
    }

    @Test
    void actorsAndSubjectsKeepTheirPrefixes() {
        assertThat(AuditActor.authenticator("a1").wire()).isEqualTo("authenticator:a1");
        assertThat(AuditActor.device("d1").wire()).isEqualTo("device:d1");
        assertThat(AuditActor.SYSTEM.wire()).isEqualTo("system");
        assertThat(AuditActor.of(new Caller(Optional.of("bank"), "tenant:bank:k1", "r1", "10.0.0.1")).wire())
                .isEqualTo("tenant:bank:k1");
        assertThat(AuditSubject.address("10.0.0.1").wire()).isEqualTo("ip:10.0.0.1");
        assertThat(AuditSubject.node().wire()).isEqualTo("node");
    }
}
