package org.countersign.server.config;

import java.util.List;
import java.util.Locale;

/**
 * One configurable setting: its key in the properties file, its environment variable and its command-line flag.
 * The CLI builds {@code serve --help} from {@link #ALL}, so the three sources can never drift apart.
 */
public record Setting(String key, String description, String defaultValue, boolean isSwitch) {

    public static final List<Setting> ALL = List.of(
            new Setting("data-dir", "Folder for the embedded database, generated TLS CA and keys, audit signing key", "countersign-data", false),
            new Setting("host", "Interface to bind", "0.0.0.0", false),
            new Setting("port", "HTTPS port (0 = any free port)", "8443", false),
            new Setting("database-url", "JDBC URL of an external PostgreSQL (production, several nodes); empty = embedded PostgreSQL in the data folder", "", false),
            new Setting("database-user", "User for the external PostgreSQL", "postgres", false),
            new Setting("database-password", "Password for the external PostgreSQL", "", false),
            new Setting("database-pool-size", "Maximum database connections of this node", "16", false),
            new Setting("tls-cert", "PEM certificate chain to serve instead of the generated local CA's certificate", "", false),
            new Setting("tls-key", "PEM private key for --tls-cert", "", false),
            new Setting("tls-host-names", "Extra DNS names (comma separated) for the generated server certificate", "", false),
            new Setting("insecure-http", "Serve plain HTTP (only behind a TLS-terminating proxy)", "false", true),
            new Setting("public-url", "Base URL that users and relying parties reach (default: derived from host and port)", "", false),
            new Setting("max-request-bytes", "Largest accepted request body in bytes", "1048576", false),
            new Setting("rate-per-tenant", "Sustained requests per second allowed per relying party", "200", false),
            new Setting("rate-per-ip", "Sustained requests per second allowed per client IP", "100", false),
            new Setting("audit-checkpoint-every", "Sign an audit checkpoint after this many events", "1000", false),
            new Setting("audit-checkpoint-seconds", "Also sign an audit checkpoint when events were added and this many seconds passed", "60", false),
            new Setting("audit-checkpoint-key-fingerprint", "Pinned SHA-256 fingerprint of the audit checkpoint public key (refuse any other key)", "", false),
            new Setting("tenant-concurrency", "Writes one relying party may have in flight at once on this node; more are refused with 429 (empty = twice the CPU cores)", "", false),
            new Setting("embedded-unsafe-fast", "UNSAFE, tests only: run the embedded PostgreSQL without fsync and synchronous commit; a crash loses acknowledged writes", "false", true));

    public String flag() {
        return "--" + key;
    }

    public String environmentVariable() {
        return "COUNTERSIGN_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
