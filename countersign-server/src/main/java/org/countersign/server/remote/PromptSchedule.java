package org.countersign.server.remote;

import java.security.SecureRandom;
import java.time.Duration;

/**
 * When the server shows each prompt of a live capture. Index 0 is the wait after the first batch arrives; index k > 0
 * is the gap after prompt k − 1 was sent. Production draws every wait at random from a secure source, so a recording
 * cannot be made to match (X.1279 Appendix III: an unpredictable challenge).
 */
public interface PromptSchedule {
    Duration wait(int index, SecureRandom random);

    /** Random waits: 700–1500 ms before the first prompt, 2600–3300 ms between prompts. */
    static PromptSchedule random() {
        return (index, random) -> Duration.ofMillis(index == 0 ? 700 + random.nextInt(801) : 2600 + random.nextInt(701));
    }

    /** The longest wait {@link #random()} can draw, for the capture plan. */
    static int maxWaitMillis(int index) {
        return index == 0 ? 1500 : 3300;
    }

    /**
     * TEST ONLY: a fixed schedule for browser tests, where a fake camera plays a file whose action times are known.
     * No setting selects it: {@link RemoteModule} looks for an implementation with {@link java.util.ServiceLoader},
     * and only the test classpath declares one (src/test/resources/META-INF/services). The server logs a warning if
     * it ever finds one.
     */
    interface TestOnlyFixedSchedule extends PromptSchedule {}
}
