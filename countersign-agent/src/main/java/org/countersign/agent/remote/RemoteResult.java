package org.countersign.agent.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The server's sealed decision (X.1279 §8.2.x step 10/11). Its integrity rests on the channel (A-G8); the RP's own
 * server reads the same outcome from the verifier, never from the device.
 *
 * @param challengeId the challenge it answers
 * @param outcome     ACCEPTED or REFUSED
 * @param reasons     reason codes when refused
 * @param assurance   the server's assurance summary
 */
public record RemoteResult(String challengeId, String outcome, List<String> reasons, JsonNode assurance) {
    public RemoteResult {
        reasons = List.copyOf(reasons);
    }

    public boolean accepted() {
        return "ACCEPTED".equals(outcome);
    }
}
