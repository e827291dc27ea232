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

    /**
     * Equal error rate by sweeping every observed score as threshold (higher score = positive class; a sample is
     * accepted when its score is at least the threshold). Returns {EER, threshold}.
     */
    static double[] eer(double[] positives, double[] negatives) {
        double[] pos = positives.clone();
        double[] neg = negatives.clone();
        java.util.Arrays.sort(pos);
        java.util.Arrays.sort(neg);
        double[] candidates = java.util.stream.DoubleStream.concat(java.util.Arrays.stream(pos),
                java.util.Arrays.stream(neg)).sorted().distinct().toArray();
        double bestGap = Double.MAX_VALUE;
        double bestEer = 1;
        double bestT = 0;
        int p = 0; // positives below t
        int n = 0; // negatives below t
        for (double t : candidates) {
            while (p < pos.length && pos[p] < t) {
                p++;
            }
            while (n < neg.length && neg[n] < t) {
                n++;
            }
            double fnr = p / (double) pos.length;
            double fpr = (neg.length - n) / (double) neg.length;
            double gap = Math.abs(fnr - fpr);
            if (gap < bestGap) {
                bestGap = gap;
                bestEer = (fnr + fpr) / 2;
                bestT = t;
            }
        }
        return new double[] {bestEer, bestT};
    }
}
