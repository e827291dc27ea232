package org.countersign.server.local;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The assurance of one local-mode authentication as a vector, not a single level (27553-1 C.1.3; requirement
 * B-S2): matcher false-match rate at its operating threshold, presentation-attack detection, how the credential
 * is protected on the device, modality, reference transformation level (Table C.2) and attestation status (the
 * "proof keys" of C.1.2). Unknown components stay {@code null}: a WebAuthn platform authenticator does not say
 * which modality or matcher it used, and we do not guess.
 *
 * @param fmr               false-match rate at the operating threshold, or null when the device does not tell
 * @param pad               presentation-attack detection as attested by the device
 * @param credentialProtection where the private key lives
 * @param modality          face, fingerprint, ... or "unknown"
 * @param transformLevel    Table C.2 strength level 1 (none), 2 (irreversible), 3 (renewable), or null
 * @param attestation       none, self or trusted (chains to a root this tenant trusts)
 */
public record AssuranceVector(Double fmr, Pad pad, Protection credentialProtection, String modality,
        Integer transformLevel, Attestation attestation) {

    /** PAD used on the device, with its error rates from evaluation (ISO/IEC 30107-3) when known. */
    public record Pad(boolean used, Double apcer, Double bpcer) {
        public static final Pad UNKNOWN = new Pad(false, null, null);
    }

    public enum Protection {
        UNKNOWN, SOFTWARE, HARDWARE_BACKED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @JsonCreator
        public static Protection parse(String s) {
            for (Protection p : values()) {
                if (p.wire().equals(s)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("credentialProtection must be unknown, software or hardware-backed");
        }
    }

    public enum Attestation {
        NONE, SELF, TRUSTED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Attestation parse(String s) {
            for (Attestation a : values()) {
                if (a.wire().equals(s)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("attestation must be none, self or trusted");
        }
    }

    public AssuranceVector {
        if (fmr != null && !(fmr > 0 && fmr <= 1)) {
            throw new IllegalArgumentException("fmr must lie in (0, 1]");
        }
        if (transformLevel != null && (transformLevel < 1 || transformLevel > 3)) {
            throw new IllegalArgumentException("transformLevel must be 1, 2 or 3 (27553-1 Table C.2)");
        }
        pad = pad == null ? Pad.UNKNOWN : pad;
        credentialProtection = credentialProtection == null ? Protection.UNKNOWN : credentialProtection;
        modality = modality == null ? "unknown" : modality;
    }

    /**
     * The components that fall short of {@code min}, as short reasons; empty when the vector meets it. A component
     * the device did not report never satisfies a stated minimum.
     */
    public List<String> shortfalls(AssuranceRequirement min) {
        List<String> out = new ArrayList<>();
        if (min == null) {
            return out;
        }
        if (min.maxFmr() != null && (fmr == null || fmr > min.maxFmr())) {
            out.add("fmr " + (fmr == null ? "unknown" : fmr) + " exceeds " + min.maxFmr());
        }
        if (Boolean.TRUE.equals(min.requirePad()) && !pad.used()) {
            out.add("presentation-attack detection not attested");
        }
        if (min.maxApcer() != null && (pad.apcer() == null || pad.apcer() > min.maxApcer())) {
            out.add("APCER " + (pad.apcer() == null ? "unknown" : pad.apcer()) + " exceeds " + min.maxApcer());
        }
        if (min.minProtection() != null && credentialProtection.ordinal() < min.minProtection().ordinal()) {
            out.add("credential protection " + credentialProtection.wire() + " below " + min.minProtection().wire());
        }
        if (min.minTransformLevel() != null && (transformLevel == null || transformLevel < min.minTransformLevel())) {
            out.add("reference transformation level " + (transformLevel == null ? "unknown" : transformLevel)
                    + " below " + min.minTransformLevel());
        }
        if (min.minAttestation() != null && attestation.ordinal() < min.minAttestation().ordinal()) {
            out.add("attestation " + attestation.wire() + " below " + min.minAttestation().wire());
        }
        if (min.modalities() != null && !min.modalities().isEmpty() && !min.modalities().contains(modality)) {
            out.add("modality " + modality + " not accepted");
        }
        return out;
    }
}
