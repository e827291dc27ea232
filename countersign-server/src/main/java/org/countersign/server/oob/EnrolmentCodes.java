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
import org.countersign.core.bytes.Sha256;
import org.countersign.server.store.Jdbc;

/**
 * The registration information of X.1280 §8.1 steps 6–11: a one-time code of 12 Crockford base32 symbols
 * (60 random bits). Only its SHA-256 is stored, with its first {@value #PREFIX} symbols in clear; it is single use
 * and expires.
 *
 * <p>Guessing (D-1) is bounded without letting one client lock out everyone who shares its address (a proxy or NAT):
 * a wrong code whose first symbols match an open enrolment is charged to that enrolment and its user;
 * {@value #MAX_FAILURES} such failures lock the enrolment and {@value #MAX_USER_FAILURES} lock all the user's
 * enrolments, even for the right code, until the oldest leaves {@link #WINDOW}. A wrong code that matches no open
 * enrolment could never have succeeded; it is charged to the address, which after {@value #MAX_FAILURES} of them is
 * refused further blind guesses, and an address with {@value #MAX_ADDRESS_FAILURES} charged failures (one sweeping
 * many enrolments) is refused everything. The right code of an enrolment nobody attacked always works.
 */
final class EnrolmentCodes {
    static final int LENGTH = 12;
    static final int MAX_FAILURES = 5;
    static final int MAX_USER_FAILURES = 10;
    static final int MAX_ADDRESS_FAILURES = 20;
    static final int PREFIX = 4;
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final String DOMAIN = "countersign-oob-enrolment-code-v1";

