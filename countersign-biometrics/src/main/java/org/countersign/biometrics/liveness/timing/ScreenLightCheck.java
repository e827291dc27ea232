package org.countersign.biometrics.liveness.timing;

import java.awt.image.BufferedImage;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.countersign.biometrics.face.FaceBox;

/**
 * The screen-light challenge: the capture page fills the screen with a random sequence of colours while it films,
 * and the light the screen throws on the face must change the face's colour the same way. The check correlates,
 * channel by channel, the change of the face region's mean chromaticity from one flash to the next with the change
 * of the drawn colour. A photo or a recording made under other light has no such response; a screen replaying a
 * video shows its own colours, not the drawn ones. Chromaticity (each channel over the sum) is used so that camera
 * exposure changes, which scale all channels alike, do not count as a response.
 */
public final class ScreenLightCheck {
    /** Saturated colours a screen can throw on a face; each is 0 or 255 per channel. */
    public static final List<Colour> PALETTE = List.of(new Colour(255, 0, 0), new Colour(0, 255, 0),
            new Colour(0, 0, 255), new Colour(255, 255, 0), new Colour(255, 0, 255), new Colour(0, 255, 255));

    public record Colour(int r, int g, int b) {
        public String css() {
            return String.format("#%02x%02x%02x", r, g, b);
        }
    }

    /**
     * @param minCorrelation  Pearson correlation of face chromaticity change with the drawn colour change
     * @param minAmplitude    standard deviation of the face chromaticity change across flashes below which the
     *                        face did not respond at all (noise can correlate by chance)
     * @param settle          frames earlier than this after a colour appears are skipped (camera exposure and
     *                        display latency)
     * @param minSamples      frames with a face needed inside each flash
     */
    public record Policy(double minCorrelation, double minAmplitude, Duration settle, int minSamples) {
        public static Policy defaults() {
            return new Policy(0.6, 0.002, Duration.ofMillis(120), 1);
        }
    }

    /** One colour shown from {@code from} (server time) for {@code duration}. */
    public record Flash(Colour colour, Instant from, Duration duration) {}

    /** The face region's mean colour in one frame, at its server time. */
    public record Sample(Instant at, double r, double g, double b) {
        /**
         * Mean colour of the inner face (the middle of the detected box, away from hair and background).
         */
        public static Sample of(Instant at, BufferedImage img, FaceBox box) {
            int x0 = clamp((int) (box.x() + box.side() * 0.25), img.getWidth());
            int x1 = clamp((int) (box.x() + box.side() * 0.75), img.getWidth());
            int y0 = clamp((int) (box.y() + box.side() * 0.30), img.getHeight());
            int y1 = clamp((int) (box.y() + box.side() * 0.85), img.getHeight());
            double r = 0;
            double g = 0;
            double b = 0;
            long n = 0;
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    int p = img.getRGB(x, y);
                    r += (p >> 16) & 0xff;
                    g += (p >> 8) & 0xff;
                    b += p & 0xff;
                    n++;
                }
            }
            return n == 0 ? new Sample(at, 0, 0, 0) : new Sample(at, r / n, g / n, b / n);
        }

        private static int clamp(int v, int max) {
            return Math.max(0, Math.min(max, v));
        }
    }

    public enum Outcome { FOLLOWED, NO_RESPONSE, WRONG_RESPONSE, NOT_MEASURABLE }

    public record Result(Outcome outcome, double correlation, double amplitude, int flashesMeasured) {
        public boolean followed() {
            return outcome == Outcome.FOLLOWED;
        }

        public String detail() {
            return switch (outcome) {
                case FOLLOWED -> "the face's colour followed the " + flashesMeasured + " flashed colours";
                case NO_RESPONSE -> "the face's colour did not change with the flashed colours";
                case WRONG_RESPONSE -> "the face's colour changed, but not as the flashed colours did";
                case NOT_MEASURABLE -> "too few frames with a face during the flashes";
            } + String.format(java.util.Locale.ROOT, " (correlation %.2f, amplitude %.4f)", correlation, amplitude);
        }
    }

    private final Policy policy;

    public ScreenLightCheck(Policy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** Draws {@code n} colours, no two neighbours alike, so every step changes the light. */
    public static List<Colour> draw(SecureRandom random, int n) {
        List<Colour> out = new ArrayList<>();
        while (out.size() < n) {
            Colour c = PALETTE.get(random.nextInt(PALETTE.size()));
            if (out.isEmpty() || !out.get(out.size() - 1).equals(c)) {
                out.add(c);
            }
        }
        return out;
    }

    public Result check(List<Flash> flashes, List<Sample> samples) {
        List<double[]> face = new ArrayList<>();
        List<double[]> drawn = new ArrayList<>();
        for (Flash f : flashes) {
            Instant from = f.from().plus(policy.settle());
            Instant to = f.from().plus(f.duration());
            List<Sample> in = samples.stream().filter(s -> !s.at().isBefore(from) && s.at().isBefore(to)).toList();
            if (in.size() < policy.minSamples()) {
                continue;
            }
            double r = in.stream().mapToDouble(Sample::r).average().orElse(0);
            double g = in.stream().mapToDouble(Sample::g).average().orElse(0);
            double b = in.stream().mapToDouble(Sample::b).average().orElse(0);
            face.add(chroma(r, g, b));
            drawn.add(chroma(f.colour().r(), f.colour().g(), f.colour().b()));
        }
        if (face.size() < 3 || face.size() < flashes.size() - 1) {
            return new Result(Outcome.NOT_MEASURABLE, 0, 0, face.size());
        }
        double[] x = centred(face);
        double[] y = centred(drawn);
        double amplitude = Math.sqrt(dot(x, x) / x.length);
        double sy = Math.sqrt(dot(y, y));
        double sx = Math.sqrt(dot(x, x));
        double corr = sx == 0 || sy == 0 ? 0 : dot(x, y) / (sx * sy);
        Outcome o = amplitude < policy.minAmplitude() ? Outcome.NO_RESPONSE
                : corr < policy.minCorrelation() ? Outcome.WRONG_RESPONSE : Outcome.FOLLOWED;
        return new Result(o, corr, amplitude, face.size());
    }

    private static double[] chroma(double r, double g, double b) {
        double s = r + g + b;
        return s <= 0 ? new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0} : new double[] {r / s, g / s, b / s};
    }

    /** Per channel, each flash's value minus the channel's mean over the flashes, flattened. */
    private static double[] centred(List<double[]> v) {
        double[] out = new double[v.size() * 3];
        for (int c = 0; c < 3; c++) {
            double mean = 0;
            for (double[] x : v) {
                mean += x[c];
            }
            mean /= v.size();
            for (int i = 0; i < v.size(); i++) {
                out[i * 3 + c] = v.get(i)[c] - mean;
            }
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
