package org.countersign.biometrics.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.countersign.biometrics.liveness.Action;
import org.junit.jupiter.api.Test;

/** Each generator of the attack kit does what its species says, and the same seed gives the same bytes. */
class AttackKitTest {
    /** A synthetic "face": a bright disc on a gradient, moved by {@code shift} pixels. */
    private static BufferedImage picture(int shift) {
        BufferedImage img = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        for (int x = 0; x < 160; x++) {
            g.setColor(new Color(x, 60, 200 - x));
            g.drawLine(x, 0, x, 119);
        }
        g.setColor(new Color(230, 200, 170));
        g.fillOval(50 + shift, 25, 60, 70);
        g.setColor(Color.BLACK);
        g.fillOval(65 + shift, 50, 8, 6);
        g.fillOval(87 + shift, 50, 8, 6);
        g.dispose();
        return img;
    }

    private static AttackKit.Clip source(int frames) {
        List<byte[]> f = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            f.add(ImageOps.png(picture(i % 5)));
        }
        return new AttackKit.Clip("src", List.of(Action.BLINK), f, "synthetic", List.of());
    }

    private static double meanAbsDiff(BufferedImage a, BufferedImage b) {
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                sum += Math.abs(((p >> 8) & 0xff) - ((q >> 8) & 0xff));
            }
        }
        return sum / (a.getWidth() * a.getHeight());
    }

    private static int maxAbsDiff(BufferedImage a, BufferedImage b) {
        int max = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int s = 0; s <= 16; s += 8) {
                    max = Math.max(max, Math.abs(((p >> s) & 0xff) - ((q >> s) & 0xff)));
                }
            }
        }
        return max;
    }

    @Test
    void replay_reencodesEveryFrame_countFollowsTheDropAndDuplicateRule_keepsClaimAndEnds() {
        AttackKit.Clip src = source(40);
        AttackKit.Replay r = AttackKit.replay(src, "r", new Random(7));
        List<byte[]> out = r.clip().frames();

        assertThat(out).hasSize(40 - r.dropped() + r.duplicated());
        assertThat(r.dropped() + r.duplicated()).as("40 frames: some dropped or sent twice").isPositive();
        assertThat(r.quality()).isBetween(30, 90);
        assertThat(r.scale()).isBetween(0.5, 1.5);
        assertThat(r.clip().actions()).isEqualTo(src.actions());
        for (byte[] f : out) {
            assertThat(f).startsWith(0xff, 0xd8, 0xff);   // JPEG
            assertThat(src.frames()).noneMatch(s -> Arrays.equals(s, f));
        }
        BufferedImage first = ImageOps.read(out.get(0));
        assertThat(first.getWidth()).isNotEqualTo(160);
        // Same seed, same bytes: the corpus is reproducible.
        AttackKit.Replay again = AttackKit.replay(src, "r", new Random(7));
        assertThat(again.clip().frames()).hasSameSizeAs(out);
        for (int i = 0; i < out.size(); i++) {
            assertThat(again.clip().frames().get(i)).isEqualTo(out.get(i));
        }
    }

    @Test
    void replay_dropsAndDuplicatesAtRoughlyTheStatedRates() {
        AttackKit.Clip src = source(160);
        AttackKit.Replay r = AttackKit.replay(src, "r", new Random(3));
        assertThat(r.dropped()).isBetween(8, 35);       // about 1 in 8 of 158 inner frames
        assertThat(r.duplicated()).isBetween(4, 28);     // about 1 in 10 of those kept
    }

    @Test
    void looped_fourDistinctPoses_eachRepeated3To4Times_halfOrMorePairsIdentical() {
        List<BufferedImage> poses = List.of(picture(0), picture(6), picture(12), picture(18));
        AttackKit.Clip c = AttackKit.looped("l", poses, List.of(Action.SHAKE), new Random(1), List.of());
        List<byte[]> f = c.frames();
        long distinct = f.stream().map(Arrays::hashCode).distinct().count();
        assertThat(distinct).isEqualTo(4);
        int identical = 0;
        int run = 1;
        List<Integer> runs = new ArrayList<>();
        for (int i = 1; i < f.size(); i++) {
            if (Arrays.equals(f.get(i), f.get(i - 1))) {
                identical++;
                run++;
            } else {
                runs.add(run);
                run = 1;
            }
        }
        runs.add(run);
        assertThat(runs).allMatch(n -> n >= 3 && n <= 4);
        assertThat(identical / (double) (f.size() - 1)).isGreaterThanOrEqualTo(0.5);
        assertThat(c.actions()).containsExactly(Action.SHAKE);
    }

    @Test
    void noisyStill_everyFrameDiffersInBytes_butOnlyByNoiseAndAboutOnePercentFlicker() {
        BufferedImage still = picture(0);
        AttackKit.Clip c = AttackKit.noisyStill("s", still, List.of(Action.BLINK), new Random(2), "x");
        assertThat(c.frames()).hasSize(30);
        assertThat(c.frames().stream().map(Arrays::hashCode).distinct().count()).isEqualTo(30);
        for (byte[] f : c.frames()) {
            // ±1 grey level plus 1 % of at most 255 (2.55) after rounding.
            assertThat(maxAbsDiff(ImageOps.read(f), still)).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void twoStills_alternateOpenAndClosedStillsInTheGivenRuns() {
        BufferedImage open = picture(0);
        BufferedImage closed = picture(10);
        int[] runs = {4, 2, 5};
        AttackKit.Clip c = AttackKit.twoStills("t", open, closed, runs, new Random(4), List.of());
        assertThat(c.frames()).hasSize(11);
        assertThat(c.actions()).containsExactly(Action.BLINK);
        for (int i = 0; i < 11; i++) {
            BufferedImage f = ImageOps.read(c.frames().get(i));
            boolean shouldBeClosed = i >= 4 && i < 6;
            BufferedImage expected = shouldBeClosed ? closed : open;
            assertThat(maxAbsDiff(f, expected)).as("frame " + i).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void warped_movesTheWholePictureAsAPlane() {
        BufferedImage still = picture(0);
        AttackKit.Clip c = AttackKit.warped("w", still, List.of(Action.NOD), i -> new double[] {0, 10 * i, i, 1},
                new Random(5), "x");
        assertThat(c.frames()).hasSize(36);
        BufferedImage f0 = ImageOps.read(c.frames().get(0));
        BufferedImage f3 = ImageOps.read(c.frames().get(3));
        assertThat(meanAbsDiff(f0, still)).isLessThan(4);    // JPEG of the unmoved still
        assertThat(meanAbsDiff(f3, still)).isGreaterThan(10); // shifted 30 px and rotated 3°
        // The moved frame is the still moved back: undo the warp and it matches again.
        BufferedImage expected = ImageOps.affine(still, 0, 30, 3, 1);
        assertThat(meanAbsDiff(f3, expected)).isLessThan(4);
    }
}
