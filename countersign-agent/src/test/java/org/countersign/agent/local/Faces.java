package org.countersign.agent.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.countersign.core.bytes.ByteArray;
import org.countersign.testkit.TestData;

/** Real face crops from the shared data (face-api.js examples); see the data README for their source. */
public final class Faces {
    private Faces() {}

    public static ByteArray of(String person, int n) {
        try {
            return ByteArray.copyOf(Files.readAllBytes(
                    TestData.require("faces/verification/faceapi/" + person + "/" + person + n + ".png")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
