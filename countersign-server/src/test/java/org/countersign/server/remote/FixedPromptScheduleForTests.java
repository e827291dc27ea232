package org.countersign.server.remote;

import java.security.SecureRandom;
import java.time.Duration;

/**
 * TEST ONLY (declared in src/test/resources/META-INF/services, never on a production classpath): prompt waits the
 * browser test sets so that the fake camera's clip and the prompts meet at known times.
 */
public final class FixedPromptScheduleForTests implements PromptSchedule.TestOnlyFixedSchedule {
    static volatile long firstWaitMillis = 1000;
    static volatile long gapMillis = 3000;

    @Override
    public Duration wait(int index, SecureRandom random) {
        return Duration.ofMillis(index == 0 ? firstWaitMillis : gapMillis);
    }
}
