package org.countersign.biometrics.face.internal;

import java.util.ArrayList;
import java.util.List;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.face.FaceBox;
import org.countersign.biometrics.face.Landmarks;
import org.countersign.biometrics.face.QualityPolicy;
import org.countersign.biometrics.face.QualityReport;

/** Turns one detected face into a {@link QualityReport} against a {@link QualityPolicy}. */
public final class QualityMeasurer {
    private static final int CROP = 112;

    private QualityMeasurer() {}

    public static QualityReport measure(RgbImage image, FaceBox box, Landmarks landmarks, int faceCount,
                                        QualityPolicy policy) {
        List<ReasonCode> failures = new ArrayList<>();
        if (faceCount > 1) {
            failures.add(ReasonCode.SEVERAL_FACES);
        }
        double offX = Math.abs(box.centreX() - image.width() / 2.0) / image.width();
        double offY = Math.abs(box.centreY() - image.height() / 2.0) / image.height();
        double yaw = FaceGeometry.yaw(landmarks);
        double pitch = FaceGeometry.pitch(landmarks);

        // Statistics on the part of the face box inside the image, so padding never counts as face.
        double x1 = Math.max(0, box.x());
        double y1 = Math.max(0, box.y());
        double x2 = Math.min(image.width(), box.x() + box.side());
        double y2 = Math.min(image.height(), box.y() + box.side());
        float[] grey = Sampler.crop(image, x1, y1, Math.max(1, x2 - x1), Math.max(1, y2 - y1), CROP, CROP,
                Sampler.Order.GREY, 0);
        double mean = 0;
        int dark = 0, bright = 0;
        for (float g : grey) {
            mean += g;
            if (g <= 5) {
                dark++;
            } else if (g >= 250) {
                bright++;
            }
        }
        mean /= grey.length;
        double darkFraction = (double) dark / grey.length;
        double brightFraction = (double) bright / grey.length;
        double sharpness = laplacianVariance(grey, CROP);

        if (box.side() < policy.minFaceSidePx()) {
            failures.add(ReasonCode.FACE_TOO_SMALL);
        }
        if (offX > policy.maxCentreOffset() || offY > policy.maxCentreOffset()) {
            failures.add(ReasonCode.FACE_NOT_CENTRED);
        }
        if (Math.abs(yaw) > policy.maxAbsYaw() || pitch < policy.minPitch() || pitch > policy.maxPitch()) {
            failures.add(ReasonCode.POSE_OUT_OF_RANGE);
        }
        if (mean < policy.minMeanLevel() || darkFraction > policy.maxClippedFraction()) {
            failures.add(ReasonCode.UNDER_EXPOSED);
        } else if (mean > policy.maxMeanLevel() || brightFraction > policy.maxClippedFraction()) {
            failures.add(ReasonCode.OVER_EXPOSED);
        }
        if (sharpness < policy.minSharpness()) {
            failures.add(ReasonCode.IMAGE_BLURRED);
        }
        return new QualityReport(faceCount, box.side(), offX, offY, sharpness, mean, darkFraction, brightFraction,
                yaw, pitch, failures);
    }

    /** Variance of the 4-neighbour Laplacian over the crop's interior: low when edges are soft. */
    static double laplacianVariance(float[] grey, int size) {
        double sum = 0, sumSq = 0;
        int n = 0;
        for (int y = 1; y < size - 1; y++) {
            for (int x = 1; x < size - 1; x++) {
                int i = y * size + x;
                double lap = grey[i - 1] + grey[i + 1] + grey[i - size] + grey[i + size] - 4.0 * grey[i];
                sum += lap;
                sumSq += lap * lap;
                n++;
            }
        }
        double mean = sum / n;
        return sumSq / n - mean * mean;
    }
}
