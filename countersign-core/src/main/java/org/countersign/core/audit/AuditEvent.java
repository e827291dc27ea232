package org.countersign.core.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.CanonicalWriter;

/**
 * One entry of the operation log (A-G4). {@code time} is truncated to microseconds on construction, so an event
 * read back from a database column of microsecond precision is equal to the one written and hashes the same.
 *
 * @param time      when it happened
 * @param tenantId  tenant, or {@code null} for installation-wide events
 * @param actor     who did it (user, client id, {@code system})
 * @param action    what was done (e.g. {@code otp.verify})
 * @param subject   what it was done to; may be {@code null}
 * @param outcome   result (e.g. {@code success}, {@code failure})
 * @param requestId correlation id; may be {@code null}
 * @param details   further key/value pairs (no secrets); no {@code null} keys or values
 */
public record AuditEvent(Instant time, String tenantId, String actor, String action, String subject, String outcome,
                         String requestId, Map<String, String> details) {
    private static final ByteArray DOMAIN = ByteArray.ofUtf8("countersign/audit-event/v1");

    public AuditEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        time = time.truncatedTo(ChronoUnit.MICROS);
        details = details == null ? Map.of() : Map.copyOf(details); // rejects null keys and values
    }

    /**
     * The bytes that are hashed into the chain. Layout (integers big-endian, every string as a 32-bit length
     * followed by its UTF-8 bytes, length -1 for {@code null}):
     * <ol>
     *   <li>the string {@code countersign/audit-event/v1} (as a length-prefixed byte string)</li>
     *   <li>time as a signed 64-bit count of microseconds since 1970-01-01T00:00:00Z</li>
     *   <li>tenantId, actor, action, subject, outcome, requestId</li>
     *   <li>the number of details as 32 bits, then each key and value, sorted by the key's UTF-8 bytes compared
     *       as unsigned (i.e. by Unicode code point, the same in every language)</li>
     * </ol>
     */
    public ByteArray canonicalBytes() {
        CanonicalWriter w = new CanonicalWriter().bytes(DOMAIN)
                .i64(ChronoUnit.MICROS.between(Instant.EPOCH, time))
                .string(tenantId).string(actor).string(action).string(subject).string(outcome).string(requestId)
                .i32(details.size());
        List<Map.Entry<String, String>> sorted = details.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, String> e) -> e.getKey().getBytes(StandardCharsets.UTF_8),
                        Arrays::compareUnsigned))
                .toList();
        for (Map.Entry<String, String> e : sorted) {
            w.string(e.getKey()).string(e.getValue());
        }
        return w.toByteArray();
    }
}
