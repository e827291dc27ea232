package org.countersign.biometrics.fingerprint;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.core.bytes.ByteArray;

/**
 * Decodes untrusted image bytes with a pixel budget. The dimensions are read from the header first so that a
 * small file announcing a huge image (a "decompression bomb") is refused before any pixel buffer is allocated.
 */
final class ImageDecoder {
    private final ImageLimits limits;

    ImageDecoder(ImageLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** 8-bit grey pixels, row-major, one byte per pixel. */
    record Grey(int width, int height, byte[] pixels) {}

    /** Decodes {@code encoded} to 8-bit grey. */
    Grey decodeGrey(ByteArray encoded) throws BiometricException {
        BufferedImage image = decode(encoded);
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] pixels = new byte[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int rgb = row[x];
                // ITU-R BT.601 luma weights, in integer arithmetic.
                int grey = (299 * ((rgb >> 16) & 0xff) + 587 * ((rgb >> 8) & 0xff) + 114 * (rgb & 0xff)) / 1000;
                pixels[y * w + x] = (byte) grey;
            }
        }
        return new Grey(w, h, pixels);
    }

    /** Decodes {@code encoded} after checking its announced dimensions against the limits. */
    BufferedImage decode(ByteArray encoded) throws BiometricException {
        if (encoded == null || encoded.isEmpty()) {
            throw new BiometricException(ReasonCode.IMAGE_UNREADABLE, "empty image");
        }
        if (encoded.length() > limits.maxEncodedBytes()) {
            throw new BiometricException(ReasonCode.IMAGE_TOO_LARGE,
                    "encoded image has " + encoded.length() + " bytes, limit " + limits.maxEncodedBytes());
        }
        // Memory cache: untrusted bytes never go to ImageIO's temporary files.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded.toByteArray()))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BiometricException(ReasonCode.IMAGE_UNREADABLE, "not a supported image format");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                checkDimensions(width, height);
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw new BiometricException(ReasonCode.IMAGE_UNREADABLE, "image decoder returned nothing");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // Image decoders throw a variety of unchecked exceptions on hostile input; none may escape.
            throw new BiometricException(ReasonCode.IMAGE_UNREADABLE, "image could not be decoded: " + e, e);
        }
    }

    private void checkDimensions(long width, long height) throws BiometricException {
        if (width <= 0 || height <= 0) {
            throw new BiometricException(ReasonCode.IMAGE_UNREADABLE, "image has no pixels");
        }
        if (width * height > limits.maxPixels()) {
            throw new BiometricException(ReasonCode.IMAGE_TOO_LARGE,
                    "image is " + width + "x" + height + ", more than " + limits.maxPixels() + " pixels");
        }
        if (width < limits.minSide() || height < limits.minSide()) {
            throw new BiometricException(ReasonCode.IMAGE_TOO_SMALL,
                    "image is " + width + "x" + height + ", each side must be at least " + limits.minSide());
        }
    }
}
