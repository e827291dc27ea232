package org.countersign.server.remote;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.countersign.biometrics.liveness.MotionSignature;
import org.countersign.biometrics.liveness.ReplaySignatureStore;
import org.countersign.server.store.Jdbc;

/**
 * Motion signatures of earlier liveness submissions in the database, shared by every node (X.1279 App. III
 * item 4): a re-encoded recording presented to any node is compared with what every node has seen for that user.
 * Only the quantised motion trace is stored (12 bytes a frame), nothing from which a face could be rebuilt.
 */
public final class JdbcReplaySignatureStore implements ReplaySignatureStore {
    private final Jdbc jdbc;
    private final Duration retention;

    public JdbcReplaySignatureStore(Jdbc jdbc, Duration retention) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.retention = Objects.requireNonNull(retention, "retention");
    }

    @Override
    public List<MotionSignature> recent(String subject, Instant since, int limit) {
        return jdbc.query("select signature from remote_replay_signatures where subject = ? and seen_at >= ?"
                + " order by seen_at desc, id desc limit ?", ps -> {
                    ps.setString(1, subject);
                    ps.setTimestamp(2, Timestamp.from(since));
                    ps.setInt(3, limit);
                }, rs -> MotionSignature.decode(rs.getBytes(1)));
    }

    @Override
    public void add(String subject, MotionSignature signature, Instant seenAt) {
        jdbc.update("insert into remote_replay_signatures (subject, signature, seen_at) values (?, ?, ?)", ps -> {
            ps.setString(1, subject);
            ps.setBytes(2, signature.encode());
            ps.setTimestamp(3, Timestamp.from(seenAt));
        });
    }

    /** Forgets signatures older than the retention period; returns how many went. */
    public int purge(Instant now) {
        return jdbc.update("delete from remote_replay_signatures where seen_at < ?",
                ps -> ps.setTimestamp(1, Timestamp.from(now.minus(retention))));
    }
}
