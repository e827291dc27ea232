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
}
