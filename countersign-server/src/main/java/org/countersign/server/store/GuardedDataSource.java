package org.countersign.server.store;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * The pool behind a circuit breaker. Once a connection attempt or a query shows the store is unreachable, every
 * caller is refused at once instead of waiting the pool's connection timeout; one background probe, outside the
 * pool, closes the breaker again as soon as PostgreSQL answers.
 */
public final class GuardedDataSource implements DataSource {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(GuardedDataSource.class);
    private static final long PROBE_INTERVAL_MS = 250;

    private final DataSource pool;
    private final String url;
    private final String user;
    private final String password;
    private final AtomicBoolean open = new AtomicBoolean();
    private final AtomicLong fastFailures = new AtomicLong();
    private volatile boolean closed;

    GuardedDataSource(DataSource pool, String url, String user, String password) {
        this.pool = pool;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** True while the store is known to be unreachable (calls fail fast). */
    public boolean isOpen() {
        return open.get();
    }

    /** How many calls were refused without touching the pool, since start. */
    public long fastFailures() {
        return fastFailures.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (open.get()) {
            fastFailures.incrementAndGet();
            throw new SQLTransientConnectionException("the store is unreachable (failing fast until it answers)", "08001");
        }
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            report(e);
            throw e;
        }
    }

    /** Called with any SQL failure: a connection-class failure (SQLSTATE 08, 57P0x) opens the breaker. */
    public void report(SQLException e) {
        if (isConnectionFailure(e) && open.compareAndSet(false, true) && !closed) {
            LOG.warn("store unreachable ({}); failing calls fast until it answers again", e.getMessage());
            Thread probe = new Thread(this::probeUntilUp, "countersign-store-probe");
            probe.setDaemon(true);
            probe.start();
        }
    }

    static boolean isConnectionFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P0"))) {
                return true;
            }
        }
        return false;
    }

    private void probeUntilUp() {
        while (!closed && open.get()) {
            try {
                Thread.sleep(PROBE_INTERVAL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            // A direct connection with a short timeout: the pool would wait its full connection timeout.
            var props = new Properties();
            props.setProperty("user", user);
            props.setProperty("password", password);
            props.setProperty("connectTimeout", "2");
            props.setProperty("socketTimeout", "2");
            try (Connection c = DriverManager.getConnection(url, props); Statement s = c.createStatement()) {
                s.execute("select 1");
                open.set(false);
                LOG.info("store answers again; calls go through");
            } catch (SQLException e) {
                // still down; try again
            }
        }
    }

    void close() {
        closed = true;
    }

    @Override
    public Connection getConnection(String username, String pw) throws SQLException {
        throw new SQLFeatureNotSupportedException("use getConnection()");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || pool.isWrapperFor(iface);
    }
}
