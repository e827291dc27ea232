package org.countersign.biometrics.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class DetPlotTest {
    @Test
    void rendersAPngWithLogAxesDownToTheChosenDecade() throws Exception {
        ErrorRateCurve curve = new ErrorRateCurve(new Scores(new double[] {0.6, 0.7, 0.8, 0.9},
                new double[] {0.1, 0.2, 0.3, 0.65}));
        byte[] png = DetPlot.forVerification("test", 4, 4).renderPng(List.of(DetPlot.Series.of("a", curve)))
                .toByteArray();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(560);
        assertThat(DetPlot.decadeFor(960)).isEqualTo(-3);
        assertThat(DetPlot.decadeFor(1000)).isEqualTo(-3);
        assertThat(DetPlot.decadeFor(3)).isEqualTo(-1);
    }

    @Test
    void aPerfectResultShowsItsOperatingPointInsideThePlotNotAnEmptyBox() throws Exception {
        // Every genuine score above every impostor score: no error at the best threshold.
        ErrorRateCurve perfect = new ErrorRateCurve(new Scores(new double[] {0.8, 0.85, 0.9, 0.95},
                new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}));
        assertThat(DetPlot.equalErrorPoint(DetPlot.Series.of("a", perfect).points())).containsExactly(0.0, 0.0);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(DetPlot.forVerification("perfect", 6, 4)
                .renderPng(List.of(DetPlot.Series.of("a", perfect))).toByteArray()));
        int series = Charts.color(0).getRGB();
        int inside = 0;
        // The plot box is x 80..616, y 48..496; count the curve's colour clear of the border lines.
        for (int x = 84; x < 612; x++) {
            for (int y = 52; y < 492; y++) {
                if (image.getRGB(x, y) == series) {
                    inside++;
                }
            }
        }
        assertThat(inside).as("marker pixels inside the box").isGreaterThan(20);
    }

    @Test
    void equalErrorPointIsThePointWithTheSmallestLargerError() {
        assertThat(DetPlot.equalErrorPoint(List.of(new double[] {0.5, 0.0}, new double[] {0.1, 0.2},
                new double[] {0.0, 0.4}))).containsExactly(0.1, 0.2);
        assertThat(DetPlot.equalErrorPoint(List.of())).isNull();
    }
}
