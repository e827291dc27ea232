package org.countersign.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
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
import org.countersign.server.auth.Caller;
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
 *
 * <p>Sealing: a checkpoint signed with the node's Ed25519 key is stored in the same transaction as every
 * {@code checkpointEvery}-th row, after {@code checkpointInterval} of wall time when rows were added, and at
 * {@link #close}. Before signing, the rows since the last trusted checkpoint are re-verified and the row this
 * node wrote last must still carry the hash it computed; if not, the node signs nothing over that chain and
 * instead seals the head it wrote itself, so {@code audit verify} names the tampered rows. Each checkpoint is
 * also appended to a file outside the database (when configured), which verification cross-checks.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final int BATCH = 512;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Default wall-time bound on the unsealed tail. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(60);
    /** File name of the published checkpoints in the data folder. */
    public static final String PUBLISHED_CHECKPOINTS = "audit-checkpoints.log";

    private final DataSource dataSource;
    private final CheckpointSigner signer;
    private final ByteArray checkpointPublicKey;
    private final int checkpointEvery;
    private final Duration checkpointInterval;
    private final Optional<Path> publishedCheckpoints;
    private final Clock clock;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(16_384);
    private final Thread writer;
    private volatile boolean running;
    private volatile boolean closed;
    private final DistributionSummary batchSizes;
    private final Timer batchTimes;
    private final Timer waitTimes;

    // Sealing state, shared by the writer thread and checkpointNow (which the writer and close() call).
    private volatile Checkpoint anchor;          // last checkpoint this node signed or found valid; null = genesis
    private volatile long ownSeq;                // last row this node wrote, and the hash it computed for it
    private volatile ByteArray ownHash;
    private volatile Instant lastSealAt;
    private volatile String refusal;             // why the last sealing was refused; null while all is well
    private volatile long lastPublishedSeq;
    private final Object sealLock = new Object();

    private record Pending(AuditEvent event, CompletableFuture<Long> done) {}

    /** As the full constructor, with the default interval and no published checkpoint file. */
    public AuditLog(DataSource dataSource, CheckpointSigner signer, int checkpointEvery, Clock clock,
            MeterRegistry meters) {
        this(dataSource, signer, checkpointEvery, DEFAULT_CHECKPOINT_INTERVAL, Optional.empty(), clock, meters);
    }

    /**
     * Nothing runs until {@link #start()}.
     *
     * @param checkpointEvery      sign a checkpoint with every row whose seq is a multiple of this
     * @param checkpointInterval   also sign one when rows were added and this much time passed since the last
     * @param publishedCheckpoints file outside the database to append every checkpoint to, if any
     */
    public AuditLog(DataSource dataSource, CheckpointSigner signer, int checkpointEvery, Duration checkpointInterval,
            Optional<Path> publishedCheckpoints, Clock clock, MeterRegistry meters) {
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpointEvery must be positive");
        }
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("checkpointInterval must be positive");
        }
        this.dataSource = dataSource;
        // Group-commit health: how many events share a transaction, how long one takes, how long callers wait.
        this.batchSizes = DistributionSummary.builder("countersign.audit.batch.events")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.batchTimes = Timer.builder("countersign.audit.batch.duration")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.waitTimes = Timer.builder("countersign.audit.record.wait")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.signer = signer;
        this.checkpointPublicKey = signer.publicKey();
        this.checkpointEvery = checkpointEvery;
        this.checkpointInterval = checkpointInterval;
        this.publishedCheckpoints = Objects.requireNonNull(publishedCheckpoints, "publishedCheckpoints");
        this.clock = clock;
        this.writer = new Thread(this::writeLoop, "audit-writer");
        this.writer.setDaemon(true);
    }

    /**
     * Finds the last trusted checkpoint (the newest valid one in the database or the published file) and starts
     * the writer thread. Call once.
     */
    public AuditLog start() {
        if (running || closed) {
            throw new IllegalStateException("audit log already started");
        }
        try (Connection c = dataSource.getConnection()) {
            Checkpoint best = null;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select seq, hash, created_at, signature from audit_checkpoints"
                            + " order by seq desc limit 50")) {
                while (rs.next() && best == null) {
                    Checkpoint cp = readCheckpoint(rs);
                    if (CheckpointSigner.verify(cp, checkpointPublicKey)) {
                        best = cp;
                    }
                }
            }
            for (Checkpoint cp : publishedCheckpoints.map(PublishedCheckpoints::read).orElse(List.of())) {
                if (CheckpointSigner.verify(cp, checkpointPublicKey) && (best == null || cp.seq() > best.seq())) {
                    best = cp;
                }
            }
            anchor = best;
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit checkpoints: " + e.getMessage(), e);
        }
        lastSealAt = clock.instant();
        running = true;
        writer.start();
        return this;
    }

    /** Why the last attempt to sign a checkpoint was refused (the chain no longer verified), if it was. */
    public Optional<String> sealingRefused() {
        return Optional.ofNullable(refusal);
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
            if (!running || !queue.offer(p, 5, TimeUnit.SECONDS)) { // also before start() and after close()
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

    /**
     * Starts an event of a known action; {@link Entry#record} appends it. Actor, subject and outcome are typed, so
     * they cannot be swapped the way positional strings could (and be hashed into the chain for ever).
     */
    public Entry event(AuditAction action) {
        return new Entry(action.wire());
    }

    /** Starts the event of a request the HTTP edge refused; its action is the route ({@code POST /v1/...}). */
    public Entry httpRefusal(String method, String route) {
        return new Entry(method + " " + route);
    }

    /** One event being described; not shared between threads, used once. */
    public final class Entry {
        private final String action;
        private String tenantId;
        private AuditActor actor;
        private String requestId;
        private AuditSubject subject;
        private Map<String, String> details = Map.of();

        private Entry(String action) {
            this.action = action;
        }

        /** The relying party it happened in; installation-wide events have none. */
        public Entry tenant(String tenant) {
            this.tenantId = Objects.requireNonNull(tenant, "tenant");
            return this;
        }

        public Entry tenant(Optional<String> tenant) {
            this.tenantId = tenant.orElse(null);
            return this;
        }

        public Entry by(AuditActor who, String requestId) {
            this.actor = who;
            this.requestId = requestId;
            return this;
        }

        /** The caller as actor and request id, and its relying party when it has one. */
        public Entry by(Caller caller) {
            caller.tenantId().ifPresent(this::tenant);
            return by(AuditActor.of(caller), caller.requestId());
        }

        public Entry about(AuditSubject what) {
            this.subject = what;
            return this;
        }

        /** Further key/value pairs (no secrets). */
        public Entry details(Map<String, String> more) {
            this.details = more;
            return this;
        }

        /** Appends the event and waits until it is durable; see {@link AuditLog#record(AuditEvent)}. */
        public long record(AuditOutcome outcome) {
            Objects.requireNonNull(actor, "an audit event needs an actor: call by(...)");
            return AuditLog.this.record(new AuditEvent(clock.instant(), tenantId, actor.wire(), action,
                    subject == null ? null : subject.wire(), outcome.wire(), requestId, details));
        }
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
                    sealIfDue();
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                long t0 = System.nanoTime();
                appendBatch(batch);
                batchTimes.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                batchSizes.record(batch.size());
                sealIfDue();
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
     * number, which also takes the row lock that serialises writers across nodes. When another node moved the head
     * meanwhile, the batch is retried once with the head read under that row lock ({@code for update}) in the
     * writing transaction itself, so the second attempt cannot lose again: a node that keeps its head cached
     * would otherwise win every race against one that has to read it first, and starve it.
     */
    private void appendBatch(List<Pending> batch) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    if (attempt > 0) {
                        readHead(c, true);
                    } else if (headSeq < 0) {
                        readHead(c, false);
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
                        headSeq = -1; // another node appended: once more, from its head read under the lock
                        if (attempt == 0) {
                            continue;
                        }
                        throw new SQLException("audit head moved while its row was locked");
                    }
                    if (!checkpoints.isEmpty()) {
                        // Never sign over rows that no longer verify since the last trusted checkpoint.
                        String bad = checkSince(c, headSeq, headHash);
                        if (bad != null) {
                            checkpoints.clear();
                            checkpoints.addAll(refuse(bad));
                        }
                    }
                    insertRows(c, batch, seqs, prevs, hashes);
                    insertCheckpoints(c, checkpoints);
                    c.commit();
                    headSeq = seq;
                    headHash = hash;
                    ownHash = hash;
                    ownSeq = seq;
                    sealed(checkpoints);
                    for (int i = 0; i < batch.size(); i++) {
                        batch.get(i).done().complete(seqs[i]);
                    }
                    return;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    headSeq = -1;
                    throw e;
                }
            }
        }
    }

    private void readHead(Connection c, boolean lock) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select seq, hash from audit_head where id = 1" + (lock ? " for update" : ""))) {
            rs.next();
            headSeq = rs.getLong(1);
            headHash = ByteArray.copyOf(rs.getBytes(2));
        }
        if (headSeq < ownSeq) {
            LOG.error("audit head moved back from seq {} (written by this node) to {}: rows were removed", ownSeq, headSeq);
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
                } catch (JsonProcessingException ex) {
                    throw new SQLException("cannot encode audit details", ex);
                }
                ps.setBytes(10, prevs[i].toByteArray());
                ps.setBytes(11, hashes[i].toByteArray());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** A timed checkpoint: when rows were added since the last one and the interval has passed. */
    private void sealIfDue() {
        Checkpoint a = anchor;
        long known = Math.max(ownSeq, headSeq);
        if (known > (a == null ? 0 : a.seq()) && !clock.instant().isBefore(lastSealAt.plus(checkpointInterval))) {
            try {
                checkpointNow();
            } catch (StoreException e) {
                LOG.warn("timed audit checkpoint not written: {}", e.getMessage());
            }
        }
    }

    /**
     * Signs a checkpoint at the current head now (the writer does it by time, {@link #close} at shutdown), so a
     * truncated or rewritten tail becomes detectable — unless the chain no longer verifies since the last trusted
     * checkpoint: then nothing is signed over it, the refusal is logged, and the head this node wrote itself is
     * sealed instead.
     *
     * @return true when the head was signed (or already was), false when signing was refused
     */
    public boolean checkpointNow() {
        synchronized (sealLock) {
            List<Checkpoint> written = List.of();
            boolean ok;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("select seq, hash from audit_head where id = 1 for update")) {
                    rs.next();
                    long seq = rs.getLong(1);
                    ByteArray hash = ByteArray.copyOf(rs.getBytes(2));
                    Checkpoint a = anchor;
                    String bad = seq == 0 && ownSeq == 0 ? null : checkSince(c, seq, hash);
                    if (bad != null) {
                        written = refuse(bad);
                        ok = false;
                    } else {
                        ok = true;
                        refusal = null;
                        if (seq > 0 && (a == null || a.seq() != seq)) {
                            written = List.of(signer.sign(seq, hash, clock.instant().truncatedTo(ChronoUnit.MICROS)));
                        }
                    }
                    insertCheckpoints(c, written);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new StoreException("cannot write audit checkpoint: " + e.getMessage(), e);
            }
            lastSealAt = clock.instant();
            sealed(written);
            return ok;
        }
    }

    /**
     * Re-verifies rows from the trusted checkpoint up to {@code toSeq} (which must carry {@code toHash}) and checks
     * that the last row this node wrote still has the hash it computed. Runs in the caller's transaction, after the
     * head row lock is taken, so no other writer moves the chain meanwhile.
     *
     * @return null when all holds, else why not
     */
    private String checkSince(Connection c, long toSeq, ByteArray toHash) throws SQLException {
        Checkpoint a = anchor;
        long mine = ownSeq;
        ByteArray mineHash = ownHash;
        if (mine > toSeq) {
            return "the log ends at seq " + toSeq + " but this node wrote row " + mine + ": rows were removed";
        }
        long fromSeq = a == null ? 1 : a.seq();
        List<Checkpoint> cps = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select seq, hash, created_at, signature from audit_checkpoints where seq >= ? order by seq")) {
            ps.setLong(1, fromSeq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cps.add(readCheckpoint(rs));
                }
            }
        }
        ByteArray[] mineFound = new ByteArray[1];
        Checkpoint advanced = null;
        try (PreparedStatement ps = c.prepareStatement(
                "select * from audit_events where seq >= ? and seq <= ? order by seq")) {
            ps.setFetchSize(1000);
            ps.setLong(1, fromSeq);
            ps.setLong(2, toSeq);
            try (ResultSet rs = ps.executeQuery()) {
                Iterator<AuditRow> rows = rows(rs);
                Iterator<AuditRow> watched = new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return rows.hasNext();
                    }

                    @Override
                    public AuditRow next() {
                        AuditRow r = rows.next();
                        if (r.seq() == mine) {
                            mineFound[0] = r.hash();
                        }
                        return r;
                    }
                };
                // From genesis (no checkpoint known) the interval rule applies: a long chain without any
                // checkpoint means they were deleted. After a trusted checkpoint only links and signatures matter.
                VerificationResult r = AuditVerifier.verify(watched, cps, checkpointPublicKey,
                        a == null ? checkpointEvery : AuditVerifier.NO_INTERVAL, a);
                if (r instanceof VerificationResult.Broken b) {
                    return "row " + b.firstBadSeq() + ": " + b.reason();
                }
                VerificationResult.Intact ok = (VerificationResult.Intact) r;
                if (ok.lastSeq() != toSeq || !ok.headHash().equals(toHash)) {
                    return "the head (seq " + toSeq + ") does not match row " + ok.lastSeq();
                }
                // Checkpoints other nodes signed were just matched against the rows: start there next time, so
                // each check reads about one interval of rows.
                for (Checkpoint cp : cps) {
                    if (cp.seq() <= toSeq && (a == null || cp.seq() > a.seq()) && CheckpointSigner.verify(cp, checkpointPublicKey)) {
                        a = cp;
                    }
                }
                advanced = a;
            } catch (RowReadException e) {
                return "unreadable row: " + e.getMessage();
            }
        }
        if (mine > 0 && mine >= fromSeq && (mineFound[0] == null || !mineFound[0].equals(mineHash))) {
            return "row " + mine + " no longer has the hash this node wrote";
        }
        if (advanced != null && (anchor == null || advanced.seq() > anchor.seq())) {
            anchor = advanced;
        }
        return null;
    }

    /** Logs the refusal and returns the checkpoints that record the truth this node knows. */
    private List<Checkpoint> refuse(String why) {
        refusal = why;
        LOG.error("audit chain does not verify since the last trusted checkpoint ({}); no checkpoint is signed over it."
                + " Run 'countersign audit verify' now", why);
        List<Checkpoint> truth = new ArrayList<>();
        Checkpoint a = anchor;
        if (a != null) {
            truth.add(a); // restores it if it was deleted
        }
        if (ownSeq > 0 && (a == null || ownSeq != a.seq())) {
            truth.add(signer.sign(ownSeq, ownHash, clock.instant().truncatedTo(ChronoUnit.MICROS)));
        }
        return truth;
    }

    /** After commit: the newest signed checkpoint becomes the trusted one, and each is published. */
    private void sealed(List<Checkpoint> written) {
        for (Checkpoint cp : written) {
            Checkpoint a = anchor;
            if (a == null || cp.seq() > a.seq()) {
                if (refusal == null || cp.seq() != ownSeq) {
                    anchor = cp;
                }
            }
            if (cp.seq() > lastPublishedSeq) {
                lastPublishedSeq = cp.seq();
                try {
                    publishedCheckpoints.ifPresent(f -> PublishedCheckpoints.append(f, cp));
                } catch (StoreException e) {
                    LOG.error("audit checkpoint at seq {} is in the database but not published: {}", cp.seq(), e.getMessage());
                }
            }
        }
        if (!written.isEmpty()) {
            lastSealAt = clock.instant();
        }
    }

    private static Checkpoint readCheckpoint(ResultSet rs) throws SQLException {
        return new Checkpoint(rs.getLong(1), ByteArray.copyOf(rs.getBytes(2)), rs.getTimestamp(3).toInstant(),
                ByteArray.copyOf(rs.getBytes(4)));
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

    /**
     * What a verification checks besides the hash links.
     *
     * @param checkpointEvery      the writers' interval: more rows than this without a valid checkpoint fails
     * @param publishedCheckpoints the file of published checkpoints to cross-check, when it exists
     * @param fromCheckpoint       start at the valid checkpoint with this seq instead of row 1 (incremental)
     * @param pinnedFingerprint    the checkpoint key fingerprint the operator expects; empty = not pinned
     */
    public record VerifyOptions(long checkpointEvery, Optional<Path> publishedCheckpoints, Optional<Long> fromCheckpoint,
                                Optional<String> pinnedFingerprint) {
        public VerifyOptions {
            Objects.requireNonNull(publishedCheckpoints, "publishedCheckpoints");
            Objects.requireNonNull(fromCheckpoint, "fromCheckpoint");
            Objects.requireNonNull(pinnedFingerprint, "pinnedFingerprint");
        }

        public static VerifyOptions full(long checkpointEvery, Optional<Path> publishedCheckpoints) {
            return new VerifyOptions(checkpointEvery, publishedCheckpoints, Optional.empty(), Optional.empty());
        }
    }

    /** Walks the whole chain and its signed checkpoints with this node's key, interval and published file. */
    public VerificationResult verify() {
        return verify(dataSource, checkpointPublicKey, VerifyOptions.full(checkpointEvery, publishedCheckpoints));
    }

    /**
     * Verifies the chain in {@code dataSource} against the checkpoint public key (used by the CLI too).
     *
     * @throws IllegalArgumentException when {@code fromCheckpoint} names no valid checkpoint
     */
    public static VerificationResult verify(DataSource dataSource, ByteArray checkpointPublicKey, VerifyOptions o) {
        if (o.pinnedFingerprint().isPresent()) {
            String actual = CheckpointSigner.fingerprint(checkpointPublicKey);
            if (!CheckpointSigner.sameFingerprint(o.pinnedFingerprint().get(), actual)) {
                // Every signature it would check could come from whoever replaced the key: nothing is proven.
                return new VerificationResult.Broken(1, "the checkpoint public key (fingerprint " + actual
                        + ") does not match the pinned fingerprint " + o.pinnedFingerprint().get()
                        + ": the key was replaced, so no checkpoint can be trusted");
            }
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // lets the driver stream with a fetch size
            List<Checkpoint> checkpoints = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select seq, hash, created_at, signature from audit_checkpoints order by seq")) {
                while (rs.next()) {
                    checkpoints.add(readCheckpoint(rs));
                }
            }
            List<VerificationResult.Broken> problems = new ArrayList<>();
            Optional<Path> file = o.publishedCheckpoints().filter(Files::exists);
            if (file.isPresent()) {
                // The file lives outside the database: a published checkpoint missing from the table was deleted.
                for (Checkpoint p : PublishedCheckpoints.read(file.get())) {
                    if (!CheckpointSigner.verify(p, checkpointPublicKey)) {
                        problems.add(new VerificationResult.Broken(Math.max(1, p.seq()), "checkpoint at seq " + p.seq()
                                + " in " + file.get().getFileName() + " does not verify under the checkpoint key"));
                    } else if (checkpoints.stream().noneMatch(d -> d.seq() == p.seq() && d.hash().equals(p.hash()))) {
                        problems.add(new VerificationResult.Broken(p.seq(), "checkpoint at seq " + p.seq()
                                + " published in " + file.get().getFileName()
                                + " is missing from the database: checkpoints were deleted or replaced"));
                        checkpoints.add(p);
                    }
                }
            }
            Checkpoint from = null;
            if (o.fromCheckpoint().isPresent()) {
                long seq = o.fromCheckpoint().get();
                from = checkpoints.stream().filter(cp -> cp.seq() == seq && CheckpointSigner.verify(cp, checkpointPublicKey))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException("no valid checkpoint at seq " + seq));
            }
            // Rows in sequence order: a swapped, edited or missing row breaks the hash links at its own seq.
            try (PreparedStatement s = c.prepareStatement("select * from audit_events where seq >= ? order by seq")) {
                s.setFetchSize(1000);
                s.setLong(1, from == null ? Long.MIN_VALUE : from.seq());
                try (ResultSet rs = s.executeQuery()) {
                    VerificationResult r = AuditVerifier.verify(rows(rs), checkpoints, checkpointPublicKey,
                            o.checkpointEvery(), from);
                    c.commit();
                    if (r instanceof VerificationResult.Broken b) {
                        problems.add(b);
                    }
                    return problems.isEmpty() ? r : problems.stream()
                            .min(Comparator.comparingLong(VerificationResult.Broken::firstBadSeq)).orElseThrow();
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
                } catch (SQLException | JsonProcessingException e) {
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

    /**
     * Stops taking events, writes what is queued, then signs the head (the shutdown checkpoint). Must run before
     * the store closes.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        if (writer.isAlive()) {
            try {
                writer.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            checkpointNow();
        } catch (StoreException e) {
            LOG.warn("no closing audit checkpoint: {}", e.getMessage());
        }
    }
}
