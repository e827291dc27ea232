package org.countersign.server.oob;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.oob.AuthenticatorRepository.Authenticator;
import org.countersign.server.oob.OobEvents.Event;
import org.countersign.server.oob.RequestRepository.OobRequest;
import org.countersign.server.oob.RequestRepository.Status;
import org.countersign.server.oob.UserStateRepository.UserState;

/**
 * The typed operations of the out-of-band flow inside one unit of work of an {@link OobStore}. Every operation
 * that changes a row conditionally says so and reports whether it did (compare-and-set), so a lost race is seen.
 */
public interface OobTransaction {

    /** A user with at least one overdue active request (for the sweep). */
    record UserRef(String tenantId, String userId) {}

    /** A consumed registration code (X.1280 §8.1 step 11). */
    record ClaimedEnrolment(String enrolmentId, String tenantId, String userId) {}

    /** Relay-defence state of one request (§9.1.1). */
    record RelayState(String mode, Optional<Instant> boundAt, Optional<String> authenticatorAddress,
            Optional<String> networkCheckJson) {
        public boolean bound() {
            return boundAt.isPresent();
        }
    }

    // --- the user's row: state and lock -------------------------------------------------------------------------

    /** Reads the user's state without locking it. */
    Optional<UserState> findUser(String tenantId, String userId);

    /** Reads the user's state and holds the user's lock until the unit of work ends; empty (no lock) if none. */
    Optional<UserState> lockUser(String tenantId, String userId);

    /** Creates the user's state if missing and returns it locked. */
    UserState lockOrCreateUser(String tenantId, String userId, Instant now);

    void setVerificationKey(String tenantId, String userId, Optional<String> sealed, Instant now);

    void setPasswordLoginDisabled(String tenantId, String userId, boolean disabled, Instant now);

    void setRecoveryFailures(String tenantId, String userId, int failures, Optional<Instant> windowStart, Instant now);

    /** Replaces all of the user's recovery codes (C-S2) with unused ones of these hashes. */
    void replaceRecoveryCodes(String tenantId, String userId, List<ByteArray> hashes);

    /** Marks one unused recovery code used; false if no unused code has this hash (compare-and-set). */
    boolean useRecoveryCode(String tenantId, String userId, ByteArray hash, Instant now);

    // --- requests (§8.2–§8.5) ------------------------------------------------------------------------------------

    void insertRequest(OobRequest r);

    Optional<OobRequest> findRequest(String tenantId, String requestId);

    /** Queued and pending requests of one user, oldest first (creation time, then id): the C-S4 queue order. */
    List<OobRequest> activeRequests(String tenantId, String userId);

    /** Users with an active request whose deadline is at or before {@code now}, at most {@code limit}. */
    List<UserRef> usersWithOverdue(Instant now, int limit);

    /**
     * Moves a request from {@code from} to {@code to}, setting the decision time, deciding authenticator and sealed
     * replacement password (each may be empty); false if it was no longer in {@code from} (compare-and-set).
     */
    boolean finishRequest(String tenantId, String requestId, Status from, Status to, Instant decidedAt,
            Optional<String> authenticatorId, Optional<String> replacementSealed);

    /** A queued request reaches the front: pending, window from {@code now}; false if it was not queued. */
    boolean promoteRequest(String tenantId, String requestId, Instant now, Instant expiresAt);

    /** Reads and clears the sealed replacement password in one step, so it is handed out once (C-S5). */
    Optional<String> takeReplacementPassword(String tenantId, String requestId);

    // --- authenticators (§8.1 step 11) ---------------------------------------------------------------------------

    void insertAuthenticator(Authenticator a);

    /** By id alone (the authenticator proved itself by signature; its row tells the tenant). */
    Optional<Authenticator> findAuthenticatorById(String authenticatorId);

    Optional<Authenticator> findAuthenticator(String tenantId, String userId, String authenticatorId);

    /** The user's authenticators, oldest first. */
    List<Authenticator> listAuthenticators(String tenantId, String userId);

    int countActiveAuthenticators(String tenantId, String userId);

    boolean renameAuthenticator(String tenantId, String userId, String authenticatorId, String deviceName);

    /** Revokes one active authenticator; false if missing or already revoked (compare-and-set). */
    boolean revokeAuthenticator(String tenantId, String userId, String authenticatorId, Instant now);

    /** Revokes every active authenticator of the user; returns their ids. */
    List<String> revokeAllAuthenticators(String tenantId, String userId, Instant now);

    /**
     * Counts one wrong approval signature (§9.2.3) on an active authenticator and returns the new count; at
     * {@code max} the authenticator is revoked in the same step. A missing or revoked authenticator answers
     * {@code max}.
     */
    int recordPinFailure(String authenticatorId, int max, Instant now);

    void resetPinFailures(String authenticatorId);

    void touchAuthenticator(String tenantId, String authenticatorId, Instant now);

    // --- settings, enrolment codes, relay state ------------------------------------------------------------------

    /** The tenant's settings, or {@link OobSettings#DEFAULTS}. */
    OobSettings settings(String tenantId);

    void saveSettings(String tenantId, OobSettings s);

    /** Consumes an unused, unexpired registration code by its hash (single use, compare-and-set). */
    Optional<ClaimedEnrolment> claimEnrolmentCode(ByteArray codeHash, Instant now);

    void insertRelay(String tenantId, String requestId, String mode);

    Optional<RelayState> relayState(String tenantId, String requestId);

    void recordRelayDecision(String tenantId, String requestId, String authenticatorAddress,
            Optional<String> networkCheckJson);

    /**
     * Binds the terminal of a request to the WebAuthn credential that asserted over its offset hash (§9.1.1), once;
     * false if the request has no relay state in this tenant or is bound already (compare-and-set).
     */
    boolean bindTerminal(String tenantId, String requestId, Instant boundAt, String credentialId);

    // --- announcements -------------------------------------------------------------------------------------------

    /** Announces a change to every node; heard only once this unit of work commits, never after a rollback. */
    void announce(Event e);
}
