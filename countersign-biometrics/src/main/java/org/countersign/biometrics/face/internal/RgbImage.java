package org.countersign.biometrics.face.internal;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.color.ColorSpace;
import java.util.Objects;

/**
 * A decoded image as packed 0xRRGGBB pixels, the one layout every model pre-processing step reads from. Grey-scale
 * sources are expanded by copying the grey level to the three channels (no colour-space conversion, which would
 * change the levels the models see).
 */
public final class RgbImage {
    private final int width;
    private final int height;
    private final int[] pixels;

    private RgbImage(int width, int height, int[] pixels) {
        this.width = width;
        this.height = height;
        this.pixels = pixels;
    }

    public static RgbImage of(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        int w = image.getWidth();
        int h = image.getHeight();
        ColorModel cm = image.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            return fromGreyRaster(image.getRaster(), cm.getComponentSize(0), w, h);
        }
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && image.getRaster().getDataBuffer() instanceof DataBufferByte bytes
                && image.getRaster().getParent() == null && bytes.getNumBanks() == 1) {
            // Decoded JPEGs land here; reading the bytes directly avoids the per-pixel colour-model path.
            byte[] b = bytes.getData();
            int[] px = new int[w * h];
            for (int i = 0, j = 0; i < px.length; i++, j += 3) {
                px[i] = ((b[j + 2] & 0xFF) << 16) | ((b[j + 1] & 0xFF) << 8) | (b[j] & 0xFF);
            }
            return new RgbImage(w, h, px);
        }
        int[] px = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < px.length; i++) {
            px[i] &= 0xFFFFFF;
        }
        return new RgbImage(w, h, px);
    }

    private static RgbImage fromGreyRaster(Raster raster, int bits, int w, int h) {
        int[] grey = raster.getSamples(0, 0, w, h, 0, (int[]) null);
        int shift = Math.max(0, bits - 8);
        int[] px = new int[w * h];
        for (int i = 0; i < px.length; i++) {
            int g = Math.min(255, grey[i] >> shift);
            px[i] = (g << 16) | (g << 8) | g;
        }
        return new RgbImage(w, h, px);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The pixels, row after row, packed 0xRRGGBB; for samplers in this package, which must not change them. */
    int[] packed() {
        return pixels;
    }

    /** Packed 0xRRGGBB at (x, y); callers stay inside the image. */
    public int rgb(int x, int y) {
        return pixels[y * width + x];
    }

    /** A left-right mirrored copy (used by callers that test pose symmetry). */
    public RgbImage mirrored() {
        int[] px = new int[pixels.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                px[y * width + x] = pixels[y * width + (width - 1 - x)];
            }
        }
        return new RgbImage(width, height, px);
    }
}
