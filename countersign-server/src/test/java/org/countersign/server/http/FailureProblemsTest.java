package org.countersign.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.countersign.server.local.LocalFailure;
import org.countersign.server.oob.OobFailure;
import org.countersign.server.remote.RemoteException;
import org.countersign.server.remote.RemoteReason;
import org.countersign.server.tenant.AdminFailure;
import org.junit.jupiter.api.Test;

/**
 * Each flow names its refusals by a problem code that audit records carry ({@code refused:<code>}); the HTTP edge
 * maps the same reasons to problem types. Both must agree, or an audit record would name a problem the client
 * never saw.
 */
class FailureProblemsTest {

    @Test
    void oobReasonCodesAreTheSlugsOfTheirProblemTypes() {
        for (OobFailure.Reason r : OobFailure.Reason.values()) {
            assertThat(FailureProblems.type(r).slug()).as(r.name()).isEqualTo(r.code());
        }
    }

    @Test
    void remoteKindsAreAnsweredWithTheProblemTheyName() {
        for (RemoteException.Kind k : RemoteException.Kind.values()) {
            assertThat(FailureProblems.type(k).slug()).as(k.name()).isEqualTo(k.problemCode());
        }
    }

    @Test
    void localReasonsAreAnsweredWithTheProblemTheyName() {
        for (LocalFailure.Reason r : LocalFailure.Reason.values()) {
            assertThat(FailureProblems.type(r).slug()).as(r.name()).isEqualTo(r.problemCode());
        }
    }

    @Test
    void adminReasonsAreAnsweredWithTheProblemTheyName() {
        for (AdminFailure.Reason r : AdminFailure.Reason.values()) {
            assertThat(FailureProblems.type(r).slug()).as(r.name()).isEqualTo(r.problemCode());
        }
    }

    @Test
    void localCeremonyReasonsTravelAsTheReasonMemberButPlainNotFoundDoesNot() {
        var refused = FailureProblems.of(new LocalFailure(LocalFailure.Reason.BAD_SIGNATURE, "no"));
        assertThat(refused.type()).isEqualTo(ProblemType.LOCAL_VERIFICATION_FAILED);
        assertThat(refused.extensions()).containsEntry("reason", "bad-signature");
        var missing = FailureProblems.of(new LocalFailure(LocalFailure.Reason.NOT_FOUND, "user not found"));
        assertThat(missing.type()).isEqualTo(ProblemType.NOT_FOUND);
        assertThat(missing.extensions()).doesNotContainKey("reason");
    }

    @Test
    void remoteReasonsTravelAsReasonCodesByName() {
        var a = FailureProblems.of(new RemoteException(RemoteException.Kind.CAPTURE_UNUSABLE, "again",
                List.of(RemoteReason.NO_FACE)));
        assertThat(a.type().status()).isEqualTo(422);
        assertThat(a.extensions()).containsEntry("reasonCodes", List.of("NO_FACE"));
        assertThat(a.retryAfterSeconds()).isEmpty();
    }
}