    record Issued(String enrolmentId, String code, Instant expiresAt) {
        String displayCode() {
            return Crockford.grouped(code, 4);
        }
    }

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
        jdbc.update("insert into oob_enrolment_codes (enrolment_id, tenant_id, user_id, code_hash, created_at, expires_at,"
                + " code_prefix) values (?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, id);
                    ps.setString(2, tenantId);
                    ps.setString(3, userId);
                    ps.setBytes(4, hash(code).toByteArray());
                    ps.setTimestamp(5, Timestamp.from(now));
                    ps.setTimestamp(6, Timestamp.from(expires));
                    ps.setString(7, code.substring(0, PREFIX));
                });
        return new Issued(id, code, expires);
    }

    /** An open enrolment a typed code aims at (same first symbols). */
    record Target(String enrolmentId, String tenantId, String userId) {}

    /** Open enrolments whose code starts like the typed one; empty for a code that cannot be right. */
    List<Target> targets(String typed) {
        Optional<String> canonical = Crockford.normalise(typed, LENGTH);
        if (canonical.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        return jdbc.query("select enrolment_id, tenant_id, user_id from oob_enrolment_codes where code_prefix = ?"
                + " and used_at is null and expires_at > ? limit 8", ps -> {
                    ps.setString(1, canonical.get().substring(0, PREFIX));
                    ps.setTimestamp(2, Timestamp.from(now));
                }, rs -> new Target(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    /** A refusal before the code is looked at: how long to wait and what is locked. */
    record Lock(long retryAfterSeconds, String scope) {}

    /** Whether this attempt is refused by a lock, checked before the code itself. */
    Optional<Lock> lock(String clientIp, List<Target> targets) {
        Instant now = clock.instant();
        if (targets.isEmpty()) {
            return seconds("client_ip = ? and enrolment_id is null", ps -> ps.setString(2, clientIp), MAX_FAILURES, now)
                    .map(s -> new Lock(s, "from this address"));
        }
        Optional<Long> address = seconds("client_ip = ? and enrolment_id is not null", ps -> ps.setString(2, clientIp),
                MAX_ADDRESS_FAILURES, now);
        if (address.isPresent()) {
            return Optional.of(new Lock(address.get(), "from this address"));
        }
        for (Target t : targets) {
            Optional<Long> enrolment = seconds("enrolment_id = ?", ps -> ps.setString(2, t.enrolmentId()), MAX_FAILURES, now);
            if (enrolment.isPresent()) {
                return Optional.of(new Lock(enrolment.get(), "for this enrolment"));
            }
            Optional<Long> user = seconds("tenant_id = ? and user_id = ?", ps -> {
                ps.setString(2, t.tenantId());
                ps.setString(3, t.userId());
            }, MAX_USER_FAILURES, now);
            if (user.isPresent()) {
                return Optional.of(new Lock(user.get(), "for this user"));
            }
        }
        return Optional.empty();
    }

    private Optional<Long> seconds(String where, Jdbc.Binder bind, int max, Instant now) {
        // The window bound is parameter 1; the scope's parameters follow from 2.
        List<Instant> failures = jdbc.query("select failed_at from oob_enrolment_failures where failed_at > ? and " + where
                + " order by failed_at desc limit " + max, ps -> {
                    ps.setTimestamp(1, Timestamp.from(now.minus(WINDOW)));
                    bind.bind(ps);
                }, rs -> rs.getTimestamp(1).toInstant());
        if (failures.size() < max) {
            return Optional.empty();
        }
        // Unlocked once the oldest of the last `max` failures leaves the window.
        Instant unlock = failures.get(max - 1).plus(WINDOW);
        return Optional.of(Math.max(1, Duration.between(now, unlock).toSeconds() + 1));
    }

    /** Charges a wrong code to the enrolments it aimed at, or to the address alone when it aimed at none. */
    void recordFailure(String clientIp, List<Target> targets) {
        Instant now = clock.instant();
        if (targets.isEmpty()) {
            jdbc.update("insert into oob_enrolment_failures (client_ip, failed_at) values (?, ?)", ps -> {
                ps.setString(1, clientIp);
                ps.setTimestamp(2, Timestamp.from(now));
            });
            return;
        }
        for (Target t : targets) {
            jdbc.update("insert into oob_enrolment_failures (client_ip, failed_at, enrolment_id, tenant_id, user_id)"
                    + " values (?, ?, ?, ?, ?)", ps -> {
                        ps.setString(1, clientIp);
                        ps.setTimestamp(2, Timestamp.from(now));
                        ps.setString(3, t.enrolmentId());
                        ps.setString(4, t.tenantId());
                        ps.setString(5, t.userId());
                    });
        }
    }

    /** Consumes a typed code inside the caller's transaction: empty when unknown, used or expired. */
    static Optional<OobTransaction.ClaimedEnrolment> claim(OobTransaction tx, String typed, Instant now) {
        Optional<String> canonical = Crockford.normalise(typed, LENGTH);
        if (canonical.isEmpty()) {
            return Optional.empty();
        }
        return tx.claimEnrolmentCode(hash(canonical.get()), now);
    }

    /** The single-use claim in one statement, for {@link JdbcOobStore}. */
    static Optional<OobTransaction.ClaimedEnrolment> claimByHash(Connection c, ByteArray codeHash, Instant now)
            throws SQLException {
        List<OobTransaction.ClaimedEnrolment> rows = Jdbc.query(c, "update oob_enrolment_codes set used_at = ?"
                + " where code_hash = ? and used_at is null and expires_at > ? returning enrolment_id, tenant_id, user_id",
                ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setBytes(2, codeHash.toByteArray());
                    ps.setTimestamp(3, Timestamp.from(now));
                }, rs -> new OobTransaction.ClaimedEnrolment(rs.getString(1), rs.getString(2), rs.getString(3)));
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** The stored hash of a canonical code (tests seed the in-memory twin with it). */
    static ByteArray hashOf(String canonicalCode) {
        return hash(canonicalCode);
    }

    void purge(Instant now) {
        jdbc.update("delete from oob_enrolment_failures where failed_at < ?", ps -> ps.setTimestamp(1, Timestamp.from(now.minus(WINDOW))));
    }

    private static ByteArray hash(String canonicalCode) {
        return Sha256.labelled(DOMAIN, canonicalCode);
    }
}
