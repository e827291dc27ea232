package org.countersign.biometrics.face;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.face.internal.FaceGeometry;
import org.countersign.biometrics.face.internal.FaceNetworks;
import org.countersign.biometrics.face.internal.ImageDecoder;
import org.countersign.biometrics.face.internal.QualityMeasurer;
import org.countersign.biometrics.face.internal.RgbImage;
import org.countersign.core.bytes.ByteArray;

/**
 * The face pipeline: decode, detect, landmarks, quality, per-frame liveness signals, embedding and
 * presentation-attack score. Thread-safe; open once and share. {@link FaceEngine} and {@link FacePad} are thin
 * views over it.
 */
public final class FaceAnalyzer implements AutoCloseable {
    private final FaceModelPack pack;
    private final FaceSettings settings;
    private final String templateFormat;
    private final ImageDecoder decoder;
    // The Java binding keeps one process-wide native environment; each analyzer holds it but never closes it,
    // since other analyzers may still be using it.
    private final OrtEnvironment env;
    private final FaceNetworks networks;

    private FaceAnalyzer(FaceModelPack pack, FaceSettings settings) throws BiometricException {
        this.pack = Objects.requireNonNull(pack, "pack");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.templateFormat = FaceTemplates.format(pack);
        this.decoder = new ImageDecoder(settings.maxPixels(), settings.minImageSide());
        this.env = OrtEnvironment.getEnvironment();
        try {
            // An authentication server reports nothing about its host to a third party. The pinned runtime has no
            // telemetry on Linux; this keeps it off should the pin move. It cannot undo 1.29.0, whose collector
            // starts while the environment is created (see the pin's comment in the root build file).
            env.setTelemetry(false);
            this.networks = new FaceNetworks(env, pack, settings.detectionThreshold(), settings.intraOpThreads());
        } catch (OrtException | IOException e) {
            throw new BiometricException(ReasonCode.ENGINE_FAILURE, "cannot load face model pack " + pack.id(), e);
        }
    }

    /** Opens the bundled model pack with default settings. */
    public static FaceAnalyzer open() throws BiometricException {
        return open(FaceModelPack.bundled(), FaceSettings.defaults());
    }

    public static FaceAnalyzer open(FaceModelPack pack, FaceSettings settings) throws BiometricException {
        return new FaceAnalyzer(pack, settings);
    }

    public FaceSettings settings() {
        return settings;
    }

    /** Format id of the templates this analyzer makes: {@code face/arcface-512/<pack id>}. */
    public String templateFormat() {
        return templateFormat;
    }

    /**
     * Decodes untrusted image bytes. Refuses images above the pixel budget before decoding
     * ({@code IMAGE_TOO_LARGE}), and corrupt, truncated or non-image bytes ({@code IMAGE_UNREADABLE}).
     */
    public BufferedImage decode(ByteArray encoded) throws BiometricException {
        Objects.requireNonNull(encoded, "encoded");
        return decoder.decode(encoded.toByteArray());
    }

    /**
     * Per-frame liveness signals of the largest face. {@link FrameSignals#faceCount()} counts faces of
     * comparable size (see {@link FaceSettings#severalFacesRatio()}); the caller's policy decides what several
     * faces mean in a sequence.
     *
     * @throws BiometricException {@code NO_FACE} when no face is found, {@code ENGINE_FAILURE} on a runtime fault
     */
    public FrameSignals analyse(BufferedImage frame, SignalOptions options) throws BiometricException {
        Objects.requireNonNull(options, "options");
        RgbImage image = toRgb(frame);
        try {
            Detection d = detectOne(image);
            Landmarks p = d.landmarks();
            double rightClosed = networks.eyeClosed(image, p, 36);
            double leftClosed = networks.eyeClosed(image, p, 42);
            OptionalDouble attack = options.presentationAttack()
                    ? OptionalDouble.of(networks.attackScore(image, d.box())) : OptionalDouble.empty();
            Optional<Template> template = options.embedding()
                    ? Optional.of(FaceTemplates.encode(templateFormat, networks.embedding(image, p)))
                    : Optional.empty();
            return new FrameSignals(d.faceCount(), d.box(), p, FaceGeometry.yaw(p), FaceGeometry.pitch(p),
                    rightClosed, leftClosed, FaceGeometry.eyeAspect(p, 36), FaceGeometry.eyeAspect(p, 42),
                    FaceGeometry.mouthAspect(p), attack, template);
        } catch (OrtException e) {
            throw new BiometricException(ReasonCode.ENGINE_FAILURE, "face model failed", e);
        }
    }

