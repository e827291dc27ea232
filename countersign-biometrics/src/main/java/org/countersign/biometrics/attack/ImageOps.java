package org.countersign.biometrics.attack;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** The pixel operations an attacker's tooling applies to frames: re-encoding, resampling, tone and warps. */
final class ImageOps {
    private ImageOps() {}

    static BufferedImage read(byte[] encoded) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(encoded));
            if (image == null) {
                throw new IllegalArgumentException("not a decodable image");
            }
            return rgb(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy in 8-bit RGB (JPEG writers refuse images with alpha). */
    static BufferedImage rgb(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return out;
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(rgb(image), "png", out)) {
                throw new IllegalStateException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Baseline JPEG at {@code quality} in 1..100. */
    static byte[] jpeg(BufferedImage image, int quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(Math.max(1, Math.min(100, quality)) / 100f);
            writer.write(null, new IIOImage(rgb(image), null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Scales so that the longer side is at most {@code maxSide} (never enlarges). */
    static BufferedImage fitWithin(BufferedImage src, int maxSide) {
        double s = Math.min(1.0, maxSide / (double) Math.max(src.getWidth(), src.getHeight()));
        return s >= 1.0 ? src : scale(src, s);
    }

    static BufferedImage scale(BufferedImage src, double factor) {
        int w = Math.max(1, (int) Math.round(src.getWidth() * factor));
        int h = Math.max(1, (int) Math.round(src.getHeight() * factor));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** Cuts the given fractions of width and height off each side. */
    static BufferedImage crop(BufferedImage src, double left, double top, double right, double bottom) {
        int x = (int) Math.round(src.getWidth() * left);
        int y = (int) Math.round(src.getHeight() * top);
        int w = Math.max(1, src.getWidth() - x - (int) Math.round(src.getWidth() * right));
        int h = Math.max(1, src.getHeight() - y - (int) Math.round(src.getHeight() * bottom));
        return rgb(src.getSubimage(x, y, w, h));
    }

    /** Tone curve {@code v' = 255 (v/255)^gamma} on each channel. */
    static BufferedImage gamma(BufferedImage src, double gamma) {
        int[] lut = new int[256];
        for (int v = 0; v < 256; v++) {
            lut[v] = (int) Math.round(255 * Math.pow(v / 255.0, gamma));
        }
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y);
                out.setRGB(x, y, lut[(p >> 16) & 0xff] << 16 | lut[(p >> 8) & 0xff] << 8 | lut[p & 0xff]);
            }
        }
        return out;
    }

    /**
     * Multiplies every channel by {@code brightness} and adds an independent grey-level offset of -1, 0 or +1 per
     * pixel: sensor-like noise and a light flicker that make each frame of one still differ in every byte.
     */
    static BufferedImage noise(BufferedImage src, double brightness, Random random) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y);
                int d = random.nextInt(3) - 1;
                int r = clamp((int) Math.round(((p >> 16) & 0xff) * brightness) + d);
                int gr = clamp((int) Math.round(((p >> 8) & 0xff) * brightness) + d);
                int b = clamp((int) Math.round((p & 0xff) * brightness) + d);
                out.setRGB(x, y, r << 16 | gr << 8 | b);
            }
        }
        return out;
    }

    /**
     * The picture moved as a held print moves in front of a camera: shifted by ({@code dx}, {@code dy}) pixels,
     * rotated by {@code degrees} and scaled by {@code scale} about its centre, on a canvas of the same size (the
     * uncovered border is black).
     */
    static BufferedImage affine(BufferedImage src, double dx, double dy, double degrees, double scale) {
        int w = src.getWidth();
        int h = src.getHeight();
        AffineTransform t = new AffineTransform();
        t.translate(w / 2.0 + dx, h / 2.0 + dy);
        t.rotate(Math.toRadians(degrees));
        t.scale(scale, scale);
        t.translate(-w / 2.0, -h / 2.0);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, t, null);
        g.dispose();
        return out;
    }

    /** Scales {@code src} to exactly {@code w}×{@code h} (for splicing frames of two sources into one clip). */
    static BufferedImage resize(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
