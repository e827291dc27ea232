package org.countersign.biometrics.liveness;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.countersign.core.bytes.ByteArray;
import org.countersign.testkit.TestData;

/**
 * Builds liveness captures from the shared real data: clip frames, stills, stitched sequences and planar
 * warps of one photo (the flat-picture attack). Frames are stamped at a fixed rate from 0 ms.
 */
final class LivenessFrames {
    private LivenessFrames() {}

    /** Frames {@code from..to} (1-based, inclusive) of a clip folder under {@code liveness/clips}. */
    static List<ByteArray> clip(String name, int from, int to) {
        Path dir = TestData.require("liveness/clips/" + name);
        List<ByteArray> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(bytes(dir.resolve(String.format("%04d.png", i))));
        }
        return out;
    }

    /** The image files directly in a data folder, sorted by name. */
    static List<Path> files(String relative) {
        try (Stream<Path> s = Files.list(TestData.require(relative))) {
            return s.filter(f -> f.getFileName().toString().matches("(?i).*\\.(png|jpe?g)")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ByteArray file(String relative) {
        return bytes(TestData.require(relative));
    }

    static ByteArray bytes(Path file) {
        try {
            return ByteArray.copyOf(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Frames stamped every {@code stepMillis} from 0, numbered from 0. */
    static List<CapturedFrame> capture(List<ByteArray> encoded, long stepMillis) {
        List<CapturedFrame> out = new ArrayList<>();
        for (int i = 0; i < encoded.size(); i++) {
            out.add(CapturedFrame.of(encoded.get(i), i * stepMillis, i));
        }
        return out;
    }

    static BufferedImage decode(ByteArray encoded) {
        try {
            BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(encoded.toByteArray()));
            if (image == null) {
                throw new IllegalStateException("not an image");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ByteArray encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(image, 0, 0, null);
            if (!ImageIO.write(rgb, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return ByteArray.copyOf(out.toByteArray());
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

    /** Scales to exactly {@code w}×{@code h} (letterboxed on black so the face keeps its proportions). */
    static BufferedImage fit(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        double s = Math.min(w / (double) src.getWidth(), h / (double) src.getHeight());
        int sw = (int) Math.round(src.getWidth() * s);
        int sh = (int) Math.round(src.getHeight() * s);
        g.drawImage(src, (w - sw) / 2, (h - sh) / 2, sw, sh, null);
        g.dispose();
        return out;
    }

    /**
     * The view a camera gets of a flat photo turned by {@code turnDegrees} about its vertical axis and rotated
     * by {@code rollDegrees} in the image plane: what an attacker shows by tilting a printed picture to fake a head
     * turn. Pinhole camera at distance {@code distance} (in image widths) with unit magnification at zero turn.
     */
    static BufferedImage tiltedPhoto(BufferedImage src, double turnDegrees, double rollDegrees, double distance) {
        int w = src.getWidth();
        int h = src.getHeight();
        double cx = w / 2.0, cy = h / 2.0;
        double d = distance * w;
        double t = Math.toRadians(turnDegrees);
        double r = Math.toRadians(rollDegrees);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // Undo the roll, then invert the perspective of the turned plane.
                double u0 = x - cx, v0 = y - cy;
                double u = Math.cos(r) * u0 + Math.sin(r) * v0;
                double v = -Math.sin(r) * u0 + Math.cos(r) * v0;
                double denom = d * Math.cos(t) - u * Math.sin(t);
                if (denom <= 0) {
                    continue;
                }
                double px = u * d / denom;
                double py = v * (px * Math.sin(t) + d) / d;
                out.setRGB(x, y, bilinear(src, px + cx, py + cy));
            }
        }
        return out;
    }

    private static int bilinear(BufferedImage src, double x, double y) {
        if (x < 0 || y < 0 || x > src.getWidth() - 1 || y > src.getHeight() - 1) {
            return 0;
        }
        int x0 = (int) x, y0 = (int) y;
        int x1 = Math.min(x0 + 1, src.getWidth() - 1), y1 = Math.min(y0 + 1, src.getHeight() - 1);
        double fx = x - x0, fy = y - y0;
        int p00 = src.getRGB(x0, y0), p10 = src.getRGB(x1, y0), p01 = src.getRGB(x0, y1), p11 = src.getRGB(x1, y1);
        int out = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            double c = ((p00 >> shift) & 0xff) * (1 - fx) * (1 - fy) + ((p10 >> shift) & 0xff) * fx * (1 - fy)
                    + ((p01 >> shift) & 0xff) * (1 - fx) * fy + ((p11 >> shift) & 0xff) * fx * fy;
            out |= ((int) Math.round(c) & 0xff) << shift;
        }
        return out;
    }
}
