package org.countersign.cli.pam;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code countersign pam} reads from its configuration file ({@code key = value} lines, {@code #} comments).
 * The file holds the relying party's API key, so it must be a regular file that only its owner, the user running
 * PAM (root for sshd and login), can read or write: anything wider is refused before a byte of it is used.
 *
 * @param verifier        base URL of the Countersign verifier ({@code verifier})
 * @param ca              PEM file of the CA that signed the verifier's certificate; empty = the JDK's trust store
 * @param apiKey          the relying party's API key for this host ({@code api-key})
 * @param tenant          the tenant the key belongs to, named in messages only ({@code tenant})
 * @param hostAddress     this host's IP address as users reach it: the offset's relying-party address
 * @param userTemplate    how a Linux user name becomes a Countersign user id; {@code {user}} is replaced
 * @param userMap         exact overrides, from {@code user.<linux name> = <countersign id>} lines
 * @param fallbackUsers   Linux users let in without the phone when the verifier cannot be reached
 * @param allowNetworkMismatch accept an approval from a phone on another country's or operator's network than
 *                        the login's ({@code network-mismatch = allow}); refused by default as a suspected relay
 * @param stateDir        where the request stage leaves the request id for the wait stage (root-only folder)
 * @param connectTimeout  how long to wait for a connection to the verifier
 * @param timeout         the longest a login may wait for the phone, queue included; then the request is cancelled
 */
record PamConfig(URI verifier, Optional<Path> ca, String apiKey, Optional<String> tenant, Optional<String> hostAddress,
                 String userTemplate, Map<String, String> userMap, Set<String> fallbackUsers,
                 boolean allowNetworkMismatch, Path stateDir, Duration connectTimeout, Duration timeout) {

    /** Where the packaged setup puts the file (docs/pam.md). */
    static final Path DEFAULT_PATH = Path.of("/etc/countersign/pam.conf");

    private static final Set<String> KEYS = Set.of("verifier", "ca", "api-key", "tenant", "host-address",
            "user-template", "fallback-users", "network-mismatch", "state-dir", "connect-timeout-seconds",
            "timeout-seconds");

    PamConfig {
        userMap = Map.copyOf(userMap);
        fallbackUsers = Set.copyOf(fallbackUsers);
    }

    /** A setting that cannot be used; the message names the file and the key. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    String countersignUser(String linuxUser) {
        String mapped = userMap.get(linuxUser);
        return mapped != null ? mapped : userTemplate.replace("{user}", linuxUser);
    }

    static PamConfig load(Path file) throws Invalid {
        checkPrivate(file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new Invalid("cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        Map<String, String> userMap = new HashMap<>();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new Invalid(file + " line " + n + ": expected key = value");
            }
            String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(eq + 1).strip();
            if (key.startsWith("user.") && key.length() > 5) {
                userMap.put(line.substring(0, eq).strip().substring(5), value);
            } else if (KEYS.contains(key)) {
                values.put(key, value);
            } else {
                throw new Invalid(file + " line " + n + ": unknown key " + key);
            }
        }
        String verifier = required(file, values, "verifier");
        URI uri;
        try {
            uri = URI.create(verifier.endsWith("/") ? verifier.substring(0, verifier.length() - 1) : verifier);
        } catch (IllegalArgumentException e) {
            throw new Invalid(file + ": verifier is not a URL");
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new Invalid(file + ": verifier must be an https:// URL");
        }
        Optional<Path> ca = Optional.ofNullable(values.get("ca")).filter(v -> !v.isEmpty()).map(Path::of);
        if (ca.isPresent() && !Files.isReadable(ca.get())) {
            throw new Invalid(file + ": ca " + ca.get() + " is not readable");
        }
        String template = values.getOrDefault("user-template", "{user}");
        if (!template.contains("{user}")) {
            throw new Invalid(file + ": user-template must contain {user}");
        }
        Set<String> fallback = new LinkedHashSet<>();
        for (String u : values.getOrDefault("fallback-users", "").split("[,\\s]+")) {
            if (!u.isEmpty()) {
                fallback.add(u);
            }
        }
        String mismatch = values.getOrDefault("network-mismatch", "refuse");
        if (!mismatch.equals("refuse") && !mismatch.equals("allow")) {
            throw new Invalid(file + ": network-mismatch must be refuse or allow");
        }
        return new PamConfig(uri, ca, required(file, values, "api-key"),
                Optional.ofNullable(values.get("tenant")).filter(v -> !v.isEmpty()),
                Optional.ofNullable(values.get("host-address")).filter(v -> !v.isEmpty()),
                template, userMap, fallback, mismatch.equals("allow"),
                Path.of(values.getOrDefault("state-dir", "/run/countersign-pam")),
                Duration.ofSeconds(seconds(file, values, "connect-timeout-seconds", 5, 1, 60)),
                Duration.ofSeconds(seconds(file, values, "timeout-seconds", 120, 10, 900)));
    }

    /** The API key must not be readable by other local users (mode 0600 or stricter, owned by us). */
    private static void checkPrivate(Path file) throws Invalid {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new Invalid(file + " is not a regular file");
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            for (PosixFilePermission p : perms) {
                if (!p.name().startsWith("OWNER_")) {
                    throw new Invalid(file + " holds the API key: its mode must be 0600 (chmod 600 " + file + ")");
                }
            }
            String owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
            String me = System.getProperty("user.name");
            if (!owner.equals(me)) {
                throw new Invalid(file + " must be owned by " + me + ", not " + owner);
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new Invalid("cannot check " + file + ": " + e.getMessage());
        }
    }

    private static String required(Path file, Map<String, String> values, String key) throws Invalid {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw new Invalid(file + ": " + key + " is missing");
        }
        return v;
    }

    private static long seconds(Path file, Map<String, String> values, String key, long dflt, long min, long max)
            throws Invalid {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            long s = Long.parseLong(v);
            if (s >= min && s <= max) {
                return s;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new Invalid(file + ": " + key + " must be a whole number from " + min + " to " + max);
    }
}
