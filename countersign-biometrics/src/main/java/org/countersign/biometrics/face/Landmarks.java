package org.countersign.biometrics.face;

import java.util.Arrays;

/**
 * The 68 facial landmarks in image pixels, numbered as in the iBUG 300-W mark-up (0-based: jaw 0–16, brows
 * 17–26, nose 27–35, eyes 36–47, outer lips 48–59, inner lips 60–67). Points 36–41 are the subject's right eye,
 * which appears on the image's left in an unmirrored frame.
 */
public final class Landmarks {
    public static final int COUNT = 68;
    private final float[] xy;

    private Landmarks(float[] xy) {
        this.xy = xy;
    }

    /** From 136 interleaved values x0, y0, x1, y1, … (copied). */
    public static Landmarks of(float[] interleaved) {
        if (interleaved.length != 2 * COUNT) {
            throw new IllegalArgumentException("expected " + 2 * COUNT + " values, got " + interleaved.length);
        }
        return new Landmarks(interleaved.clone());
    }

    public double x(int point) {
        return xy[2 * point];
    }

    public double y(int point) {
        return xy[2 * point + 1];
    }

    /** Euclidean distance between two points. */
    public double distance(int a, int b) {
        return Math.hypot(x(a) - x(b), y(a) - y(b));
    }

    /** Interleaved copy x0, y0, x1, y1, …. */
    public float[] toArray() {
        return xy.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Landmarks other && Arrays.equals(xy, other.xy);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(xy);
    }

    @Override
    public String toString() {
        return "Landmarks[68 points]";
    }
}
