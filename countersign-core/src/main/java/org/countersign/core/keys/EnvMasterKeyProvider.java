package org.countersign.core.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A master key injected by the deployment (container secret, systemd credential, ...) as base64 of 32 bytes.
 *
 * <ul>
 *   <li>{@value #KEY_VARIABLE}: the current key (required)</li>
 *   <li>{@value #ID_VARIABLE}: its id (optional; default {@code mk-} + 8 hex digits derived from the key by
 *       SHA-256, so the same key always gets the same id)</li>
 *   <li>{@value #PREVIOUS_VARIABLE}: optional comma-separated {@code id:base64} list of older keys kept for
 *       unwrapping during a rotation</li>
 * </ul>
 */
public final class EnvMasterKeyProvider implements MasterKeyProvider {
    public static final String KEY_VARIABLE = "COUNTERSIGN_MASTER_KEY";
    public static final String ID_VARIABLE = "COUNTERSIGN_MASTER_KEY_ID";
    public static final String PREVIOUS_VARIABLE = "COUNTERSIGN_MASTER_KEY_PREVIOUS";

    private final MasterKey current;
    private final Map<String, MasterKey> all;

    /**
     * @param base64Key base64 (standard or url alphabet) of the 32-byte current key
     * @param id        its id, or {@code null} to derive one from the key
     * @param previous  older keys still needed for unwrapping
     */
    public EnvMasterKeyProvider(String base64Key, String id, Map<String, String> previous) {
        Objects.requireNonNull(base64Key, KEY_VARIABLE);
        Map<String, MasterKey> keys = new LinkedHashMap<>();
        this.current = parse(id, base64Key);
        keys.put(current.id(), current);
        previous.forEach((oldId, value) -> {
            MasterKey old = parse(oldId, value);
            if (keys.putIfAbsent(old.id(), old) != null) {
                throw new MasterKeyStoreException("duplicate master key id " + old.id());
            }
        });
        this.all = Map.copyOf(keys);
    }

    public EnvMasterKeyProvider(String base64Key, String id) {
        this(base64Key, id, Map.of());
    }

    /** Reads the process environment. */
    public static EnvMasterKeyProvider fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** Reads the given variables (tests and config layers pass their own map). */
    public static EnvMasterKeyProvider fromEnvironment(Map<String, String> env) {
        String key = env.get(KEY_VARIABLE);
        if (key == null || key.isBlank()) {
            throw new MasterKeyStoreException(KEY_VARIABLE + " is not set");
        }
        Map<String, String> previous = new LinkedHashMap<>();
        String list = env.get(PREVIOUS_VARIABLE);
        if (list != null && !list.isBlank()) {
            for (String entry : list.split(",")) {
                int colon = entry.indexOf(':');
                if (colon <= 0) {
                    throw new MasterKeyStoreException(PREVIOUS_VARIABLE + " entries must be id:base64");
                }
                previous.put(entry.substring(0, colon).strip(), entry.substring(colon + 1).strip());
            }
        }
        String id = env.get(ID_VARIABLE);
        return new EnvMasterKeyProvider(key, id == null || id.isBlank() ? null : id.strip(), previous);
    }

    private static MasterKey parse(String id, String base64) {
        byte[] raw;
        try {
            String s = base64.strip();
            raw = s.indexOf('-') >= 0 || s.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(s) : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new MasterKeyStoreException("master key is not valid base64");
        }
        try {
            if (raw.length != MasterKey.KEY_LENGTH) {
                throw new MasterKeyStoreException("master key must decode to 32 bytes, got " + raw.length);
            }
            String keyId = id != null ? id : derivedId(raw);
            if (!MasterKey.isValidId(keyId)) {
                throw new MasterKeyStoreException("invalid master key id " + keyId);
            }
            return new MasterKey(keyId, org.countersign.core.bytes.SecretBytes.copyOf(raw));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static String derivedId(byte[] raw) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // Domain-separated so the id is not a plain hash of the key; 32 bits reveal nothing usable.
            sha.update("countersign/master-key-id/v1".getBytes(StandardCharsets.US_ASCII));
            byte[] h = sha.digest(raw);
            return "mk-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public MasterKey current() {
        return current;
    }

    @Override
    public Optional<MasterKey> byId(String id) {
        return Optional.ofNullable(all.get(id));
    }

    @Override
    public String toString() {
        return "EnvMasterKeyProvider(current=" + current.id() + ", keys=" + all.keySet() + ")";
    }
}
