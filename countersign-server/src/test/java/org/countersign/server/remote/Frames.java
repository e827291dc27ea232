package org.countersign.server.remote;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.countersign.biometrics.liveness.CapturedFrame;
import org.countersign.core.bytes.ByteArray;
import org.countersign.testkit.TestData;
import org.countersign.testkit.emulators.CaptureFrames;

/**
 * Real frames from the shared data, prepared as a capture client sends them: longer side at most 640 px, JPEG
 * (the test kit's {@link CaptureFrames}, with the shared data's paths).
 * The JPEG quality is a parameter so that one recording can be sent twice with different bytes (a re-encoded
 * replay, or a second genuine user built from the same real clip).
 */
final class Frames {
    static final long STEP = CaptureFrames.STEP_MILLIS; // the clips are 10 fps

    private Frames() {}

    static List<BufferedImage> clip(String name, int from, int to) {
        return CaptureFrames.clip(TestData.require("liveness/clips/" + name), from, to);
    }

    static List<Path> files(String relative, String prefix) {
        try (Stream<Path> s = Files.list(TestData.require(relative))) {
            return s.filter(f -> f.getFileName().toString().startsWith(prefix))
                    .filter(f -> f.getFileName().toString().matches("(?i).*\\.(png|jpe?g)")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage read(Path file) {
        return CaptureFrames.read(file);
    }

    static BufferedImage read(ByteArray encoded) {
        try {
            return ImageIO.read(new ByteArrayInputStream(encoded.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage file(String relative) {
        return read(TestData.require(relative));
    }

    static BufferedImage mirror(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                out.setRGB(src.getWidth() - 1 - x, y, src.getRGB(x, y));
            }
        }
        return out;
    }

    /** Longer side scaled down to 640 px if needed, then JPEG at {@code quality}. */
    static ByteArray jpeg(BufferedImage src, float quality) {
        return CaptureFrames.jpeg(src, quality);
    }

    static List<ByteArray> jpegs(List<BufferedImage> images, float quality) {
        return CaptureFrames.jpegs(images, quality);
    }

    /** Frames stamped every 100 ms from 0, numbered from 0. */
    static List<CapturedFrame> capture(List<ByteArray> encoded) {
        return CaptureFrames.capture(encoded);
    }
}
