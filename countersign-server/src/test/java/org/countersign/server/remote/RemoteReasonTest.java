package org.countersign.server.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.liveness.LivenessReason;
import org.countersign.core.channel.ChannelException;
import org.countersign.core.srp.SrpException;
import org.junit.jupiter.api.Test;

/** The remote flow reports one vocabulary: every lower layer's reason exists in it under the same wire name. */
class RemoteReasonTest {

    @Test
    void everyLowerLayerReasonHasTheSameNameInTheRemoteVocabulary() {
        List<Enum<?>> lower = new ArrayList<>();
        lower.addAll(List.of(LivenessReason.values()));
        lower.addAll(List.of(ReasonCode.values()));
        lower.addAll(List.of(ChannelException.Reason.values()));
        lower.addAll(List.of(SrpException.Reason.values()));
        for (Enum<?> e : lower) {
            assertThat(RemoteReason.of(e).name()).as(e.getDeclaringClass().getSimpleName()).isEqualTo(e.name());
        }
    }
}
