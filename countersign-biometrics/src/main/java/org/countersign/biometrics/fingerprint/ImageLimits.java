package org.countersign.biometrics.fingerprint;

/**
 * Bounds on untrusted images: encoded size, decoded pixel count (checked from the header before decoding) and
 * the smallest usable side.
 */
public record ImageLimits(long maxEncodedBytes, long maxPixels, int minSide) {
    public ImageLimits {
        if (maxEncodedBytes <= 0 || maxPixels <= 0 || minSide <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (maxPixels > 100_000_000L || maxEncodedBytes > Integer.MAX_VALUE) {
            // Keeps every pixel buffer addressable by an int index.
            throw new IllegalArgumentException("limits too large for an in-memory image");
        }
    }

    /**
     * Defaults for fingerprint scans: a 500 dpi plain impression is well under 1000x1000; 4 Mpx leaves room for
     * 1000 dpi and rolled prints. Below 64 px a side there is no room for enough ridges to match.
     */
    public static ImageLimits fingerprintDefaults() {
        return new ImageLimits(16L * 1024 * 1024, 4_000_000L, 64);
    }
}
