package org.countersign.biometrics.protect;

import java.nio.charset.StandardCharsets;

/**
 * The projection derived from one {@link TransformKey}: {@code outputBits} orthonormal directions in the feature
 * space, drawn from a key-seeded Gaussian and orthonormalised (modified Gram–Schmidt). Deriving it costs a few
 * milliseconds, so callers that score one key many times keep the instance. Immutable and thread-safe.
 */
public final class KeyedTransform {
    private static final byte[] SALT = "countersign/template-protection".getBytes(StandardCharsets.UTF_8);

    private final ProtectionParameters parameters;
    private final double[][] rows;

    KeyedTransform(TransformKey key, String scheme, ProtectionParameters parameters) {
        this.parameters = parameters;
        // Domain separation: a different scheme or parameter set gives an unrelated projection from the same key.
        byte[] info = (scheme + "|n=" + parameters.inputDimension() + "|m=" + parameters.outputBits())
                .getBytes(StandardCharsets.UTF_8);
        byte[] ikm = key.secret().revealForCrypto();
        byte[] seed;
        try {
            seed = Hkdf.deriveSha256(ikm, SALT, info, 32);
        } finally {
            java.util.Arrays.fill(ikm, (byte) 0);
        }
        this.rows = orthonormalRows(new KeyedStream(seed), parameters.outputBits(), parameters.inputDimension());
    }

    public ProtectionParameters parameters() {
        return parameters;
    }

    /** Sign bits of the projected vector, most significant bit first. */
    byte[] signBits(float[] vector) {
        if (vector.length != parameters.inputDimension()) {
            throw new IllegalArgumentException("expected " + parameters.inputDimension() + " values, got "
                    + vector.length);
        }
        byte[] code = new byte[parameters.outputBits() / 8];
        for (int i = 0; i < rows.length; i++) {
            double[] row = rows[i];
            double dot = 0;
            for (int j = 0; j < row.length; j++) {
                dot += row[j] * vector[j];
            }
            if (dot >= 0) {
                code[i >>> 3] |= (byte) (0x80 >>> (i & 7));
            }
        }
        return code;
    }

    private static double[][] orthonormalRows(KeyedStream stream, int m, int n) {
        double[][] rows = new double[m][n];
        for (int i = 0; i < m; i++) {
            double[] r = rows[i];
            for (int j = 0; j < n; j++) {
                r[j] = stream.nextGaussian();
            }
            for (int k = 0; k < i; k++) {
                double[] q = rows[k];
                double dot = 0;
                for (int j = 0; j < n; j++) {
                    dot += r[j] * q[j];
                }
                for (int j = 0; j < n; j++) {
                    r[j] -= dot * q[j];
                }
            }
            double norm = 0;
            for (double x : r) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < n; j++) {
                r[j] /= norm;
            }
        }
        return rows;
    }
}
