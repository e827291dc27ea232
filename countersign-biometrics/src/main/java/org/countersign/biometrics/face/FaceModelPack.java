package org.countersign.biometrics.face;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the face networks come from. The {@code id} names the pack and its version and becomes part of the
 * template format ({@code face/arcface-512/<id>}), so templates made with another pack are never compared with
 * these: a pack change means re-enrolment.
 *
 * <p>The bundled pack is fetched at build time from npm and pinned by SHA-256 in the module's build file (see
 * {@code countersign-biometrics/THIRD-PARTY.md}). Another ONNX set with the same input/output contracts can be
 * plugged in with {@link #fromDirectory}.
 */
public record FaceModelPack(String id, Map<FaceModel, URL> locations) {
    /** Id of the pack bundled with this module. */
    public static final String BUNDLED_ID = "faceplugin-0.0.1";
    private static final String RESOURCE_DIR = "/org/countersign/biometrics/face/models/";

    public FaceModelPack {
        Objects.requireNonNull(id, "id");
        if (id.isBlank() || id.contains("/")) {
            throw new IllegalArgumentException("pack id must be non-blank and free of '/': " + id);
        }
        locations = Map.copyOf(locations);
        for (FaceModel m : FaceModel.values()) {
            if (m != FaceModel.POSE && !locations.containsKey(m)) {
                throw new IllegalArgumentException("model pack " + id + " lacks " + m);
            }
        }
    }

    /** The pack unpacked into this module's classes at build time. */
    public static FaceModelPack bundled() {
        Map<FaceModel, URL> urls = new EnumMap<>(FaceModel.class);
        for (FaceModel m : FaceModel.values()) {
            URL url = FaceModelPack.class.getResource(RESOURCE_DIR + m.fileName());
            if (url == null) {
                throw new IllegalStateException("bundled face model missing from the classpath: " + m.fileName()
                        + " (the build unpacks it; run the module build)");
            }
            urls.put(m, url);
        }
        return new FaceModelPack(BUNDLED_ID, urls);
    }

    /** A pack read from {@code dir}, using the bundled file names. */
    public static FaceModelPack fromDirectory(String id, Path dir) {
        Map<FaceModel, URL> urls = new EnumMap<>(FaceModel.class);
        for (FaceModel m : FaceModel.values()) {
            Path file = dir.resolve(m.fileName());
            if (Files.isRegularFile(file)) {
                try {
                    urls.put(m, file.toUri().toURL());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return new FaceModelPack(id, urls);
    }

    /** Reads one network's bytes. */
    public byte[] read(FaceModel model) throws IOException {
        URL url = locations.get(model);
        if (url == null) {
            throw new IOException("model pack " + id + " has no " + model);
        }
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        }
    }
}
