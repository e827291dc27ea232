package org.countersign.biometrics.face;

import java.util.Objects;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.PresentationAttackDetector;
import org.countersign.core.bytes.ByteArray;

/**
 * Face presentation-attack detection (ISO/IEC 30107-3 terms) from a single image with the pack's liveness
 * classifier. Strong against printed photos in the project's trial; it is one signal among those the liveness
 * policy combines (X.1279 App. III), not a verdict on its own.
 */
public final class FacePad implements PresentationAttackDetector, AutoCloseable {
    /**
     * Attack-score threshold at which APCER and BPCER were both 0 % on the project's NUAA print-attack subset
     * (47 bona fide frames scoring at most 0.004, 90 attack frames at least 0.979; see {@code FacePadTest}). It is a
     * starting point, not a certified operating point: the one bona fide sample of another set (Silent-Face
     * {@code image_T1}) scored 0.79, so other cameras and lighting need their own measurement.
     */
    public static final double DEFAULT_ATTACK_THRESHOLD = 0.5;

    private final FaceAnalyzer analyzer;
    private final boolean ownsAnalyzer;

    private FacePad(FaceAnalyzer analyzer, boolean owns) {
        this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
        this.ownsAnalyzer = owns;
    }

    public static FacePad open() throws BiometricException {
        return new FacePad(FaceAnalyzer.open(), true);
    }

    /** A detector sharing an analyzer the caller keeps open (and closes). */
    public static FacePad sharing(FaceAnalyzer analyzer) {
        return new FacePad(analyzer, false);
    }

    @Override
    public double attackScore(ByteArray encodedImage) throws BiometricException {
        return analyzer.attackScore(analyzer.decode(encodedImage));
    }

    @Override
    public void close() {
        if (ownsAnalyzer) {
            analyzer.close();
        }
    }
}
