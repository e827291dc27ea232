package org.countersign.biometrics.face;

import java.util.Objects;
import org.countersign.biometrics.api.BiometricEngine;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Modality;
import org.countersign.biometrics.api.Template;
import org.countersign.core.bytes.ByteArray;

/**
 * {@link BiometricEngine} for faces: quality-gated extraction of ArcFace-style templates and cosine comparison.
 * Templates are encoded as {@link FaceTemplates} describes.
 */
public final class FaceEngine implements BiometricEngine {
    private final FaceAnalyzer analyzer;
    private final boolean ownsAnalyzer;

    private FaceEngine(FaceAnalyzer analyzer, boolean owns) {
        this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
        this.ownsAnalyzer = owns;
    }

    /** An engine over the bundled model pack with default settings; closing it releases the models. */
    public static FaceEngine open() throws BiometricException {
        return new FaceEngine(FaceAnalyzer.open(), true);
    }

    /** An engine that owns a new analyzer for the given pack and settings. */
    public static FaceEngine open(FaceModelPack pack, FaceSettings settings) throws BiometricException {
        return new FaceEngine(FaceAnalyzer.open(pack, settings), true);
    }

    /** An engine sharing an analyzer the caller keeps open (and closes). */
    public static FaceEngine sharing(FaceAnalyzer analyzer) {
        return new FaceEngine(analyzer, false);
    }

    public FaceAnalyzer analyzer() {
        return analyzer;
    }

    @Override
    public Modality modality() {
        return Modality.FACE;
    }

    @Override
    public String templateFormat() {
        return analyzer.templateFormat();
    }

    /** Decodes, checks quality (X.1279 7.3.3) and extracts; refuses with the first failed check's reason. */
    @Override
    public Template extract(ByteArray encodedImage) throws BiometricException {
        return analyzer.template(analyzer.decode(encodedImage));
    }

    /** The full quality report of an encoded sample under the engine's policy. */
    public QualityReport assess(ByteArray encodedImage) throws BiometricException {
        return analyzer.assess(analyzer.decode(encodedImage), analyzer.settings().quality());
    }

    @Override
    public double compare(Template probe, Template reference) throws BiometricException {
        return analyzer.compare(probe, reference);
    }

    @Override
    public double thresholdForFalseMatchRate(double targetFmr) {
        return FaceCalibration.BUNDLED.thresholdFor(targetFmr);
    }

    @Override
    public void close() {
        if (ownsAnalyzer) {
            analyzer.close();
        }
    }
}
