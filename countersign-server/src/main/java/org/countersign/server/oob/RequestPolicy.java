package org.countersign.server.oob;

import java.util.Locale;

/**
 * C-S4, X.1280 §9.2.4: what happens to a new request while another of the same user is still being shown. Either
 * choice stops a false request (§9.1.5) from being slipped in beside the user's own.
 */
enum RequestPolicy {
    /** Refuse the new request (409 {@code oob-request-pending}). The default. */
    BLOCK,
    /** Keep it behind the current one; its window starts when it reaches the front. */
    QUEUE;

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static RequestPolicy ofWire(String s) {
        return switch (s) {
            case "block" -> BLOCK;
            case "queue" -> QUEUE;
            default -> throw new IllegalArgumentException("concurrentRequests must be 'block' or 'queue'");
        };
    }
}
