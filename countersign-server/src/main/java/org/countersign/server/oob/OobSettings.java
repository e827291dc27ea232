package org.countersign.server.oob;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A tenant's out-of-band settings; {@link #DEFAULTS} apply until the tenant stores its own.
 *
 * @param codeDigits              length of the server authentication code (X.1280 §8.3: at least 6)
 * @param validitySeconds         how long a shown code may be approved (§8.3 "appropriate validity")
 * @param concurrentRequests      {@code block} or {@code queue} (C-S4, §9.2.4)
 * @param passwordRenewal         replace the password after each approval (C-S5, Annex A)
 * @param enrolmentValiditySeconds how long registration information stays usable (§8.1)
 */
public record OobSettings(Integer codeDigits, Integer validitySeconds, String concurrentRequests, Boolean passwordRenewal,
        Integer enrolmentValiditySeconds) {

    public static final OobSettings DEFAULTS = new OobSettings(6, 60, "block", false, 600);

    public OobSettings {
        if (codeDigits == null || codeDigits < 6 || codeDigits > 10) {
            throw new IllegalArgumentException("codeDigits must be 6 to 10");
        }
        if (validitySeconds == null || validitySeconds < 10 || validitySeconds > 600) {
            throw new IllegalArgumentException("validitySeconds must be 10 to 600");
        }
        if (concurrentRequests == null) {
            throw new IllegalArgumentException("concurrentRequests must be 'block' or 'queue'");
        }
        RequestPolicy.ofWire(concurrentRequests);
        if (passwordRenewal == null) {
            throw new IllegalArgumentException("passwordRenewal is required");
        }
        if (enrolmentValiditySeconds == null || enrolmentValiditySeconds < 60 || enrolmentValiditySeconds > 86_400) {
            throw new IllegalArgumentException("enrolmentValiditySeconds must be 60 to 86400");
        }
    }

    @JsonIgnore
    RequestPolicy policy() {
        return RequestPolicy.ofWire(concurrentRequests);
    }
}
