package org.countersign.biometrics.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Modality;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.core.bytes.ByteArray;
import org.countersign.testkit.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Samples the engine must refuse, each with its typed reason (A-C1 environment detection, A-S3 quality
 * judgement), and hostile inputs that must never escape as unchecked exceptions.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaceRefusalTest {
    private FaceEngine engine;

    @BeforeAll
    void open() throws Exception {
        engine = FaceEngine.open();
    }

    @AfterAll
    void close() {
        engine.close();
    }

    private ReasonCode refusal(byte[] encoded) {
        BiometricException e = catchThrowableOfType(BiometricException.class,
                () -> engine.extract(ByteArray.copyOf(encoded)));
        assertThat(e).as("a typed refusal").isNotNull();
        return e.reason();
    }

    @Test
    void A_C1_groupPhotosAreRefusedWithSeveralFaces() {
        for (int i = 1; i <= 7; i++) {
            byte[] image = FaceData.bytes(TestData.require("faces/human-samples/group-" + i + ".jpg"));
            BiometricException e = catchThrowableOfType(BiometricException.class,
                    () -> engine.extract(ByteArray.copyOf(image)));
            System.out.printf("group-%d: %s%n", i, e == null ? "accepted" : e.reason());
            // Group photos also often fail size or centring; the several-faces check runs first.
            assertThat(e).isNotNull();
            assertThat(e.reason()).as("group-" + i).isEqualTo(ReasonCode.SEVERAL_FACES);
        }
    }

    @Test
    void A_C1_imagesWithoutAFaceAreRefusedWithNoFace() throws Exception {
        BufferedImage flat = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = flat.createGraphics();
        g.setColor(new Color(90, 140, 200));
        g.fillRect(0, 0, 640, 480);
        g.dispose();
        assertThat(refusal(png(flat))).isEqualTo(ReasonCode.NO_FACE);

        BufferedImage noise = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < 240; y++) {
            for (int x = 0; x < 320; x++) {
                noise.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        assertThat(refusal(png(noise))).isEqualTo(ReasonCode.NO_FACE);
    }

    @Test
    void A_S3_truncatedJpegIsUnreadable() {
        byte[] jpeg = FaceData.bytes(TestData.require("faces/expressions/faceapi/neutral.jpg"));
        assertThat(refusal(Arrays.copyOf(jpeg, jpeg.length / 2))).isEqualTo(ReasonCode.IMAGE_UNREADABLE);
        assertThat(refusal(Arrays.copyOf(jpeg, 200))).isEqualTo(ReasonCode.IMAGE_UNREADABLE);
    }

    @Test
    void A_S3_randomBytesTextAndEmptyInputAreUnreadable() {
        byte[] random = new byte[4096];
        new Random(11).nextBytes(random);
        assertThat(refusal(random)).isEqualTo(ReasonCode.IMAGE_UNREADABLE);
        assertThat(refusal("this is a text file, not a face\n".repeat(20).getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(ReasonCode.IMAGE_UNREADABLE);
        assertThat(refusal(new byte[0])).isEqualTo(ReasonCode.IMAGE_UNREADABLE);
    }

    @Test
    void A_S3_hugeDeclaredDimensionsAreRefusedBeforeDecoding() throws Exception {
        // A valid PNG header declaring 20000×20000 pixels, without the pixel data: refused from the header alone.
        assertThat(refusal(pngHeaderOnly(20000, 20000))).isEqualTo(ReasonCode.IMAGE_TOO_LARGE);
        // A real, decodable PNG above a small configured budget.
        try (FaceEngine small = FaceEngine.open(FaceModelPack.bundled(),
                FaceSettings.defaults().withMaxPixels(100_000))) {
            BufferedImage big = new BufferedImage(800, 600, BufferedImage.TYPE_BYTE_GRAY);
            BiometricException e = catchThrowableOfType(BiometricException.class,
                    () -> small.extract(ByteArray.copyOf(png(big))));
            assertThat(e.reason()).isEqualTo(ReasonCode.IMAGE_TOO_LARGE);
        }
    }

    @Test
    void A_S3_tinyImagesAreRefusedAsTooSmall() throws Exception {
        assertThat(refusal(png(new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB))))
                .isEqualTo(ReasonCode.IMAGE_TOO_SMALL);
    }

    @Test
    void A_S3_greyScaleInputIsAccepted() throws Exception {
        BufferedImage colour = FaceData.read(TestData.require("faces/verification/faceapi/sheldon/sheldon1.png"));
        BufferedImage grey = new BufferedImage(colour.getWidth(), colour.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        g.drawImage(colour, 0, 0, null);
        g.dispose();
        Template fromGrey = engine.extract(ByteArray.copyOf(png(grey)));
        Template fromColour = engine.extract(ByteArray.copyOf(png(colour)));
        double score = engine.compare(fromGrey, fromColour);
        System.out.printf("grey vs colour, same photo: %.3f%n", score);
        assertThat(score).isGreaterThan(engine.thresholdForFalseMatchRate(1e-3));
        // A greyscale database image (ORL, 92×112) goes through the whole pipeline too.
        BufferedImage orl = FaceData.read(FaceData.images("faces/verification/orl-grey/s10").get(0));
        assertThat(engine.analyzer().analyse(orl, SignalOptions.FULL).template()).isPresent();
    }

    @Test
    void A_S3_qualityReportListsEveryMeasure() throws Exception {
        QualityReport report = engine.assess(ByteArray.copyOf(
                FaceData.bytes(TestData.require("faces/human-samples/stock-emotions-b-4.jpg"))));
        System.out.println("stock-emotions-b-4: " + report);
        assertThat(report.faceCount()).isEqualTo(1);
        assertThat(report.failures()).contains(ReasonCode.POSE_OUT_OF_RANGE);
        assertThat(report.sharpness()).isPositive();
        assertThat(report.meanLevel()).isBetween(0.0, 255.0);
    }

    @Test
    void A_S3_darkenedAndBlurredFacesFailExposureAndSharpness() throws Exception {
        BufferedImage face = FaceData.read(TestData.require("faces/verification/faceapi/raj/raj1.png"));
        QualityReport dark = engine.analyzer().assess(scaleLevels(face, 0.15), QualityPolicy.defaults());
        QualityReport blurred = engine.analyzer().assess(boxBlur(face, 9), QualityPolicy.defaults());
        System.out.println("dark: " + dark + "\nblurred: " + blurred);
        assertThat(dark.failures()).contains(ReasonCode.UNDER_EXPOSED);
        assertThat(blurred.failures()).contains(ReasonCode.IMAGE_BLURRED);
    }

    @Test
    void templatesOfAnotherFormatOrLengthAreRefused() throws Exception {
        Template good = engine.extract(ByteArray.copyOf(
                FaceData.bytes(TestData.require("faces/verification/faceapi/raj/raj1.png"))));
        assertThat(good.format()).isEqualTo("face/arcface-512/faceplugin-0.0.1");
        assertThat(good.data().length()).isEqualTo(FaceTemplates.BYTES);
        Template other = new Template(Modality.FACE, "face/arcface-512/other-1", good.data());
        Template shortOne = new Template(Modality.FACE, good.format(), ByteArray.copyOf(new byte[100]));
        assertThat(catchThrowableOfType(BiometricException.class, () -> engine.compare(good, other)).reason())
                .isEqualTo(ReasonCode.TEMPLATE_FORMAT_MISMATCH);
        assertThat(catchThrowableOfType(BiometricException.class, () -> engine.compare(good, shortOne)).reason())
                .isEqualTo(ReasonCode.TEMPLATE_CORRUPT);
        assertThat(engine.compare(good, good)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** PNG signature plus an IHDR chunk (8-bit RGB) with a correct CRC, and nothing else. */
    private static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return png.array();
    }

    private static BufferedImage scaleLevels(BufferedImage src, double factor) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y);
                int r = (int) (((p >> 16) & 0xFF) * factor);
                int g = (int) (((p >> 8) & 0xFF) * factor);
                int b = (int) ((p & 0xFF) * factor);
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    private static BufferedImage boxBlur(BufferedImage src, int radius) {
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = 0, g = 0, b = 0, n = 0;
                for (int dy = -radius; dy <= radius; dy++) {
                    for (int dx = -radius; dx <= radius; dx++) {
                        int xx = Math.min(w - 1, Math.max(0, x + dx));
                        int yy = Math.min(h - 1, Math.max(0, y + dy));
                        int p = src.getRGB(xx, yy);
                        r += (p >> 16) & 0xFF;
                        g += (p >> 8) & 0xFF;
                        b += p & 0xFF;
                        n++;
                    }
                }
                out.setRGB(x, y, ((r / n) << 16) | ((g / n) << 8) | (b / n));
            }
        }
        return out;
    }
}
