package org.countersign.server.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of configuration parsing: the properties file (an operator's file, often edited by hand or
 * generated), environment variables and flags. {@link ConfigLoader#load} either builds a {@link ServerConfig} or
 * throws {@link ConfigLoader.ConfigException} naming the setting; any other throwable would surface as a stack
 * trace at startup instead of a one-line message, so it is a finding.
 */
@Tag("fuzz")
class ConfigLoaderFuzzTest {
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("countersign-fuzz", ".properties");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void load(FuzzedDataProvider data) throws IOException {
        Map<String, String> environment = new HashMap<>();
        Map<String, String> flags = new HashMap<>();
        int settings = data.consumeInt(0, 3);
        for (int i = 0; i < settings; i++) {
            Setting s = Setting.ALL.get(data.consumeInt(0, Setting.ALL.size() - 1));
            String value = data.consumeString(40);
            if (data.consumeBoolean()) {
                environment.put(s.environmentVariable(), value);
            } else if (!s.key().equals("data-dir")) {
                flags.put(s.key(), value);
            }
        }
        Files.write(FILE, data.consumeRemainingAsBytes());
        try {
            ConfigLoader.load(Optional.of(FILE), environment, flags);
        } catch (ConfigLoader.ConfigException expected) {
            // the documented refusal: one line naming the setting and its origin
        }
    }
}
