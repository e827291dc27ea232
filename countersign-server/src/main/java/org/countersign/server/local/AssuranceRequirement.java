package org.countersign.server.local;

import java.util.List;

/**
 * The minimum assurance vector a relying party demands (B-S2). Every field is optional; a stated field must be met
 * by a component the device actually reported.
 */
public record AssuranceRequirement(Double maxFmr, Boolean requirePad, Double maxApcer,
        AssuranceVector.Protection minProtection, Integer minTransformLevel, AssuranceVector.Attestation minAttestation,
        List<String> modalities) {
    public AssuranceRequirement {
        if (maxFmr != null && !(maxFmr > 0 && maxFmr <= 1)) {
            throw new IllegalArgumentException("maxFmr must lie in (0, 1]");
        }
        if (maxApcer != null && !(maxApcer >= 0 && maxApcer <= 1)) {
            throw new IllegalArgumentException("maxApcer must lie in [0, 1]");
        }
        if (minTransformLevel != null && (minTransformLevel < 1 || minTransformLevel > 3)) {
            throw new IllegalArgumentException("minTransformLevel must be 1, 2 or 3");
        }
        modalities = modalities == null ? List.of() : List.copyOf(modalities);
    }

    public static final AssuranceRequirement NONE = new AssuranceRequirement(null, null, null, null, null, null, null);
}
