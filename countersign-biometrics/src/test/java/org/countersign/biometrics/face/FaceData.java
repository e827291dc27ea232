package org.countersign.biometrics.face;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.countersign.testkit.TestData;

/** Helpers for the external face test images (located through {@link TestData}). */
final class FaceData {
    private FaceData() {}

    /** Image files directly under {@code relative}, sorted by name. */
    static List<Path> images(String relative) {
        Path dir = TestData.require(relative);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("(?i).*\\.(jpe?g|png|tif)"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sub-folders of {@code relative}, sorted by name. */
    static List<Path> folders(String relative) {
        Path dir = TestData.require(relative);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage read(Path file) {
        try {
            BufferedImage image = ImageIO.read(file.toFile());
            if (image == null) {
                throw new IllegalStateException("not an image: " + file);
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /** Equal error rate and its threshold by sweeping all observed scores (higher score = positive class). */
    static double[] eer(double[] positives, double[] negatives) {
        double bestGap = Double.MAX_VALUE;
        double bestEer = 1;
        double bestT = 0;
        double[] candidates = Stream.of(positives, negatives).flatMapToDouble(java.util.Arrays::stream)
                .sorted().toArray();
        for (double t : candidates) {
            double fnr = java.util.Arrays.stream(positives).filter(s -> s < t).count() / (double) positives.length;
            double fpr = java.util.Arrays.stream(negatives).filter(s -> s >= t).count() / (double) negatives.length;
            double gap = Math.abs(fnr - fpr);
            if (gap < bestGap || (gap == bestGap && (fnr + fpr) / 2 < bestEer)) {
                bestGap = gap;
                bestEer = (fnr + fpr) / 2;
                bestT = t;
            }
        }
        return new double[] {bestEer, bestT};
    }
}
