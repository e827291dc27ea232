package org.countersign.testkit;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database of the test's own on the machine's PostgreSQL, created on {@link #create()} and dropped (with its
 * open sessions) on {@link #close()}, so test classes never see each other's rows.
 *
 * <p>The server is {@code jdbc:postgresql://127.0.0.1:5432/postgres}, user {@code postgres}, no password (the
 * README's test set-up), unless the system properties {@code countersign.test.pg}, {@code countersign.test.pgUser}
 * and {@code countersign.test.pgPassword} say otherwise. An unreachable server follows the {@link TestTools} rule:
 * the test fails under {@code CI=true} and is skipped elsewhere. A module using this class declares the
 * {@code org.postgresql:postgresql} driver itself (it is optional here).
 */
public final class TestDatabase implements AutoCloseable {
    /** The maintenance database the test databases are created from. */
    public static final String ADMIN_URL = System.getProperty("countersign.test.pg",
            "jdbc:postgresql://127.0.0.1:5432/postgres");
    public static final String USER = System.getProperty("countersign.test.pgUser", "postgres");
    public static final String PASSWORD = System.getProperty("countersign.test.pgPassword", "");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final String url;

    private TestDatabase(String name, String url) {
        this.name = name;
        this.url = url;
    }

    /** A fresh, empty database named {@code cs_test_<random>}. */
    public static TestDatabase create() {
        String name = "cs_test_" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on " + ADMIN_URL, e);
        }
        return new TestDatabase(name, ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + name);
    }

    private static Connection admin() throws SQLException {
        try {
            return DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
        } catch (SQLException e) {
            // SQLSTATE class 08 is "connection exception": no server to test against, which the tool rule covers.
            boolean absent = e.getSQLState() != null && e.getSQLState().startsWith("08");
            TestTools.require(!absent, "PostgreSQL at " + ADMIN_URL + " (" + e.getMessage() + ")");
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /** JDBC URL of this database. */
    public String url() {
        return url;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /** A plain (unpooled) data source on this database. */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser(USER);
        ds.setPassword(PASSWORD);
        return ds;
    }

    /** A new connection to this database; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, USER, PASSWORD);
    }

    @Override
    public void close() {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            // WITH (FORCE) ends sessions a failed test left open (PostgreSQL 13+).
            s.execute("drop database if exists " + name + " with (force)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name, e);
        }
    }

    @Override
    public String toString() {
        return name + " on " + ADMIN_URL;
    }
}
