package org.countersign.biometrics.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.countersign.biometrics.BiometricEngines;
import org.countersign.biometrics.api.BiometricEngine;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Modality;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.core.bytes.ByteArray;
import org.countersign.testkit.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class FingerprintEngineTest {
    private final FingerprintEngine engine = new FingerprintEngine(500);

    private static ByteArray image(String name) throws IOException {
        return ByteArray.copyOf(Files.readAllBytes(TestData.require("fingerprints/fvc2002-b").resolve(name)));
    }

    @Test
    void factoryReturnsTheFingerprintEngine() {
        try (BiometricEngine e = BiometricEngines.fingerprint(500)) {
            assertThat(e).isInstanceOf(FingerprintEngine.class);
            assertThat(e.modality()).isEqualTo(Modality.FINGERPRINT);
            assertThat(e.templateFormat()).isEqualTo("fingerprint/sourceafis-3.18.1");
        }
    }

    @Test
    void genuineScoresAboveImpostorAndAboveTheCalibratedThreshold() throws Exception {
        Template a1 = engine.extract(image("101_1.tif"));
        Template a2 = engine.extract(image("101_2.tif"));
        Template b1 = engine.extract(image("102_1.tif"));

        assertThat(a1.format()).isEqualTo(FingerprintEngine.FORMAT);
        assertThat(FingerprintEngine.minutiaeCount(a1)).isGreaterThanOrEqualTo(FingerprintEngine.DEFAULT_MIN_MINUTIAE);
        double genuine = engine.compare(a2, a1);
        double impostor = engine.compare(b1, a1);
        assertThat(genuine).isGreaterThan(impostor);
        assertThat(genuine).isGreaterThanOrEqualTo(engine.thresholdForFalseMatchRate(1e-4));
        assertThat(impostor).isLessThan(engine.thresholdForFalseMatchRate(1e-2));
    }

    @Test
    void thresholdFollowsSourceAfisCalibration() {
        assertThat(engine.thresholdForFalseMatchRate(1e-4)).isEqualTo(40.0);
        assertThat(engine.thresholdForFalseMatchRate(1e-2)).isEqualTo(20.0);
        assertThatThrownBy(() -> engine.thresholdForFalseMatchRate(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void multiImpressionReferenceTakesTheBestScore() throws Exception {
        MultiImpressionReference reference = MultiImpressionReference.enrol(engine,
                java.util.List.of(image("101_1.tif"), image("101_2.tif"), image("101_3.tif")));
        Template probe = engine.extract(image("101_5.tif"));
        double best = reference.score(engine, probe);
        double max = 0;
        for (Template t : reference.impressions()) {
            max = Math.max(max, engine.compare(probe, t));
        }
        assertThat(best).isEqualTo(max);
        assertThat(best).isGreaterThanOrEqualTo(engine.compare(probe, reference.impressions().get(0)));
    }

    @Test
    void randomBytesAreUnreadable() {
        byte[] noise = new byte[5000];
        new java.util.Random(7).nextBytes(noise);
        assertReason(() -> engine.extract(ByteArray.copyOf(noise)), ReasonCode.IMAGE_UNREADABLE);
    }

    @Test
    void textIsUnreadable() {
        assertReason(() -> engine.extract(ByteArray.ofUtf8("this is not an image")), ReasonCode.IMAGE_UNREADABLE);
        assertReason(() -> engine.extract(ByteArray.empty()), ReasonCode.IMAGE_UNREADABLE);
    }

    @Test
    void truncatedImageIsUnreadable() throws Exception {
        byte[] full = image("101_1.tif").toByteArray();
        assertReason(() -> engine.extract(ByteArray.copyOf(Arrays.copyOf(full, full.length / 3))),
                ReasonCode.IMAGE_UNREADABLE);
    }

    @Test
    void oversizedPixelCountIsRefusedFromTheHeader() throws Exception {
        // A valid 1x1 PNG whose header claims 50000 x 50000 pixels: only the header may be read.
        byte[] png = png(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY));
        setPngSize(png, 50_000, 50_000);
        assertReason(() -> engine.extract(ByteArray.copyOf(png)), ReasonCode.IMAGE_TOO_LARGE);
    }

    @Test
    void tinyImageIsTooSmall() throws Exception {
        byte[] png = png(new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY));
        assertReason(() -> engine.extract(ByteArray.copyOf(png)), ReasonCode.IMAGE_TOO_SMALL);
    }

    @Test
    void blankImageHasTooFewMinutiae() throws Exception {
        BufferedImage blank = new BufferedImage(300, 300, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = blank.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 300, 300);
        g.dispose();
        assertReason(() -> engine.extract(ByteArray.copyOf(png(blank))), ReasonCode.TOO_FEW_MINUTIAE);
    }

    @Test
    void corruptOrForeignTemplatesAreRefused() throws Exception {
        Template good = engine.extract(image("101_1.tif"));
        Template corrupt = new Template(Modality.FINGERPRINT, FingerprintEngine.FORMAT, ByteArray.ofUtf8("garbage"));
        Template otherVersion = new Template(Modality.FINGERPRINT, "fingerprint/sourceafis-3.17.0", good.data());
        Template face = new Template(Modality.FACE, "face/arcface-512/faceplugin-0.0.1", ByteArray.copyOf(new byte[2048]));

        assertReason(() -> engine.compare(good, corrupt), ReasonCode.TEMPLATE_CORRUPT);
        assertReason(() -> engine.compare(otherVersion, good), ReasonCode.TEMPLATE_FORMAT_MISMATCH);
        assertReason(() -> engine.compare(good, face), ReasonCode.TEMPLATE_FORMAT_MISMATCH);
    }

    @Test
    void dpiOutsideScannerRangeIsAConfigurationError() {
        assertThatThrownBy(() -> new FingerprintEngine(10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FingerprintEngine(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    interface Call {
        void run() throws Exception;
    }

    private static void assertReason(Call call, ReasonCode expected) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(BiometricException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(expected));
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** Rewrites width and height in the IHDR chunk (bytes 16..23) and fixes its CRC. */
    private static void setPngSize(byte[] png, int width, int height) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(png);
        b.putInt(16, width);
        b.putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17); // chunk type + 13 data bytes
        b.putInt(29, (int) crc.getValue());
    }
}
