package org.countersign.biometrics.face.internal;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.countersign.biometrics.face.FaceBox;

/**
 * Runs the UltraFace-style detector: the image is letterboxed into a 4:3 canvas and sampled to 320×240, RGB,
 * (x − 127)/128. The network emits 4420 prior scores (column 1 = face) and corner boxes in [0, 1] of the canvas.
 * Boxes above the threshold go through greedy non-maximum suppression at IoU 0.3 and are made square (side = box
 * height, the detector's boxes being narrower than a face's landmark extent).
 */
public final class FaceDetector {
    private static final int IN_W = 320;
    private static final int IN_H = 240;
    private static final double NMS_IOU = 0.3;
    /** Tight crops: margin added on each side, as a fraction of the image side (MODELS notes: about 25 %). */
    private static final double TIGHT_MARGIN = 0.25;
    /** A face box this large relative to the image's short side, or one touching the border, triggers a padded pass. */
    private static final double LARGE_FACE = 0.55;

    private final OnnxModel model;
    private final double threshold;

    public FaceDetector(OnnxModel model, double threshold) {
        this.model = model;
        this.threshold = threshold;
    }

    /** Faces sorted by decreasing box area. */
    public List<FaceBox> detect(RgbImage image) throws OrtException {
        List<FaceBox> faces = detectOnCanvas(image, 0);
        if (faces.isEmpty() || needsMargin(faces.get(0), image)) {
            // Face fills the frame: the detector was trained with context around faces, so give it some.
            List<FaceBox> padded = detectOnCanvas(image, TIGHT_MARGIN);
            if (!padded.isEmpty() || faces.isEmpty()) {
                faces = padded;
            }
        }
        return faces;
    }

    private static boolean needsMargin(FaceBox face, RgbImage image) {
        int shortSide = Math.min(image.width(), image.height());
        boolean touches = face.x() < 1 || face.y() < 1
                || face.x() + face.side() > image.width() - 1 || face.y() + face.side() > image.height() - 1;
        return touches || face.side() > LARGE_FACE * shortSide;
    }

    private List<FaceBox> detectOnCanvas(RgbImage image, double margin) throws OrtException {
        double w = image.width() * (1 + 2 * margin);
        double h = image.height() * (1 + 2 * margin);
        // Letterbox to 4:3 so the network sees undistorted faces.
        double cw = Math.max(w, h * 4 / 3);
        double ch = cw * 3 / 4;
        double x0 = (image.width() - cw) / 2;
        double y0 = (image.height() - ch) / 2;
        float[] input = Sampler.crop(image, x0, y0, cw, ch, IN_W, IN_H, Sampler.Order.RGB, Sampler.greyFill(127));
        for (int i = 0; i < input.length; i++) {
            input[i] = (input[i] - 127f) / 128f;
        }
        List<float[]> out = model.run(input, 1, 3, IN_H, IN_W);
        float[] scores = out.get(0);
        float[] boxes = out.get(1);
        if (scores.length * 2 != boxes.length) {
            // Output order differs from the expected (scores, boxes): swap.
            float[] t = scores;
            scores = boxes;
            boxes = t;
        }
        List<Raw> candidates = new ArrayList<>();
        int priors = scores.length / 2;
        for (int p = 0; p < priors; p++) {
            float score = scores[2 * p + 1];
            if (score < threshold) {
                continue;
            }
            double bx1 = x0 + boxes[4 * p] * cw;
            double by1 = y0 + boxes[4 * p + 1] * ch;
            double bx2 = x0 + boxes[4 * p + 2] * cw;
            double by2 = y0 + boxes[4 * p + 3] * ch;
            if (bx2 > bx1 && by2 > by1) {
                candidates.add(new Raw(bx1, by1, bx2, by2, score));
            }
        }
        candidates.sort(Comparator.comparingDouble(Raw::score).reversed());
        List<Raw> kept = new ArrayList<>();
        for (Raw c : candidates) {
            boolean suppressed = false;
            for (Raw k : kept) {
                if (k.iou(c) > NMS_IOU) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(c);
            }
        }
        List<FaceBox> faces = new ArrayList<>(kept.size());
        for (Raw k : kept) {
            faces.add(k.square());
        }
        faces.sort(Comparator.comparingDouble(FaceBox::area).reversed());
        return faces;
    }

    private record Raw(double x1, double y1, double x2, double y2, double score) {
        double area() {
            return (x2 - x1) * (y2 - y1);
        }

        double iou(Raw o) {
            double iw = Math.min(x2, o.x2) - Math.max(x1, o.x1);
            double ih = Math.min(y2, o.y2) - Math.max(y1, o.y1);
            if (iw <= 0 || ih <= 0) {
                return 0;
            }
            double inter = iw * ih;
            return inter / (area() + o.area() - inter);
        }

        FaceBox square() {
            double side = y2 - y1;
            double cx = (x1 + x2) / 2;
            double cy = (y1 + y2) / 2;
            return new FaceBox(cx - side / 2, cy - side / 2, side, score);
        }
    }
}
