package org.countersign.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.countersign.core.keys.EnvMasterKeyProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A-G5: the master key reaches the node through its typed configuration, never printed. */
class MasterKeySourceTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void theEnvironmentGivenToTheLoaderChoosesTheKeyAndIsNeverShown(@TempDir Path dir) {
        ServerConfig config = ConfigLoader.load(Optional.empty(), Map.of("COUNTERSIGN_DATA_DIR", dir.toString(),
                EnvMasterKeyProvider.KEY_VARIABLE, KEY, EnvMasterKeyProvider.ID_VARIABLE, "mk-test0001"), Map.of());
        assertThat(config.masterKey().fromEnvironment()).isTrue();
        assertThat(config.masterKey().open(dir).current().id()).isEqualTo("mk-test0001");
        assertThat(config.toString()).doesNotContain(KEY);
    }

    @Test
    void withoutTheVariableTheDataFolderKeyFileIsUsed(@TempDir Path dir) {
        MasterKeySource source = MasterKeySource.fromEnvironment(Map.of("PATH", "/usr/bin"));
        assertThat(source.fromEnvironment()).isFalse();
        assertThat(source.open(dir)).isNotInstanceOf(EnvMasterKeyProvider.class);
    }
}
