package org.countersign.server.remote;

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
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.countersign.biometrics.liveness.CapturedFrame;
import org.countersign.core.bytes.ByteArray;
import org.countersign.testkit.TestData;

/**
 * Real frames from the shared data, prepared as a capture client sends them: longer side at most 640 px, JPEG.
 * The JPEG quality is a parameter so that one recording can be sent twice with different bytes (a re-encoded
 * replay, or a second genuine user built from the same real clip).
 */
final class Frames {
    static final long STEP = 100; // the clips are 10 fps

    private Frames() {}

    static List<BufferedImage> clip(String name, int from, int to) {
        Path dir = TestData.require("liveness/clips/" + name);
        List<BufferedImage> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(read(dir.resolve(String.format("%04d.png", i))));
        }
        return out;
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
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                throw new IllegalStateException("not an image: " + file);
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage read(ByteArray encoded) {
        try {
            return ImageIO.read(new java.io.ByteArrayInputStream(encoded.toByteArray()));
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
        double s = Math.min(1.0, 640.0 / Math.max(src.getWidth(), src.getHeight()));
        int w = (int) Math.round(src.getWidth() * s);
        int h = (int) Math.round(src.getHeight() * s);
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(ios);
                writer.write(null, new IIOImage(rgb, null, null), p);
            }
            writer.dispose();
            return ByteArray.copyOf(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ByteArray> jpegs(List<BufferedImage> images, float quality) {
        return images.stream().map(i -> jpeg(i, quality)).toList();
    }

    /** Frames stamped every 100 ms from 0, numbered from 0. */
    static List<CapturedFrame> capture(List<ByteArray> encoded) {
        List<CapturedFrame> out = new ArrayList<>();
        for (int i = 0; i < encoded.size(); i++) {
            out.add(CapturedFrame.of(encoded.get(i), i * STEP, i));
        }
        return out;
    }
}
