package org.countersign.biometrics.face.internal;

import org.countersign.biometrics.face.Landmarks;

/** Measures taken from the 68 landmarks alone (iBUG numbering, 0-based). */
public final class FaceGeometry {
    private FaceGeometry() {}

    /**
     * Yaw proxy: where the nose tip (30) sits between the jaw ends (0 and 16), mapped to [−1, 1]; 0 is frontal.
     * Mirroring the image flips its sign.
     */
    public static double yaw(Landmarks p) {
        double span = p.x(16) - p.x(0);
        if (Math.abs(span) < 1e-6) {
            return 0;
        }
        return 2 * (p.x(30) - p.x(0)) / span - 1;
    }

    /** Pitch proxy: nose-tip height between the eye line (0) and the mouth-corner line (1). */
    public static double pitch(Landmarks p) {
        double eyeY = (eyeCentreY(p, 36) + eyeCentreY(p, 42)) / 2;
        double mouthY = (p.y(48) + p.y(54)) / 2;
        double span = mouthY - eyeY;
        if (Math.abs(span) < 1e-6) {
            return 0;
        }
        return (p.y(30) - eyeY) / span;
    }

    /** Eye aspect ratio of the six points starting at {@code first} (36 or 42): lid opening over eye width. */
    public static double eyeAspect(Landmarks p, int first) {
        double width = p.distance(first, first + 3);
        if (width < 1e-6) {
            return 0;
        }
        return (p.distance(first + 1, first + 5) + p.distance(first + 2, first + 4)) / (2 * width);
    }

    /** Mouth aspect ratio on the inner lips: mean of the three openings (61–67, 62–66, 63–65) over 60–64. */
    public static double mouthAspect(Landmarks p) {
        double width = p.distance(60, 64);
        if (width < 1e-6) {
            return 0;
        }
        return (p.distance(61, 67) + p.distance(62, 66) + p.distance(63, 65)) / (3 * width);
    }

    /** Eye centre from the four lid points (first+1, first+2, first+4, first+5). */
    public static double eyeCentreX(Landmarks p, int first) {
        return (p.x(first + 1) + p.x(first + 2) + p.x(first + 4) + p.x(first + 5)) / 4;
    }

    public static double eyeCentreY(Landmarks p, int first) {
        return (p.y(first + 1) + p.y(first + 2) + p.y(first + 4) + p.y(first + 5)) / 4;
    }

    /**
     * The five alignment points in the ArcFace template's order: subject's right eye (image left), left eye,
     * nose tip, right mouth corner, left mouth corner; each as x, y. Mouth corners average outer and inner lip
     * corners (48/60 and 54/64) to steady them.
     */
    public static double[] fivePoints(Landmarks p) {
        return new double[] {
            eyeCentreX(p, 36), eyeCentreY(p, 36),
            eyeCentreX(p, 42), eyeCentreY(p, 42),
            p.x(30), p.y(30),
            (p.x(48) + p.x(60)) / 2, (p.y(48) + p.y(60)) / 2,
            (p.x(54) + p.x(64)) / 2, (p.y(54) + p.y(64)) / 2,
        };
    }
}
