package org.countersign.biometrics.eval;

import org.countersign.biometrics.api.ReasonCode;

/** An image the engine refused; counted as a failure to extract, not silently skipped. */
public record ExtractionFailure(String source, ReasonCode reason, String detail) {}
