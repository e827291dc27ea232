package org.countersign.server.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.countersign.core.audit.AuditChain;
import org.countersign.core.audit.AuditEvent;
import org.countersign.core.audit.AuditRow;
import org.countersign.core.audit.AuditVerifier;
import org.countersign.core.audit.Checkpoint;
import org.countersign.core.audit.CheckpointSigner;
import org.countersign.core.audit.VerificationResult;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only, hash-chained audit log (A-G4) on PostgreSQL.
 *
 * <p>Every append must extend the single chain head, so appends are serialised by a row lock on
 * {@code audit_head} — which also keeps several nodes on one database in one chain. To reach thousands of
 * audited requests per second, callers hand events to one writer thread per node that appends whole batches in
 * one transaction (group commit); {@link #record} returns only once its event is durable.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final int BATCH = 512;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final CheckpointSigner signer;
    private final ByteArray checkpointPublicKey;
    private final int checkpointEvery;
    private final Clock clock;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(16_384);
    private final Thread writer;
    private volatile boolean running = true;
    private final io.micrometer.core.instrument.DistributionSummary batchSizes;
    private final io.micrometer.core.instrument.Timer batchTimes;
    private final io.micrometer.core.instrument.Timer waitTimes;

    private record Pending(AuditEvent event, CompletableFuture<Long> done) {}

    public AuditLog(DataSource dataSource, CheckpointSigner signer, int checkpointEvery, Clock clock,
            io.micrometer.core.instrument.MeterRegistry meters) {
        this.dataSource = dataSource;
        // Group-commit health: how many events share a transaction, how long one takes, how long callers wait.
        this.batchSizes = io.micrometer.core.instrument.DistributionSummary.builder("countersign.audit.batch.events")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.batchTimes = io.micrometer.core.instrument.Timer.builder("countersign.audit.batch.duration")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.waitTimes = io.micrometer.core.instrument.Timer.builder("countersign.audit.record.wait")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.signer = signer;
        this.checkpointPublicKey = signer.publicKey();
        this.checkpointEvery = checkpointEvery;
        this.clock = clock;
        this.writer = new Thread(this::writeLoop, "audit-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Appends one event and waits until it is committed.
     *
     * @return the event's sequence number in the chain
     * @throws StoreException when the event could not be made durable in time (the caller must fail the request)
     */
    public long record(AuditEvent event) {
        Pending p = new Pending(normalise(event), new CompletableFuture<>());
        long started = System.nanoTime();
        try {
            if (!running || !queue.offer(p, 5, TimeUnit.SECONDS)) {
                throw new StoreException("audit log is not accepting events", null);
            }
            long seq = p.done().get(10, TimeUnit.SECONDS);
            waitTimes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            return seq;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while writing the audit log", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new StoreException("audit event not written: " + e.getMessage(), e);
        }
    }

    /** Convenience builder for the common case. */
    public long record(String tenantId, String actor, String action, String subject, String outcome, String requestId,
            Map<String, String> details) {
        return record(new AuditEvent(clock.instant(), tenantId, actor, action, subject, outcome, requestId, details));
    }

    // PostgreSQL keeps microseconds; hash exactly what will be read back.
    private static AuditEvent normalise(AuditEvent e) {
        return new AuditEvent(e.time().truncatedTo(ChronoUnit.MICROS), e.tenantId(), e.actor(), e.action(), e.subject(),
                e.outcome(), e.requestId() == null ? "" : e.requestId(), new TreeMap<>(e.details()));
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                long t0 = System.nanoTime();
                appendBatch(batch);
                batchTimes.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                batchSizes.record(batch.size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception | LinkageError e) {
                // The writer must outlive any failing batch: its callers fail, later events still get written.
                LOG.error("audit batch of {} events failed: {}", batch.size(), e.toString());
                for (Pending p : batch) {
                    p.done().completeExceptionally(e);
                }
            } finally {
                batch.clear();
            }
        }
    }

    // The chain head as this node last wrote it; touched only by the writer thread. -1 = unknown, read it.
    private long headSeq = -1;
    private ByteArray headHash;

    /**
     * Appends one batch in one transaction. The head is advanced first with a compare-and-set on its sequence
     * number, which also takes the row lock that serialises writers across nodes; when another node moved the head
     * meanwhile, nothing is written and the batch is retried from the fresh head.
     */
    private void appendBatch(List<Pending> batch) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            if (headSeq < 0) {
                readHead();
            }
            long[] seqs = new long[batch.size()];
            ByteArray[] prevs = new ByteArray[batch.size()];
            ByteArray[] hashes = new ByteArray[batch.size()];
            List<Checkpoint> checkpoints = new ArrayList<>();
            long seq = headSeq;
            ByteArray hash = headHash;
            for (int i = 0; i < batch.size(); i++) {
                prevs[i] = hash;
                hash = AuditChain.link(hash, batch.get(i).event());
                seqs[i] = ++seq;
                hashes[i] = hash;
                if (seq % checkpointEvery == 0) {
                    checkpoints.add(signer.sign(seq, hash, clock.instant().truncatedTo(ChronoUnit.MICROS)));
                }
            }
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    int moved;
                    try (PreparedStatement ps = c.prepareStatement(
                            "update audit_head set seq = ?, hash = ? where id = 1 and seq = ?")) {
                        ps.setLong(1, seq);
                        ps.setBytes(2, hash.toByteArray());
                        ps.setLong(3, headSeq);
                        moved = ps.executeUpdate();
                    }
                    if (moved == 0) {
                        c.rollback();
                        headSeq = -1; // another node appended: start again from its head
                        if (attempt < 50) {
                            continue;
                        }
                        throw new SQLException("audit head kept moving; gave up after " + attempt + " attempts");
                    }
                    insertRows(c, batch, seqs, prevs, hashes);
                    insertCheckpoints(c, checkpoints);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    headSeq = -1;
                    throw e;
                }
            }
            headSeq = seq;
            headHash = hash;
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(seqs[i]);
            }
            return;
        }
    }

    private void readHead() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select seq, hash from audit_head where id = 1")) {
            rs.next();
            headSeq = rs.getLong(1);
            headHash = ByteArray.copyOf(rs.getBytes(2));
        }
    }

    private static void insertRows(Connection c, List<Pending> batch, long[] seqs, ByteArray[] prevs, ByteArray[] hashes)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into audit_events (seq, event_time, tenant_id, actor,"
                + " action, subject, outcome, request_id, details, prev_hash, hash)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)")) {
            for (int i = 0; i < batch.size(); i++) {
                AuditEvent e = batch.get(i).event();
                ps.setLong(1, seqs[i]);
                ps.setTimestamp(2, Timestamp.from(e.time()));
                ps.setString(3, e.tenantId());
                ps.setString(4, e.actor());
                ps.setString(5, e.action());
                ps.setString(6, e.subject());
                ps.setString(7, e.outcome());
                ps.setString(8, e.requestId());
                try {
                    ps.setString(9, JSON.writeValueAsString(e.details()));
                } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                    throw new SQLException("cannot encode audit details", ex);
                }
                ps.setBytes(10, prevs[i].toByteArray());
                ps.setBytes(11, hashes[i].toByteArray());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Signs a checkpoint at the current head now (at shutdown, and on demand), so a truncated tail is detectable. */
    public void checkpointNow() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select seq, hash from audit_head where id = 1 for update")) {
                rs.next();
                long seq = rs.getLong(1);
                if (seq > 0) {
                    insertCheckpoints(c, List.of(signer.sign(seq, ByteArray.copyOf(rs.getBytes(2)),
                            clock.instant().truncatedTo(ChronoUnit.MICROS))));
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot write audit checkpoint: " + e.getMessage(), e);
        }
    }

    private static void insertCheckpoints(Connection c, List<Checkpoint> checkpoints) throws SQLException {
        if (checkpoints.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("insert into audit_checkpoints (seq, hash, created_at, signature)"
                + " values (?, ?, ?, ?) on conflict (seq) do nothing")) {
            for (Checkpoint cp : checkpoints) {
                ps.setLong(1, cp.seq());
                ps.setBytes(2, cp.hash().toByteArray());
                ps.setTimestamp(3, Timestamp.from(cp.time()));
                ps.setBytes(4, cp.signature().toByteArray());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Walks the whole chain and its signed checkpoints. */
    public VerificationResult verify() {
        return verify(dataSource, checkpointPublicKey);
    }

    /** Verifies the chain in {@code dataSource} against the checkpoint public key (used by the CLI too). */
    public static VerificationResult verify(DataSource dataSource, ByteArray checkpointPublicKey) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // lets the driver stream with a fetch size
            List<Checkpoint> checkpoints = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select seq, hash, created_at, signature from audit_checkpoints order by seq")) {
                while (rs.next()) {
                    checkpoints.add(new Checkpoint(rs.getLong(1), ByteArray.copyOf(rs.getBytes(2)),
                            rs.getTimestamp(3).toInstant(), ByteArray.copyOf(rs.getBytes(4))));
                }
            }
            // Rows in sequence order: a swapped, edited or missing row breaks the hash links at its own seq.
            try (Statement s = c.createStatement()) {
                s.setFetchSize(1000);
                try (ResultSet rs = s.executeQuery("select * from audit_events order by seq")) {
                    VerificationResult r = AuditVerifier.verify(rows(rs), checkpoints, checkpointPublicKey);
                    c.commit();
                    return r;
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit log: " + e.getMessage(), e);
        } catch (RowReadException e) {
            throw new StoreException("cannot read the audit log: " + e.getMessage(), e);
        }
    }

    private static final class RowReadException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RowReadException(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static Iterator<AuditRow> rows(ResultSet rs) {
        return new Iterator<>() {
            private Boolean hasNext;

            @Override
            public boolean hasNext() {
                if (hasNext == null) {
                    try {
                        hasNext = rs.next();
                    } catch (SQLException e) {
                        throw new RowReadException(e);
                    }
                }
                return hasNext;
            }

            @Override
            public AuditRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                hasNext = null;
                try {
                    Map<String, String> details = JSON.readValue(rs.getString("details"), new TypeReference<TreeMap<String, String>>() { });
                    AuditEvent e = new AuditEvent(rs.getTimestamp("event_time").toInstant(), rs.getString("tenant_id"),
                            rs.getString("actor"), rs.getString("action"), rs.getString("subject"), rs.getString("outcome"),
                            rs.getString("request_id"), details);
                    return new AuditRow(rs.getLong("seq"), e, ByteArray.copyOf(rs.getBytes("prev_hash")),
                            ByteArray.copyOf(rs.getBytes("hash")));
                } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new RowReadException(e);
                }
            }
        };
    }

    /** Number of events in the chain (head sequence). */
    public long size() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select seq from audit_head where id = 1")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit head: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            checkpointNow();
        } catch (StoreException e) {
            LOG.warn("no closing audit checkpoint: {}", e.getMessage());
        }
    }

}
