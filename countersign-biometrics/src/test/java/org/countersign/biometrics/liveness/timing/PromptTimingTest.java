package org.countersign.biometrics.liveness.timing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.liveness.Action;
import org.countersign.biometrics.liveness.timing.PromptTiming.Outcome;
import org.countersign.biometrics.liveness.timing.PromptTiming.Prompt;
import org.countersign.biometrics.liveness.timing.PromptTiming.Sample;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Server-timed prompts on the real blink clip (8 fps; annotated blinks start at frames 5, 18, 35 and 48). The
 * prompt is placed on the clip's timeline as a server would have sent it: shortly before a blink (a live user
 * reacting), just after a blink started (a recording that did not know the prompt) and long before the next blink
 * (a recording whose action lags).
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PromptTimingTest {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    static final long STEP = 125;
    FaceAnalyzer analyzer;
    List<Sample> samples;

    @BeforeAll
    void load() throws Exception {
        analyzer = FaceAnalyzer.open();
        List<TimingFrames.Frame> frames = TimingFrames.clip(analyzer, "blink_frontal_male1", 1, 47);
        samples = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            samples.add(Sample.of(at(i + 1), frames.get(i).signals()));
        }
    }

    @AfterAll
    void close() {
        analyzer.close();
    }

    /** Server time of 1-based frame {@code n}. */
    static Instant at(int n) {
        return T0.plusMillis((n - 1) * STEP);
    }

    @Test
    void blinkStartingHalfASecondAfterThePrompt_followed() {
        PromptTiming.Result r = new PromptTiming(PromptTiming.Policy.defaults())
                .check(List.of(new Prompt(Action.BLINK, at(31))), samples);
        assertThat(r.followed()).as(r.toString()).isTrue();
        long ms = r.findings().get(0).onsetAfterPromptMillis().orElseThrow();
        assertThat(ms).isBetween(150L, 800L);
    }

    @Test
    void attack_blinkAlreadyUnderWayWhenThePromptIsShown_refused() {
        PromptTiming.Result r = new PromptTiming(PromptTiming.Policy.defaults())
                .check(List.of(new Prompt(Action.BLINK, at(35).plusMillis(50))), samples);
        assertThat(r.followed()).isFalse();
        assertThat(r.findings().get(0).outcome()).isEqualTo(Outcome.STARTED_BEFORE_PROMPT);
        assertThat(r.findings().get(0).onsetAfterPromptMillis().orElseThrow()).isNegative();
    }

    @Test
    void attack_blinkLaggingBeyondTheWindow_refused() {
        // A one-second window; the clip's next blink comes 1.25 s after this prompt.
        PromptTiming.Policy tight = new PromptTiming.Policy(Duration.ofMillis(150), Duration.ofMillis(1000),
                Duration.ofMillis(600), 0.30, 0.20, 0.07, 0.15);
        PromptTiming.Result r = new PromptTiming(tight).check(List.of(new Prompt(Action.BLINK, at(25))), samples);
        assertThat(r.followed()).isFalse();
        assertThat(r.findings().get(0).outcome()).isEqualTo(Outcome.NOT_STARTED_IN_TIME);
        // The same prompt with the default 1.8 s window is followed: the check is about the window, nothing else.
        assertThat(new PromptTiming(PromptTiming.Policy.defaults())
                .check(List.of(new Prompt(Action.BLINK, at(25))), samples).followed()).isTrue();
    }

    @Test
    void attack_promptedShakeOnAClipWithoutHeadTurn_refused() {
        PromptTiming.Result r = new PromptTiming(PromptTiming.Policy.defaults())
                .check(List.of(new Prompt(Action.SHAKE, at(20))), samples);
        assertThat(r.findings().get(0).outcome()).isEqualTo(Outcome.NOT_STARTED_IN_TIME);
    }

    @Test
    void promptWithoutFramesAroundIt_notMeasurable() {
        PromptTiming.Result r = new PromptTiming(PromptTiming.Policy.defaults())
                .check(List.of(new Prompt(Action.BLINK, at(47).plusSeconds(5))), samples);
        assertThat(r.findings().get(0).outcome()).isEqualTo(Outcome.NOT_MEASURABLE);
        assertThat(r.followed()).isFalse();
    }

    @Test
    void serverTimeline_clientCannotStretchAFramePastItsBatchArrival() {
        Instant b1 = T0.plusMillis(1000);
        Instant b2 = T0.plusMillis(2000);
        // The client claims its last frame of batch 2 was taken 5 s after its first: it cannot be later than arrival.
        List<Instant> t = ServerTimeline.place(List.of(new ServerTimeline.Stamp(b1, 0),
                new ServerTimeline.Stamp(b1, 900), new ServerTimeline.Stamp(b2, 1000), new ServerTimeline.Stamp(b2, 5900)));
        assertThat(t.get(1)).isBeforeOrEqualTo(b1);
        assertThat(t.get(3)).isEqualTo(b2);
        assertThat(t.get(2)).isBefore(b2);
    }
}
