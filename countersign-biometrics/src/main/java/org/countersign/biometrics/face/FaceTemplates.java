package org.countersign.biometrics.face;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Modality;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.core.bytes.ByteArray;

/**
 * The face template encoding. A template's data is exactly {@value #DIMENSION} IEEE-754 float32 values in
 * big-endian byte order ({@value #BYTES} bytes): the embedding of the aligned face, L2-normalised so that the
 * cosine score is a plain dot product. Template protection elsewhere in the project depends on this exact layout;
 * changing it means a new format id and re-enrolment.
 */
public final class FaceTemplates {
    /** Embedding length. */
    public static final int DIMENSION = 512;
    /** Encoded length: {@value #DIMENSION} float32 values. */
    public static final int BYTES = DIMENSION * Float.BYTES;
    /** Prefix of the format id; the model pack id follows, e.g. {@code face/arcface-512/faceplugin-0.0.1}. */
    public static final String FORMAT_PREFIX = "face/arcface-512/";

    private FaceTemplates() {}

    /** Format id for templates made with the given pack. */
    public static String format(FaceModelPack pack) {
        return FORMAT_PREFIX + pack.id();
    }

    /** L2-normalises a copy of {@code embedding} and encodes it as a template. */
    public static Template encode(String format, float[] embedding) {
        if (embedding.length != DIMENSION) {
            throw new IllegalArgumentException("expected " + DIMENSION + " values, got " + embedding.length);
        }
        double norm = 0;
        for (float v : embedding) {
            norm += (double) v * v;
        }
        norm = Math.sqrt(norm);
        ByteBuffer buffer = ByteBuffer.allocate(BYTES).order(ByteOrder.BIG_ENDIAN);
        for (float v : embedding) {
            buffer.putFloat(norm > 0 ? (float) (v / norm) : 0f);
        }
        return new Template(Modality.FACE, format, ByteArray.copyOf(buffer.array()));
    }

    /** Decodes a template of the expected format into its {@value #DIMENSION} values. */
    public static float[] decode(Template template, String expectedFormat) throws BiometricException {
        if (template.modality() != Modality.FACE || !template.format().equals(expectedFormat)) {
            throw new BiometricException(ReasonCode.TEMPLATE_FORMAT_MISMATCH,
                    "template format " + template.format() + " is not " + expectedFormat + "; re-enrol");
        }
        byte[] bytes = template.data().toByteArray();
        if (bytes.length != BYTES) {
            throw new BiometricException(ReasonCode.TEMPLATE_CORRUPT,
                    "face template has " + bytes.length + " bytes, expected " + BYTES);
        }
        float[] values = new float[DIMENSION];
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < DIMENSION; i++) {
            values[i] = buffer.getFloat();
            if (!Float.isFinite(values[i])) {
                throw new BiometricException(ReasonCode.TEMPLATE_CORRUPT, "face template holds a non-finite value");
            }
        }
        return values;
    }

    /** Cosine similarity in [−1, 1]. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        if (na == 0 || nb == 0) {
            return 0;
        }
        return dot / Math.sqrt(na * nb);
    }
}
