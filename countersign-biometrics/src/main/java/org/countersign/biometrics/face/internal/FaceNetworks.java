package org.countersign.biometrics.face.internal;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.countersign.biometrics.face.FaceBox;
import org.countersign.biometrics.face.FaceModel;
import org.countersign.biometrics.face.FaceModelPack;
import org.countersign.biometrics.face.Landmarks;

/**
 * The networks of one model pack with their pre- and post-processing, following the measured input/output
 * contracts of the bundled pack. Sessions are opened once and shared by all threads.
 */
public final class FaceNetworks implements AutoCloseable {
    private static final int LANDMARK_SIZE = 64;
    private static final int FEATURE_SIZE = 112;
    private static final int EYE_SIZE = 24;
    private static final double EYE_CROP = 1.6;
    private static final int PAD_SIZE = 128;
    private static final double PAD_CONTEXT = 2.7;

    private final FaceDetector detector;
    private final List<OnnxModel> opened = new ArrayList<>();
    private final OnnxModel landmark;
    private final OnnxModel feature;
    private final OnnxModel eye;
    private final OnnxModel liveness;

    public FaceNetworks(OrtEnvironment env, FaceModelPack pack, double detectionThreshold, int threads)
            throws OrtException, IOException {
        try {
            this.detector = new FaceDetector(open(env, pack, FaceModel.DETECT, threads), detectionThreshold);
            this.landmark = open(env, pack, FaceModel.LANDMARK, threads);
            this.feature = open(env, pack, FaceModel.FEATURE, threads);
            this.eye = open(env, pack, FaceModel.EYE, threads);
            this.liveness = open(env, pack, FaceModel.LIVENESS, threads);
        } catch (OrtException | IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private OnnxModel open(OrtEnvironment env, FaceModelPack pack, FaceModel which, int threads)
            throws OrtException, IOException {
        OnnxModel model = new OnnxModel(env, pack.read(which), threads);
        opened.add(model);
        return model;
    }

    public List<FaceBox> detect(RgbImage image) throws OrtException {
        return detector.detect(image);
    }

    /** 68 points: the square box sampled to 64×64 grey, /256; outputs are fractions of the box. */
    public Landmarks landmarks(RgbImage image, FaceBox box) throws OrtException {
        float[] input = Sampler.crop(image, box.x(), box.y(), box.side(), box.side(), LANDMARK_SIZE, LANDMARK_SIZE,
                Sampler.Order.GREY, Sampler.greyFill(127));
        for (int i = 0; i < input.length; i++) {
            input[i] /= 256f;
        }
        float[] out = landmark.run(input, 1, 1, LANDMARK_SIZE, LANDMARK_SIZE).get(0);
        float[] xy = new float[2 * Landmarks.COUNT];
        for (int i = 0; i < Landmarks.COUNT; i++) {
            xy[2 * i] = (float) (box.x() + out[2 * i] * box.side());
            xy[2 * i + 1] = (float) (box.y() + out[2 * i + 1] * box.side());
        }
        return Landmarks.of(xy);
    }

    /** 512-d embedding of the face aligned to the ArcFace 112 template; RGB, (x − 127)/128. Not normalised. */
    public float[] embedding(RgbImage image, Landmarks points) throws OrtException {
        double[] map = SimilarityAlignment.templateToSource(FaceGeometry.fivePoints(points),
                SimilarityAlignment.ARCFACE_112);
        float[] input = Sampler.warp(image, map, FEATURE_SIZE, FEATURE_SIZE, Sampler.Order.RGB, 0);
        for (int i = 0; i < input.length; i++) {
            input[i] = (input[i] - 127f) / 128f;
        }
        return feature.run(input, 1, 3, FEATURE_SIZE, FEATURE_SIZE).get(0);
    }

    /**
     * Probability that the eye whose six points start at {@code first} (36 or 42) is closed: a square of 1.6 eye
     * widths around the eye centre, 24×24 grey, /255; softmax index 0 = closed.
     */
    public double eyeClosed(RgbImage image, Landmarks p, int first) throws OrtException {
        double side = Math.max(2, EYE_CROP * p.distance(first, first + 3));
        double cx = FaceGeometry.eyeCentreX(p, first);
        double cy = FaceGeometry.eyeCentreY(p, first);
        float[] input = Sampler.crop(image, cx - side / 2, cy - side / 2, side, side, EYE_SIZE, EYE_SIZE,
                Sampler.Order.GREY, Sampler.greyFill(127));
        for (int i = 0; i < input.length; i++) {
            input[i] /= 255f;
        }
        return softmax(eye.run(input, 1, 1, EYE_SIZE, EYE_SIZE).get(0))[0];
    }

    /**
     * Probability-like score that the face is a presentation attack: the box enlarged 2.7 times (less if the
     * image is smaller) and shifted to stay inside the image, 128×128, BGR, raw 0–255. Feeding RGB here costs
     * accuracy (print-attack EER about 0 % with BGR, 2.5 % with RGB in the project's trial).
     */
    public double attackScore(RgbImage image, FaceBox box) throws OrtException {
        double scale = Math.min(PAD_CONTEXT,
                Math.min((image.width() - 1) / box.side(), (image.height() - 1) / box.side()));
        double side = box.side() * scale;
        double x = clamp(box.centreX() - side / 2, 0, image.width() - 1 - side);
        double y = clamp(box.centreY() - side / 2, 0, image.height() - 1 - side);
        float[] input = Sampler.crop(image, x, y, side, side, PAD_SIZE, PAD_SIZE, Sampler.Order.BGR, 0);
        double live = softmax(liveness.run(input, 1, 3, PAD_SIZE, PAD_SIZE).get(0))[0];
        return 1 - live;
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Override
    public void close() {
        for (OnnxModel m : opened) {
            m.close();
        }
        opened.clear();
    }
}
