package org.countersign.core.otp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.countersign.testkit.TestData;

/** Reads the shared RFC vector files (kept outside the repository). */
final class VectorFiles {
    private VectorFiles() {}

    static JsonNode read(String name) {
        try {
            return new ObjectMapper().readTree(TestData.require("vectors/" + name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> rows(String name) {
        List<JsonNode> out = new ArrayList<>();
        read(name).get("vectors").forEach(out::add);
        return out;
    }
}
