package org.countersign.biometrics.protect;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A deterministic pseudo-random stream: AES-256 in counter mode over zeros. Chosen over {@code java.util.Random}
 * and friends because the projection must be bit-identical on every JVM for as long as references are stored.
 */
final class KeyedStream {
    private static final int BLOCK = 4096;
    private final Cipher cipher;
    private final byte[] zeros = new byte[BLOCK];
    private byte[] buffer = new byte[0];
    private int position;
    private double spareGaussian = Double.NaN;

    KeyedStream(byte[] key32) {
        try {
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key32, "AES"), new IvParameterSpec(new byte[16]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR unavailable", e);
        } finally {
            Arrays.fill(key32, (byte) 0);
        }
    }

    long nextLong() {
        if (position + 8 > buffer.length) {
            buffer = cipher.update(zeros);
            position = 0;
        }
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buffer[position++] & 0xffL);
        }
        return v;
    }

    /** Uniform in (0, 1): 53 random bits, never exactly 0 so that the logarithm below is finite. */
    double nextOpenUnit() {
        return ((nextLong() >>> 11) + 0.5) * 0x1.0p-53;
    }

    /** Standard normal variate by the Box–Muller transform (both outputs used). */
    double nextGaussian() {
        if (!Double.isNaN(spareGaussian)) {
            double g = spareGaussian;
            spareGaussian = Double.NaN;
            return g;
        }
        double r = Math.sqrt(-2.0 * Math.log(nextOpenUnit()));
        double phi = 2.0 * Math.PI * nextOpenUnit();
        spareGaussian = r * Math.sin(phi);
        return r * Math.cos(phi);
    }
}
