package org.countersign.server.oob;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.store.Jdbc;

/**
 * The registration information of X.1280 §8.1 steps 6–11: a one-time code of 12 Crockford base32 symbols
 * (60 random bits). Only its SHA-256 is stored; it is single use and expires. Guessing is bounded per client
 * address: {@value #MAX_FAILURES} wrong codes within {@link #WINDOW} lock that address out until the oldest of them
 * leaves the window, even for the right code.
 */
final class EnrolmentCodes {
    static final int LENGTH = 12;
    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final String DOMAIN = "countersign-oob-enrolment-code-v1";

    record Issued(String enrolmentId, String code, Instant expiresAt) {
        String displayCode() {
            return Crockford.grouped(code, 4);
        }
    }

    record Claimed(String enrolmentId, String tenantId, String userId) {}

    private final Jdbc jdbc;
    private final SecureRandom random;
    private final Clock clock;

    EnrolmentCodes(Jdbc jdbc, SecureRandom random, Clock clock) {
        this.jdbc = jdbc;
        this.random = random;
        this.clock = clock;
    }

    Issued issue(String tenantId, String userId, Duration validity) {
        String code = Crockford.random(LENGTH, random);
        String id = Ids.enrolment(random);
        Instant now = clock.instant();
        Instant expires = now.plus(validity);
        jdbc.update("insert into oob_enrolment_codes (enrolment_id, tenant_id, user_id, code_hash, created_at, expires_at)"
                + " values (?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, id);
                    ps.setString(2, tenantId);
                    ps.setString(3, userId);
                    ps.setBytes(4, hash(code).toByteArray());
                    ps.setTimestamp(5, Timestamp.from(now));
                    ps.setTimestamp(6, Timestamp.from(expires));
                });
        return new Issued(id, code, expires);
    }

    /** Seconds the address must wait, or 0 if it may try a code now. */
    long lockedForSeconds(String clientIp) {
        Instant now = clock.instant();
        List<Instant> failures = jdbc.query("select failed_at from oob_enrolment_failures where client_ip = ? and failed_at > ?"
                + " order by failed_at desc limit ?", ps -> {
                    ps.setString(1, clientIp);
                    ps.setTimestamp(2, Timestamp.from(now.minus(WINDOW)));
                    ps.setInt(3, MAX_FAILURES);
                }, rs -> rs.getTimestamp(1).toInstant());
        if (failures.size() < MAX_FAILURES) {
            return 0;
        }
        // Unlocked once the oldest of the last MAX_FAILURES failures leaves the window.
        Instant unlock = failures.get(MAX_FAILURES - 1).plus(WINDOW);
        return Math.max(1, Duration.between(now, unlock).toSeconds() + 1);
    }

    void recordFailure(String clientIp) {
        Instant now = clock.instant();
        jdbc.update("insert into oob_enrolment_failures (client_ip, failed_at) values (?, ?)", ps -> {
            ps.setString(1, clientIp);
            ps.setTimestamp(2, Timestamp.from(now));
        });
    }

    /** Consumes a typed code inside the caller's transaction: empty when unknown, used or expired. */
    Optional<Claimed> claim(Connection c, String typed, Instant now) throws SQLException {
        Optional<String> canonical = Crockford.normalise(typed, LENGTH);
        if (canonical.isEmpty()) {
            return Optional.empty();
        }
        List<Claimed> rows = Jdbc.query(c, "update oob_enrolment_codes set used_at = ? where code_hash = ? and used_at is null"
                + " and expires_at > ? returning enrolment_id, tenant_id, user_id", ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setBytes(2, hash(canonical.get()).toByteArray());
                    ps.setTimestamp(3, Timestamp.from(now));
                }, rs -> new Claimed(rs.getString(1), rs.getString(2), rs.getString(3)));
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    void purge(Instant now) {
        jdbc.update("delete from oob_enrolment_failures where failed_at < ?", ps -> ps.setTimestamp(1, Timestamp.from(now.minus(WINDOW))));
    }

    private static ByteArray hash(String canonicalCode) {
        return Hashes.sha256(DOMAIN, canonicalCode);
    }
}
