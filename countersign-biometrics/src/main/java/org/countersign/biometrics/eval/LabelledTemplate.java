package org.countersign.biometrics.eval;

import java.util.Objects;
import org.countersign.biometrics.api.Template;

/** A template with the subject it belongs to and the name of the image it came from. */
public record LabelledTemplate(String subject, String source, Template template) {
    public LabelledTemplate {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(template, "template");
    }
}
