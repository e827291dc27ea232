package org.countersign.biometrics.fingerprint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.machinezoo.sourceafis.FingerprintImage;
import com.machinezoo.sourceafis.FingerprintImageOptions;
import com.machinezoo.sourceafis.FingerprintMatcher;
import com.machinezoo.sourceafis.FingerprintTemplate;
import java.io.IOException;
import org.countersign.biometrics.api.BiometricEngine;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Modality;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.protect.ReferenceProtectionLevel;
import org.countersign.core.bytes.ByteArray;

/**
 * Fingerprint engine on SourceAFIS for Java 3.18.1 (minutiae extraction and matching).
 *
 * <p>Scores are SourceAFIS similarity scores (0 and up). The SourceAFIS documentation calibrates them on a log
 * scale: a threshold of 10 gives a false-match rate of about 10 %, and every further 10 points divides it by ten,
 * so its recommended 40 stands for about 0.01 %. {@link #thresholdForFalseMatchRate(double)} follows that
 * calibration; {@code docs/biometrics.md} compares it with what we measured on our data.
 *
 * <p>Templates carry the library version in their format ({@value #FORMAT}) because SourceAFIS promises no
 * template compatibility across versions: after an upgrade, stored templates must be re-extracted.
 *
 * <p>Immutable and safe to share between threads; {@link PreparedProbe} is not.
 */
public final class FingerprintEngine implements BiometricEngine {
    /** Template format produced and accepted by this engine. */
    public static final String FORMAT = "fingerprint/sourceafis-3.18.1";
    /** Fewer minutiae than this cannot give a reliable score (a smudge, a fingertip edge, an empty scan). */
    public static final int DEFAULT_MIN_MINUTIAE = 8;
    /** Minutiae templates are stored as they are (sealed only): not cancelable (ISO/IEC 27553-1 Table C.2). */
    public static final ReferenceProtectionLevel PROTECTION_LEVEL = ReferenceProtectionLevel.NONE;

    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    private final double dpi;
    private final int minMinutiae;
    private final ImageDecoder decoder;

    /** An engine for scans at {@code dpi} with default image limits. */
    public FingerprintEngine(double dpi) {
        this(dpi, ImageLimits.fingerprintDefaults(), DEFAULT_MIN_MINUTIAE);
    }

    public FingerprintEngine(double dpi, ImageLimits limits, int minMinutiae) {
        // SourceAFIS itself accepts 20..20000 dpi; anything outside a scanner's range is a configuration error.
        if (!(dpi >= 100 && dpi <= 5000)) {
            throw new IllegalArgumentException("dpi must be within 100..5000, got " + dpi);
        }
        if (minMinutiae < 0) {
            throw new IllegalArgumentException("minMinutiae must not be negative");
        }
        this.dpi = dpi;
        this.minMinutiae = minMinutiae;
        this.decoder = new ImageDecoder(limits);
    }

    public double dpi() {
        return dpi;
    }

    @Override
    public Modality modality() {
        return Modality.FINGERPRINT;
    }

    @Override
    public String templateFormat() {
        return FORMAT;
    }

    @Override
    public Template extract(ByteArray encodedImage) throws BiometricException {
        ImageDecoder.Grey grey = decoder.decodeGrey(encodedImage);
        FingerprintTemplate template;
        try {
            FingerprintImage image = new FingerprintImage(grey.width(), grey.height(), grey.pixels(),
                    new FingerprintImageOptions().dpi(dpi));
            template = new FingerprintTemplate(image);
        } catch (RuntimeException e) {
            throw new BiometricException(ReasonCode.ENGINE_FAILURE, "feature extraction failed: " + e, e);
        }
        byte[] serialized = template.toByteArray();
        int minutiae = countMinutiae(serialized);
        if (minutiae < minMinutiae) {
            throw new BiometricException(ReasonCode.TOO_FEW_MINUTIAE,
                    "found " + minutiae + " minutiae, need at least " + minMinutiae);
        }
        return new Template(Modality.FINGERPRINT, FORMAT, ByteArray.copyOf(serialized));
    }

    @Override
    public double compare(Template probe, Template reference) throws BiometricException {
        return matcherFor(probe).score(reference);
    }

    /**
     * A matcher holding the probe prepared for repeated comparison (SourceAFIS indexes the probe once); use it
     * when one probe meets many references, as in multi-impression enrolment or evaluation.
     */
    public PreparedProbe matcherFor(Template probe) throws BiometricException {
        return new PreparedProbe(new FingerprintMatcher(parse(probe)));
    }

    /** Calibrated threshold per the SourceAFIS documentation: about {@code -10 * log10(fmr)}. */
    @Override
    public double thresholdForFalseMatchRate(double targetFmr) {
        if (!(targetFmr > 0 && targetFmr < 1)) {
            throw new IllegalArgumentException("target FMR must be in (0, 1), got " + targetFmr);
        }
        return -10.0 * Math.log10(targetFmr);
    }

    @Override
    public void close() {
        // Nothing native to free.
    }

    /** Number of minutiae in a template of this engine's format. */
    public static int minutiaeCount(Template template) throws BiometricException {
        checkFormat(template);
        return countMinutiae(template.data().toByteArray());
    }

    /** A probe indexed for matching against many references. Not thread-safe: one per thread. */
    public static final class PreparedProbe {
        private final FingerprintMatcher matcher;

        private PreparedProbe(FingerprintMatcher matcher) {
            this.matcher = matcher;
        }

        public double score(Template reference) throws BiometricException {
            FingerprintTemplate candidate = parse(reference);
            try {
                return matcher.match(candidate);
            } catch (RuntimeException e) {
                throw new BiometricException(ReasonCode.ENGINE_FAILURE, "matching failed: " + e, e);
            }
        }
    }

    static FingerprintTemplate parse(Template template) throws BiometricException {
        checkFormat(template);
        try {
            return new FingerprintTemplate(template.data().toByteArray());
        } catch (RuntimeException e) {
            throw new BiometricException(ReasonCode.TEMPLATE_CORRUPT, "fingerprint template is corrupt: " + e, e);
        }
    }

    private static void checkFormat(Template template) throws BiometricException {
        if (template == null) {
            throw new BiometricException(ReasonCode.TEMPLATE_CORRUPT, "template is missing");
        }
        if (template.modality() != Modality.FINGERPRINT || !FORMAT.equals(template.format())) {
            throw new BiometricException(ReasonCode.TEMPLATE_FORMAT_MISMATCH,
                    "expected " + FORMAT + ", got " + template.modality() + " " + template.format()
                            + ": re-enrol with the current engine");
        }
    }

    /** SourceAFIS 3.x serialises templates as CBOR with one character per minutia in the "types" field. */
    private static int countMinutiae(byte[] serialized) throws BiometricException {
        try {
            JsonNode root = CBOR.readTree(serialized);
            JsonNode types = root == null ? null : root.get("types");
            if (types == null || !types.isTextual()) {
                throw new BiometricException(ReasonCode.TEMPLATE_CORRUPT, "template has no minutia list");
            }
            return types.asText().length();
        } catch (IOException e) {
            throw new BiometricException(ReasonCode.TEMPLATE_CORRUPT, "template is not valid CBOR", e);
        }
    }
}