    /**
     * The full quality report of a sample against {@code policy}; only a missing face is an exception
     * ({@code NO_FACE}), every other shortfall is listed in the report.
     */
    public QualityReport assess(BufferedImage image, QualityPolicy policy) throws BiometricException {
        RgbImage rgb = toRgb(image);
        try {
            Detection d = detectOne(rgb);
            return QualityMeasurer.measure(rgb, d.box(), d.landmarks(), d.faceCount(), policy);
        } catch (OrtException e) {
            throw new BiometricException(ReasonCode.ENGINE_FAILURE, "face model failed", e);
        }
    }

    /**
     * Checks quality against the configured policy and returns the identity template of the face.
     *
     * @throws BiometricException with the first failed quality check's reason, or {@code NO_FACE}
     */
    public Template template(BufferedImage image) throws BiometricException {
        RgbImage rgb = toRgb(image);
        try {
            Detection d = detectOne(rgb);
            QualityReport report = QualityMeasurer.measure(rgb, d.box(), d.landmarks(), d.faceCount(),
                    settings.quality());
            Optional<ReasonCode> failure = report.firstFailure();
            if (failure.isPresent()) {
                throw new BiometricException(failure.get(), "sample refused: " + report);
            }
            return FaceTemplates.encode(templateFormat, networks.embedding(rgb, d.landmarks()));
        } catch (OrtException e) {
            throw new BiometricException(ReasonCode.ENGINE_FAILURE, "face model failed", e);
        }
    }

    /** Presentation-attack score of the largest face (higher: more likely an attack); no quality gate. */
    public double attackScore(BufferedImage image) throws BiometricException {
        RgbImage rgb = toRgb(image);
        try {
            List<FaceBox> faces = networks.detect(rgb);
            if (faces.isEmpty()) {
                throw new BiometricException(ReasonCode.NO_FACE, "no face found");
            }
            return networks.attackScore(rgb, faces.get(0));
        } catch (OrtException e) {
            throw new BiometricException(ReasonCode.ENGINE_FAILURE, "face model failed", e);
        }
    }

    /** Cosine similarity of two templates of this analyzer's format. */
    public double compare(Template probe, Template reference) throws BiometricException {
        return FaceTemplates.cosine(FaceTemplates.decode(probe, templateFormat),
                FaceTemplates.decode(reference, templateFormat));
    }

    private Detection detectOne(RgbImage image) throws OrtException, BiometricException {
        List<FaceBox> faces = networks.detect(image);
        if (faces.isEmpty()) {
            throw new BiometricException(ReasonCode.NO_FACE, "no face found");
        }
        FaceBox largest = faces.get(0);
        int comparable = 0;
        for (FaceBox f : faces) {
            if (f.area() >= settings.severalFacesRatio() * largest.area()) {
                comparable++;
            }
        }
        return new Detection(largest, networks.landmarks(image, largest), comparable);
    }

    private static RgbImage toRgb(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        return RgbImage.of(image);
    }

    private record Detection(FaceBox box, Landmarks landmarks, int faceCount) {}

    /** The model pack this analyzer runs. */
    public FaceModelPack pack() {
        return pack;
    }

    @Override
    public void close() {
        networks.close();
    }
}
