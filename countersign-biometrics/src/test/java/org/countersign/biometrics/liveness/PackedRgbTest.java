package org.countersign.biometrics.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.function.IntBinaryOperator;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The judge's direct reading of decoded JPEG bytes gives what the colour model gives, pixel for pixel. */
class PackedRgbTest {

    @Test
    void decodedJpegBytesReadAsTheColourModelReadsThem() throws Exception {
        BufferedImage src = new BufferedImage(67, 41, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(5);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                src.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        assertThat(ImageIO.write(src, "jpeg", jpeg)).isTrue();
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg.toByteArray()));
        assertThat(decoded.getType()).as("the layout the shortcut is for").isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
        assertSame(decoded);
        // A sub-image shares the parent's bytes with an offset: it must take the general path and still agree.
        assertSame(decoded.getSubimage(3, 5, 40, 20));
        assertSame(src);
    }

    private static void assertSame(BufferedImage image) {
        IntBinaryOperator read = LivenessJudge.packedRgb(image);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                assertThat(read.applyAsInt(x, y)).as("(%d, %d)", x, y).isEqualTo(image.getRGB(x, y) & 0xFFFFFF);
            }
        }
    }
}
