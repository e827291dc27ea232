package org.countersign.biometrics.protect;

/**
 * Parameters of the keyed projection: the dimension of the raw feature vector and the number of output bits
 * ({@code outputBits <= inputDimension}, since the projection rows are orthonormal).
 */
public record ProtectionParameters(int inputDimension, int outputBits) {
    public ProtectionParameters {
        if (inputDimension < 2 || inputDimension > 8192) {
            throw new IllegalArgumentException("inputDimension out of range: " + inputDimension);
        }
        if (outputBits < 1 || outputBits > inputDimension || outputBits % 8 != 0) {
            throw new IllegalArgumentException("outputBits must be a multiple of 8 in 8.." + inputDimension);
        }
    }

    /**
     * For 512-d face embeddings: 256 sign bits. Halving the dimension discards information on purpose (a
     * many-to-one map) while keeping accuracy close to the raw cosine score.
     */
    public static ProtectionParameters faceDefaults() {
        return new ProtectionParameters(512, 256);
    }
}
