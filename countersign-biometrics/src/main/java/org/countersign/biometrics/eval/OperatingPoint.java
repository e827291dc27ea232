package org.countersign.biometrics.eval;

/**
 * One decision threshold and its error rates: accept when {@code score >= threshold} (ISO/IEC 19795-1).
 *
 * @param resolvable whether the impostor count can express the target FMR at all ({@code n >= 1/target})
 * @param supported whether the impostor count meets the "rule of three" ({@code n >= 3/target}), the usual
 *     minimum to claim an FMR at 95 % confidence when few or no false matches are seen
 */
public record OperatingPoint(double targetFmr, double threshold, double fmr, double fnmr, boolean resolvable,
        boolean supported) {}
