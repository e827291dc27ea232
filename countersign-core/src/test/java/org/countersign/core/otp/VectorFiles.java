package org.countersign.core.otp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.countersign.testkit.TestVectors;

/** Reads the RFC vector files that the test kit carries as data. */
final class VectorFiles {
    private VectorFiles() {}

    static JsonNode read(String name) {
        try (InputStream in = TestVectors.open(name)) {
            return new ObjectMapper().readTree(in);
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
