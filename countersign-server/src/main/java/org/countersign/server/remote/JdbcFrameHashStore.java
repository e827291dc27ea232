package org.countersign.server.remote;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.countersign.biometrics.liveness.FrameHashStore;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.store.Jdbc;

/**
 * Frame hashes in the database, shared by every node (X.1279 App. III item 4; A-G3): a frame presented to any
 * node is refused by all of them for the retention period. The primary key makes {@link #addIfAbsent} atomic.
 */
public final class JdbcFrameHashStore implements FrameHashStore {
    private final Jdbc jdbc;
    private final Duration retention;

    public JdbcFrameHashStore(Jdbc jdbc, Duration retention) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.retention = Objects.requireNonNull(retention, "retention");
    }

    @Override
    public boolean addIfAbsent(ByteArray frameHash, Instant seenAt) {
        return jdbc.update("insert into remote_frame_hashes (frame_hash, seen_at) values (?, ?) on conflict do nothing",
                ps -> {
                    ps.setBytes(1, frameHash.toByteArray());
                    ps.setTimestamp(2, Timestamp.from(seenAt));
                }) == 1;
    }

    /** Forgets hashes older than the retention period; returns how many went. */
    public int purge(Instant now) {
        return jdbc.update("delete from remote_frame_hashes where seen_at < ?",
                ps -> ps.setTimestamp(1, Timestamp.from(now.minus(retention))));
    }
}
