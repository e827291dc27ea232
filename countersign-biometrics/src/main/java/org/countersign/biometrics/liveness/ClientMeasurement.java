package org.countersign.biometrics.liveness;

/**
 * What the client says it measured on one frame (A-C3 client ASD). The server never trusts these values: it
 * measures the frame again and records where the two disagree (X.1279 7.3.2), which can reveal a tampered client
 * or frames that are not the ones the client looked at.
 *
 * @param yaw         the client's yaw proxy (same scale as the server's: 0 frontal, about ±0.5 to 0.8 turned)
 * @param pitch       the client's pitch proxy
 * @param eyesClosed  the client's probability that both eyes are closed
 * @param mouthAspect the client's inner-lip aspect ratio
 */
public record ClientMeasurement(double yaw, double pitch, double eyesClosed, double mouthAspect) {
    public ClientMeasurement {
        if (!Double.isFinite(yaw) || !Double.isFinite(pitch) || !Double.isFinite(eyesClosed)
                || !Double.isFinite(mouthAspect)) {
            throw new IllegalArgumentException("client measurements must be finite");
        }
    }
}
