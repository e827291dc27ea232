package org.countersign.biometrics.eval;

import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Template;

/** Scores a probe against a reference; higher means more alike. */
@FunctionalInterface
public interface Scorer {
    double score(Template probe, Template reference) throws BiometricException;
}
