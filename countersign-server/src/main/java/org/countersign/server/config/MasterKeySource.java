package org.countersign.server.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.countersign.core.keys.EnvMasterKeyProvider;
import org.countersign.core.keys.FileMasterKeyProvider;
import org.countersign.core.keys.MasterKeyProvider;

/**
 * Where the master key comes from (A-G5): {@code COUNTERSIGN_MASTER_KEY} (with its id and previous keys) when the
 * configuration's environment sets it, else the key file in the data folder. Only the master-key variables are kept,
 * and {@link #toString()} never shows them.
 */
public final class MasterKeySource {
    private final Map<String, String> variables;

    private MasterKeySource(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    /** The master-key variables of {@code environment}; none set means the data folder's key file. */
    public static MasterKeySource fromEnvironment(Map<String, String> environment) {
        Map<String, String> kept = new TreeMap<>();
        for (String name : new String[] {EnvMasterKeyProvider.KEY_VARIABLE, EnvMasterKeyProvider.ID_VARIABLE,
                EnvMasterKeyProvider.PREVIOUS_VARIABLE}) {
            String value = environment.get(name);
            if (value != null) {
                kept.put(name, value);
            }
        }
        return new MasterKeySource(kept);
    }

    public boolean fromEnvironment() {
        String key = variables.get(EnvMasterKeyProvider.KEY_VARIABLE);
        return key != null && !key.isBlank();
    }

    /** Opens the key: the environment's, or the data folder's file (created on first start). */
    public MasterKeyProvider open(Path dataDir) {
        return fromEnvironment() ? EnvMasterKeyProvider.fromEnvironment(variables)
                : FileMasterKeyProvider.openOrCreate(dataDir);
    }

    @Override
    public String toString() {
        return fromEnvironment() ? "environment (" + EnvMasterKeyProvider.KEY_VARIABLE + ")" : "data folder key file";
    }
}
