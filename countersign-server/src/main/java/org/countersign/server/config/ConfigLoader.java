package org.countersign.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Builds the one {@link ServerConfig} from, in increasing priority: defaults, a properties file
 * ({@code --config FILE}, or {@code countersign.properties} in the data folder), environment variables and flags.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** Thrown for any value that cannot be used; the message names the setting and where it came from. */
    public static final class ConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ConfigException(String message) {
            super(message);
        }
    }

    public static ServerConfig load(Optional<Path> file, Map<String, String> environment, Map<String, String> flags) {
        Map<String, String> values = new HashMap<>();
        Map<String, String> origin = new HashMap<>();
        for (Setting s : Setting.ALL) {
            values.put(s.key(), s.defaultValue());
            origin.put(s.key(), "default");
        }
        // The data folder may hold the properties file, so settle it first from env and flags.
        String dataDir = firstNonBlank(flags.get("data-dir"), environment.get("COUNTERSIGN_DATA_DIR"), "countersign-data");
        Path propertiesFile;
        try {
            propertiesFile = file.orElseGet(() -> Path.of(dataDir).resolve("countersign.properties"));
        } catch (IllegalArgumentException e) {
            // InvalidPathException, e.g. a NUL byte in COUNTERSIGN_DATA_DIR: a setting error, not a crash.
            throw new ConfigException("data-dir is not a usable path: " + e.getMessage());
        }
        if (Files.isRegularFile(propertiesFile)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException("cannot read " + propertiesFile + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                // Properties.load refuses a malformed unicode escape this way; name the file, not a stack trace.
                throw new ConfigException("cannot read " + propertiesFile + ": " + e.getMessage());
            }
            for (String name : p.stringPropertyNames()) {
                if (Setting.ALL.stream().noneMatch(s -> s.key().equals(name))) {
                    throw new ConfigException("unknown setting '" + name + "' in " + propertiesFile);
                }
                values.put(name, p.getProperty(name).trim());
                origin.put(name, propertiesFile.toString());
            }
        } else if (file.isPresent()) {
            throw new ConfigException("config file not found: " + file.get());
        }
        for (Setting s : Setting.ALL) {
            String env = environment.get(s.environmentVariable());
            if (env != null) {
                values.put(s.key(), env.trim());
                origin.put(s.key(), s.environmentVariable());
            }
        }
        for (Map.Entry<String, String> f : flags.entrySet()) {
            if (Setting.ALL.stream().noneMatch(s -> s.key().equals(f.getKey()))) {
                throw new ConfigException("unknown flag --" + f.getKey());
            }
            values.put(f.getKey(), f.getValue());
            origin.put(f.getKey(), "--" + f.getKey());
        }
        try {
            return new ServerConfig(
                    Path.of(values.get("data-dir")),
                    values.get("host"),
                    intValue(values, origin, "port"),
                    optional(values.get("database-url")),
                    values.get("database-user"),
                    values.get("database-password"),
                    optional(values.get("tls-cert")).map(Path::of),
                    optional(values.get("tls-key")).map(Path::of),
                    boolValue(values, origin, "insecure-http"),
                    optional(values.get("public-url")),
                    longValue(values, origin, "max-request-bytes"),
                    intValue(values, origin, "rate-per-tenant"),
                    intValue(values, origin, "rate-per-ip"),
                    intValue(values, origin, "audit-checkpoint-every"),
                    intValue(values, origin, "database-pool-size"),
                    list(values.get("tls-host-names")),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(intValue(values, origin, "audit-checkpoint-seconds")),
                    optional(values.get("audit-checkpoint-key-fingerprint")),
                    boolValue(values, origin, "embedded-unsafe-fast"),
                    values.get("tenant-concurrency").isBlank() ? ServerConfig.defaultTenantConcurrency()
                            : intValue(values, origin, "tenant-concurrency"),
                    MasterKeySource.fromEnvironment(environment));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static Optional<String> optional(String v) {
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private static List<String> list(String v) {
        if (v == null || v.isBlank()) {
            return List.of();
        }
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static int intValue(Map<String, String> values, Map<String, String> origin, String key) {
        try {
            return Integer.parseInt(values.get(key));
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, got '" + values.get(key) + "' from " + origin.get(key));
        }
    }

    private static long longValue(Map<String, String> values, Map<String, String> origin, String key) {
        try {
            return Long.parseLong(values.get(key));
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, got '" + values.get(key) + "' from " + origin.get(key));
        }
    }

    private static boolean boolValue(Map<String, String> values, Map<String, String> origin, String key) {
        String v = values.get(key);
        if ("true".equalsIgnoreCase(v) || "false".equalsIgnoreCase(v)) {
            return Boolean.parseBoolean(v);
        }
        throw new ConfigException(key + " must be true or false, got '" + v + "' from " + origin.get(key));
    }

    private static String firstNonBlank(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isBlank()) {
                return c;
            }
        }
        return null;
    }
}
