package org.countersign.agent.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.countersign.biometrics.liveness.Action;
import org.countersign.core.bytes.ByteArray;

/**
 * What the server's decision logic asked for (X.1279 §8.2.x step 4), as opened from the sealed channel.
 *
 * @param challengeId    id to quote in the capture
 * @param operation      REGISTER, AUTHENTICATE or DEREGISTER
 * @param actions        the actions in the order the user must perform them
 * @param timeLimitMillis how long the capture may last
 * @param nonce          the challenge nonce the capture must be bound to (also in the sealed header)
 * @param rules          ids of the risk rules that fired
 * @param minFrames      fewest frames the server accepts
 * @param maxFrames      most frames the server accepts
 * @param secondModalityRequired the RP must add another factor
 * @param raw            the whole sealed JSON, for display and logs
 */
public record RemoteChallenge(String challengeId, String operation, List<Action> actions, int timeLimitMillis,
        ByteArray nonce, List<String> rules, int minFrames, int maxFrames, boolean secondModalityRequired,
        JsonNode raw) {
    public RemoteChallenge {
        actions = List.copyOf(actions);
        rules = List.copyOf(rules);
    }

    /** One line per action, for a person in front of the camera. */
    public List<String> instructions() {
        return actions.stream().map(RemoteChallenge::instruction).toList();
    }

    static String instruction(Action a) {
        return switch (a) {
            case NOD -> "nod: tilt your head down and back up";
            case SHAKE -> "shake your head: turn it to one side, then to the other";
            case BLINK -> "blink with both eyes";
            case OPEN_MOUTH -> "open your mouth, then close it";
        };
    }
}
