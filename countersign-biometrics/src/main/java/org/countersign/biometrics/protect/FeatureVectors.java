package org.countersign.biometrics.protect;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Modality;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.core.bytes.ByteArray;

/**
 * Converts between fixed-length feature vectors and {@link Template}s whose data is big-endian float32 values
 * (the face engine's embedding format).
 */
public final class FeatureVectors {
    private FeatureVectors() {}

    public static float[] fromTemplate(Template template) throws BiometricException {
        Objects.requireNonNull(template, "template");
        if (template.modality() != Modality.FACE) {
            // Minutiae templates are sets, not vectors: this transform does not apply to them.
            throw new BiometricException(ReasonCode.TEMPLATE_FORMAT_MISMATCH,
                    "template protection applies to fixed-length face embeddings, not " + template.modality());
        }
        byte[] data = template.data().toByteArray();
        if (data.length == 0 || data.length % Float.BYTES != 0) {
            throw new BiometricException(ReasonCode.TEMPLATE_CORRUPT, "embedding length is not a multiple of 4");
        }
        float[] v = new float[data.length / Float.BYTES];
        ByteBuffer.wrap(data).asFloatBuffer().get(v);
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new BiometricException(ReasonCode.TEMPLATE_CORRUPT, "embedding holds a non-finite value");
            }
        }
        return v;
    }

    /** A face template holding {@code vector} as big-endian float32 (used by tests and tools). */
    public static Template toTemplate(String format, float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES);
        buffer.asFloatBuffer().put(vector);
        return new Template(Modality.FACE, format, ByteArray.copyOf(buffer.array()));
    }

    /** Cosine similarity, the raw face score. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dimension mismatch");
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
