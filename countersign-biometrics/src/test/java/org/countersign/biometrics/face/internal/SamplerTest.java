package org.countersign.biometrics.face.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The box-average shortcut of {@link Sampler#crop} must give exactly what the bilinear taps give: the models were
 * calibrated on the latter, and a judgement must not change with the path taken.
 */
class SamplerTest {
    private static RgbImage noise(int w, int h, long seed) {
        Random random = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return RgbImage.of(img);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void boxAverageEqualsTheBilinearTapsBitForBit(int scale) {
        RgbImage src = noise(8 + 40 * scale, 6 + 30 * scale, scale);
        for (Sampler.Order order : Sampler.Order.values()) {
            int x0 = 3;
            int y0 = 2;
            assertThat(Sampler.onPixelGrid(src, x0, y0, scale, scale, scale, 40, 30)).isTrue();
            float[] fast = Sampler.crop(src, x0, y0, 40.0 * scale, 30.0 * scale, 40, 30, order, 0);
            float[] taps = Sampler.cropByTaps(src, x0, y0, scale, scale, scale, 40, 30, order, 0);
            assertThat(fast).as(order + " at scale " + scale).containsExactly(taps);
        }
    }

    @Test
    void bilinearTapsMatchAPlainReadingOfTheRule() {
        RgbImage src = noise(97, 71, 11);
        Random random = new Random(3);
        for (int k = 0; k < 40; k++) {
            // Off-grid boxes, some reaching outside the image (fill), up- and down-scaling.
            double x0 = random.nextDouble() * 120 - 20;
            double y0 = random.nextDouble() * 90 - 15;
            double w = 5 + random.nextDouble() * 90;
            double h = 5 + random.nextDouble() * 70;
            int outW = 8 + random.nextInt(40);
            int outH = 8 + random.nextInt(40);
            int fill = Sampler.greyFill(127);
            float[] got = Sampler.crop(src, x0, y0, w, h, outW, outH, Sampler.Order.RGB, fill);
            assertThat(got).as("box %d", k).containsExactly(reference(src, x0, y0, w, h, outW, outH, fill));
        }
    }

    /** The sampling rule read plainly: taps × taps bilinear samples, each pixel bounds-checked, zero weights skipped. */
    private static float[] reference(RgbImage src, double x0, double y0, double w, double h, int outW, int outH,
            int fill) {
        double sx = w / outW;
        double sy = h / outH;
        int taps = (int) Math.min(4, Math.max(1, Math.ceil(Math.max(sx, sy) - 0.25)));
        float[] out = new float[3 * outW * outH];
        int plane = outW * outH;
        for (int j = 0; j < outH; j++) {
            for (int i = 0; i < outW; i++) {
                float r = 0, g = 0, b = 0;
                for (int ty = 0; ty < taps; ty++) {
                    double y = y0 + (j + (ty + 0.5) / taps) * sy - 0.5;
                    for (int tx = 0; tx < taps; tx++) {
                        double x = x0 + (i + (tx + 0.5) / taps) * sx - 0.5;
                        int xi = (int) Math.floor(x);
                        int yi = (int) Math.floor(y);
                        float fx = (float) (x - xi);
                        float fy = (float) (y - yi);
                        float[] c = new float[3];
                        int[][] at = {{xi, yi}, {xi + 1, yi}, {xi, yi + 1}, {xi + 1, yi + 1}};
                        float[] wt = {(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy};
                        for (int q = 0; q < 4; q++) {
                            if (wt[q] == 0f) {
                                continue;
                            }
                            int px = at[q][0];
                            int py = at[q][1];
                            int p = px < 0 || py < 0 || px >= src.width() || py >= src.height() ? fill : src.rgb(px, py);
                            c[0] += wt[q] * ((p >> 16) & 0xFF);
                            c[1] += wt[q] * ((p >> 8) & 0xFF);
                            c[2] += wt[q] * (p & 0xFF);
                        }
                        r += c[0];
                        g += c[1];
                        b += c[2];
                    }
                }
                float n = taps * taps;
                out[j * outW + i] = r / n;
                out[plane + j * outW + i] = g / n;
                out[2 * plane + j * outW + i] = b / n;
            }
        }
        return out;
    }

    @Test
    void offGridCropsTakeTheBilinearPath() {
        RgbImage src = noise(100, 80, 7);
        // Fractional origin, a scale of 3 (taps not exactly on centres), a crop reaching outside the image.
        assertThat(Sampler.onPixelGrid(src, 0.5, 0, 2, 2, 2, 40, 30)).isFalse();
        assertThat(Sampler.onPixelGrid(src, 0, 0, 3, 3, 3, 30, 20)).isFalse();
        assertThat(Sampler.onPixelGrid(src, 30, 0, 2, 2, 2, 40, 30)).isFalse();
        assertThat(Sampler.onPixelGrid(src, -2, 0, 2, 2, 2, 40, 30)).isFalse();
    }
}
