package org.countersign.biometrics.protect;

import java.util.Objects;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.core.bytes.ByteArray;

/**
 * Renewable protection of face references by BioHashing (Teoh, Ngo and Goh, "BioHashing: two factor
 * authentication featuring fingerprint data and tokenised random numbers", Pattern Recognition 37(11), 2004):
 * the embedding is projected on {@code m} key-seeded orthonormal directions and only the sign of each
 * projection is kept. The key here is a per-user secret expanded by HKDF-SHA-256 (RFC 5869) into an AES-CTR
 * stream, instead of a user-held token.
 *
 * <p>Comparison happens in the protected domain: the probe is transformed with the same key and the two bit
 * strings are compared by Hamming distance. For a random rotation the expected fraction of differing sign bits
 * equals the angle between the vectors divided by pi (Charikar, STOC 2002), so the score
 * {@code cos(pi * hamming / m)} estimates the raw cosine similarity and keeps the face thresholds meaningful.
 *
 * <p>Why it meets ISO/IEC 24745's goals — see {@code docs/biometrics.md}: irreversible because {@code m < n} and
 * only signs survive (a cone of embeddings shares each code); renewable and unlinkable because a new key gives an
 * unrelated projection, so references of one person under two keys score like strangers. With the key and the
 * code an attacker can find <em>some</em> vector in the cone that matches; that is why the key is held apart from
 * the reference and both are sealed.
 */
public final class TemplateProtector {
    /** Scheme identifier; changes whenever the transform's output would change. */
    public static final String SCHEME = "biohash-orthosign-v1";
    /** What references made by this class reach (ISO/IEC 27553-1 Table C.2). */
    public static final ReferenceProtectionLevel PROTECTION_LEVEL = ReferenceProtectionLevel.RENEWABLE;

    private final ProtectionParameters parameters;

    public TemplateProtector(ProtectionParameters parameters) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
    }

    /** For 512-d face embeddings, 256 bits. */
    public static TemplateProtector faceDefaults() {
        return new TemplateProtector(ProtectionParameters.faceDefaults());
    }

    public ProtectionParameters parameters() {
        return parameters;
    }

    /** Derives the projection of {@code key}; keep it when scoring the same key many times. */
    public KeyedTransform transformFor(TransformKey key) {
        return new KeyedTransform(Objects.requireNonNull(key, "key"), SCHEME, parameters);
    }

    public ProtectedTemplate protect(Template raw, TransformKey key) throws BiometricException {
        return protect(raw, transformFor(key));
    }

    public ProtectedTemplate protect(Template raw, KeyedTransform transform) throws BiometricException {
        float[] vector = vectorOf(raw, transform);
        return new ProtectedTemplate(SCHEME, raw.format(), parameters, ByteArray.copyOf(transform.signBits(vector)));
    }

    /** Transforms the probe with {@code key} and scores it against the protected reference. */
    public double compare(Template probe, ProtectedTemplate reference, TransformKey key) throws BiometricException {
        return compare(probe, reference, transformFor(key));
    }

    public double compare(Template probe, ProtectedTemplate reference, KeyedTransform transform)
            throws BiometricException {
        checkCompatible(reference);
        if (!probe.format().equals(reference.sourceFormat())) {
            throw new BiometricException(ReasonCode.TEMPLATE_FORMAT_MISMATCH, "reference was made from "
                    + reference.sourceFormat() + ", probe is " + probe.format() + ": re-enrol");
        }
        ProtectedTemplate probeCode = protect(probe, transform);
        return similarity(probeCode, reference);
    }

    /**
     * Score of two protected templates, in [-1, 1]: {@code cos(pi * hamming / bits)}. Also what an attacker who
     * holds two databases could compute, which is why the unlinkability evaluation uses it.
     */
    public static double similarity(ProtectedTemplate a, ProtectedTemplate b) throws BiometricException {
        if (!a.scheme().equals(b.scheme()) || !a.parameters().equals(b.parameters())) {
            throw new BiometricException(ReasonCode.TEMPLATE_FORMAT_MISMATCH,
                    "protected templates of different schemes or parameters");
        }
        byte[] x = a.code().toByteArray();
        byte[] y = b.code().toByteArray();
        int differing = 0;
        for (int i = 0; i < x.length; i++) {
            differing += Integer.bitCount((x[i] ^ y[i]) & 0xff);
        }
        return Math.cos(Math.PI * differing / (8.0 * x.length));
    }

    private void checkCompatible(ProtectedTemplate reference) throws BiometricException {
        if (!SCHEME.equals(reference.scheme()) || !parameters.equals(reference.parameters())) {
            throw new BiometricException(ReasonCode.TEMPLATE_FORMAT_MISMATCH, "reference uses "
                    + reference.scheme() + " " + reference.parameters() + ", this protector " + SCHEME + " "
                    + parameters + ": re-enrol");
        }
    }

    private float[] vectorOf(Template raw, KeyedTransform transform) throws BiometricException {
        if (!transform.parameters().equals(parameters)) {
            throw new IllegalArgumentException("transform was derived for other parameters");
        }
        float[] vector = FeatureVectors.fromTemplate(raw);
        if (vector.length != parameters.inputDimension()) {
            throw new BiometricException(ReasonCode.TEMPLATE_FORMAT_MISMATCH, "embedding has " + vector.length
                    + " values, protector expects " + parameters.inputDimension());
        }
        return vector;
    }
}
