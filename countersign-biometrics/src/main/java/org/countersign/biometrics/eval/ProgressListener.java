package org.countersign.biometrics.eval;

/** Receives progress of a long evaluation (for a progress bar). Called from the evaluating thread. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (phase, done, total) -> {};

    void progress(String phase, int done, int total);
}
