package org.countersign.biometrics.eval;

/** The equal error rate and the score threshold where it is reached (interpolated between operating points). */
public record EqualErrorRate(double rate, double threshold) {}
