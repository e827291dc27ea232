package org.countersign.biometrics.face;

/**
 * A square face box in image pixels (it may reach past the image edge for faces cut by the frame), with the
 * detector's confidence.
 */
public record FaceBox(double x, double y, double side, double score) {
    public double centreX() {
        return x + side / 2;
    }

    public double centreY() {
        return y + side / 2;
    }

    public double area() {
        return side * side;
    }
}
