package org.countersign.biometrics.liveness;

import java.util.Objects;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;

/**
 * One frame of a liveness capture as the client sent it.
 *
 * @param encoded          the JPEG or PNG bytes (clients send frames of 640 px or less: decoding cost grows with size)
 * @param capturedAtMillis capture time in milliseconds since the challenge started on the client
 * @param sequence         the frame's index in the capture, strictly increasing
 * @param client           the client's own measurements of this frame, if it sent any (recorded, never trusted)
 */
public record CapturedFrame(ByteArray encoded, long capturedAtMillis, int sequence, Optional<ClientMeasurement> client) {
    public CapturedFrame {
        Objects.requireNonNull(encoded, "encoded");
        Objects.requireNonNull(client, "client");
    }

    /** A frame without client measurements. */
    public static CapturedFrame of(ByteArray encoded, long capturedAtMillis, int sequence) {
        return new CapturedFrame(encoded, capturedAtMillis, sequence, Optional.empty());
    }
}
