package org.countersign.server.oob;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.Sha256;

/**
 * C-S2, X.1280 §9.2.2: codes given once at the user's first enrolment, to release a lost authenticator without the
 * relying party's help desk. Eight codes of 10 Crockford symbols (50 bits each); only salted hashes are kept, each
 * works once, and wrong guesses lock recovery for the user (see {@link OutOfBandService#recover}).
 */
final class RecoveryCodes {
    static final int COUNT = 8;
    static final int LENGTH = 10;
    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final String DOMAIN = "countersign-oob-recovery-code-v1";

    record Generated(List<String> display, List<ByteArray> hashes) {}

    private final SecureRandom random;

    RecoveryCodes(SecureRandom random) {
        this.random = random;
    }

    Generated generate(String tenantId, String userId) {
        List<String> display = new ArrayList<>();
        List<ByteArray> hashes = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            String code = Crockford.random(LENGTH, random);
            display.add(Crockford.grouped(code, 5));
            hashes.add(hash(tenantId, userId, code));
        }
        return new Generated(List.copyOf(display), List.copyOf(hashes));
    }

    /** The stored hash of a typed code, or empty when it cannot be a recovery code at all. */
    static Optional<ByteArray> hashOfTyped(String tenantId, String userId, String typed) {
        return Crockford.normalise(typed, LENGTH).map(c -> hash(tenantId, userId, c));
    }

    private static ByteArray hash(String tenantId, String userId, String canonical) {
        // Tenant and user salt the hash, so equal codes of two users never share a stored value.
        return Sha256.labelled(DOMAIN, tenantId, userId, canonical);
    }
}
