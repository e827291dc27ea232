package org.countersign.biometrics.api;

import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/**
 * A biometric feature template as produced by one engine. {@code format} names the encoding and the model or
 * library version (for example {@code face/arcface-512/faceplugin-0.0.1} or {@code fingerprint/sourceafis-3.18.1}):
 * templates of different formats are never compared, and a stored template whose format the running engine does
 * not produce needs re-enrolment.
 */
public record Template(Modality modality, String format, ByteArray data) {
    public Template {
        Objects.requireNonNull(modality, "modality");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(data, "data");
    }
}
