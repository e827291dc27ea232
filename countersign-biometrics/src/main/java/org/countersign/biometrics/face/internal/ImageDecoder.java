package org.countersign.biometrics.face.internal;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.ReasonCode;

/**
 * Decodes untrusted image bytes with {@code javax.imageio}. The declared dimensions are read from the header and
 * checked against the pixel budget before any pixel is decoded, so a small file declaring a huge image cannot
 * exhaust memory. Every decoder failure, checked or not, becomes {@code IMAGE_UNREADABLE}.
 */
public final class ImageDecoder {
    private final long maxPixels;
    private final int minSide;

    public ImageDecoder(long maxPixels, int minSide) {
        this.maxPixels = maxPixels;
        this.minSide = minSide;
    }

    public BufferedImage decode(byte[] encoded) throws BiometricException {
        if (encoded == null || encoded.length == 0) {
            throw new BiometricException(ReasonCode.IMAGE_UNREADABLE, "empty image");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BiometricException(ReasonCode.IMAGE_UNREADABLE, "not a known image format");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                checkDimensions(w, h);
                TruncationWatch watch = new TruncationWatch();
                reader.addIIOReadWarningListener(watch);
                BufferedImage image = reader.read(0);
                if (watch.truncated) {
                    throw new BiometricException(ReasonCode.IMAGE_UNREADABLE, "image data ends early: " + watch.message);
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (BiometricException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Decoders signal corrupt data with IIOException but also with assorted unchecked exceptions.
            throw new BiometricException(ReasonCode.IMAGE_UNREADABLE, "cannot decode image: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            // The header check makes this unlikely; a decoder-internal blow-up is still a refusal, not a crash.
            throw new BiometricException(ReasonCode.IMAGE_TOO_LARGE, "image too large to decode", e);
        }
    }

    private void checkDimensions(long w, long h) throws BiometricException {
        if (w <= 0 || h <= 0) {
            throw new BiometricException(ReasonCode.IMAGE_UNREADABLE, "image declares no pixels");
        }
        if (w * h > maxPixels) {
            throw new BiometricException(ReasonCode.IMAGE_TOO_LARGE,
                    "image declares " + w + "x" + h + " pixels, budget is " + maxPixels);
        }
        if (Math.min(w, h) < minSide) {
            throw new BiometricException(ReasonCode.IMAGE_TOO_SMALL,
                    "image is " + w + "x" + h + ", smaller than " + minSide + " px on a side");
        }
    }

    /** The JPEG reader fills a truncated scan with grey and only warns; such an image is not the one sent. */
    private static final class TruncationWatch implements IIOReadWarningListener {
        volatile boolean truncated;
        volatile String message = "";

        @Override
        public void warningOccurred(ImageReader source, String warning) {
            String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
            if (w.contains("premature end") || w.contains("truncat") || w.contains("end of file")) {
                truncated = true;
                message = warning;
            }
        }
    }
}
