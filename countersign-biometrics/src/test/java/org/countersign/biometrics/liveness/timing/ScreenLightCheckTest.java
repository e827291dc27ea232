package org.countersign.biometrics.liveness.timing;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.liveness.timing.ScreenLightCheck.Colour;
import org.countersign.biometrics.liveness.timing.ScreenLightCheck.Flash;
import org.countersign.biometrics.liveness.timing.ScreenLightCheck.Outcome;
import org.countersign.biometrics.liveness.timing.ScreenLightCheck.Sample;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The screen-light check on real frames of the blink clip, tinted in the test as a screen's light would tint the
 * face: a few per cent more of each channel the flashed colour has. Tinted to the drawn sequence → followed;
 * untinted (a recording, a photo under room light) or tinted to another sequence (a replay of another session's
 * flashes) → refused.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScreenLightCheckTest {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    static final long STEP = 125;
    static final Duration FLASH = Duration.ofMillis(500);
    static final List<Colour> DRAWN = List.of(new Colour(255, 0, 0), new Colour(0, 255, 255), new Colour(0, 0, 255),
            new Colour(255, 255, 0), new Colour(0, 255, 0), new Colour(255, 0, 255));
    /** Another session's sequence: every step differs from the drawn one. */
    static final List<Colour> OTHER = List.of(new Colour(0, 255, 255), new Colour(255, 0, 0), new Colour(255, 255, 0),
            new Colour(0, 0, 255), new Colour(255, 0, 255), new Colour(0, 255, 0));

    FaceAnalyzer analyzer;
    List<TimingFrames.Frame> frames;

    @BeforeAll
    void load() throws Exception {
        analyzer = FaceAnalyzer.open();
        frames = TimingFrames.clip(analyzer, "blink_frontal_male1", 20, 47);
    }

    @AfterAll
    void close() {
        analyzer.close();
    }

    static List<Flash> flashes(List<Colour> colours) {
        List<Flash> out = new ArrayList<>();
        for (int i = 0; i < colours.size(); i++) {
            out.add(new Flash(colours.get(i), T0.plus(FLASH.multipliedBy(i)), FLASH));
        }
        return out;
    }

    /** Face samples of the frames, each tinted by the colour on screen at its time ({@code null}: no tint). */
    List<Sample> samples(List<Colour> tint, double strength) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Instant at = T0.plusMillis(i * STEP);
            int flash = (int) (i * STEP / FLASH.toMillis());
            if (flash >= DRAWN.size()) {
                break;
            }
            BufferedImage img = frames.get(i).image();
            if (tint != null) {
                img = tinted(img, tint.get(flash), strength);
            }
            out.add(Sample.of(at, img, frames.get(i).signals().box()));
        }
        return out;
    }

    /** Adds light of the colour: each channel scaled up by {@code strength} where the colour has it. */
    static BufferedImage tinted(BufferedImage src, Colour c, double strength) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        double fr = 1 + strength * c.r() / 255.0;
        double fg = 1 + strength * c.g() / 255.0;
        double fb = 1 + strength * c.b() / 255.0;
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y);
                int r = (int) Math.min(255, ((p >> 16) & 0xff) * fr);
                int g = (int) Math.min(255, ((p >> 8) & 0xff) * fg);
                int b = (int) Math.min(255, (p & 0xff) * fb);
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    @Test
    void framesTintedToTheDrawnSequence_followed() {
        ScreenLightCheck.Result r = new ScreenLightCheck(ScreenLightCheck.Policy.defaults())
                .check(flashes(DRAWN), samples(DRAWN, 0.06));
        System.out.println("tinted to drawn: " + r);
        assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.FOLLOWED);
    }

    @Test
    void attack_untintedFrames_refused() {
        ScreenLightCheck.Result r = new ScreenLightCheck(ScreenLightCheck.Policy.defaults())
                .check(flashes(DRAWN), samples(null, 0));
        System.out.println("untinted: " + r);
        assertThat(r.followed()).as(r.detail()).isFalse();
        assertThat(r.outcome()).isEqualTo(Outcome.NO_RESPONSE);
    }

    @Test
    void attack_framesTintedToAnotherSequence_refused() {
        ScreenLightCheck.Result r = new ScreenLightCheck(ScreenLightCheck.Policy.defaults())
                .check(flashes(DRAWN), samples(OTHER, 0.06));
        System.out.println("tinted to other: " + r);
        assertThat(r.followed()).as(r.detail()).isFalse();
        assertThat(r.outcome()).isEqualTo(Outcome.WRONG_RESPONSE);
    }

    @Test
    void framesMissingDuringTheFlashes_notMeasurable() {
        List<Sample> few = samples(DRAWN, 0.06).subList(0, 6);
        assertThat(new ScreenLightCheck(ScreenLightCheck.Policy.defaults()).check(flashes(DRAWN), few).outcome())
                .isEqualTo(Outcome.NOT_MEASURABLE);
    }

    @Test
    void drawnSequence_neighboursDiffer() {
        List<Colour> c = ScreenLightCheck.draw(new java.security.SecureRandom(), 8);
        for (int i = 1; i < c.size(); i++) {
            assertThat(c.get(i)).isNotEqualTo(c.get(i - 1));
        }
    }
}
