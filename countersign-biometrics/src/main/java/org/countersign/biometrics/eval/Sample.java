package org.countersign.biometrics.eval;

import java.nio.file.Path;
import java.util.Objects;

/** One image of a data set and the subject (identity or finger) it belongs to. */
public record Sample(String subject, Path file) {
    public Sample {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(file, "file");
    }
}
