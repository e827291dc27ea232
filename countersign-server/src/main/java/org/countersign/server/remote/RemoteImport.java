package org.countersign.server.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.protect.TemplateProtector;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.keys.KeyService;
import org.countersign.server.audit.AuditAction;
import org.countersign.server.audit.AuditActor;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.audit.AuditOutcome;
import org.countersign.server.audit.AuditSubject;
import org.countersign.server.store.Jdbc;
import org.countersign.server.users.UserRepository;

/**
 * Operator batch import of references from existing images (A-S1, X.1279 §7.3.1 "registration by other channel").
 * Each user's images are quality-checked; the best one that passes becomes a protected, sealed reference of device
 * type {@value #DEVICE_TYPE}. The images themselves are read, used and dropped: nothing of them is stored (D-3).
 *
 * <p>Sources: a folder with one sub-folder per user id holding that user's images, or a CSV file of
 * {@code userId,imagePath} lines (paths relative to the CSV's folder; a header line starting with {@code userId}
 * is skipped).
 */
public final class RemoteImport {
    public static final String DEVICE_TYPE = "import";

    /** One user's outcome. */
    public record Entry(String userId, boolean imported, String detail) {}

    /** Progress after each user: done, total, and the entry just finished. */
    public record Progress(int done, int total, Entry last) {}

    private final RemoteStore store;
    private final UserRepository users;
    private final ReferenceVault vault;
    private final FaceAnalyzer analyzer;
    private final AuditLog audit;
    private final Clock clock;

    public RemoteImport(Jdbc jdbc, KeyService keys, FaceAnalyzer analyzer, AuditLog audit, SecureRandom random,
            Clock clock) {
        this.store = new RemoteStore(jdbc);
        this.users = new UserRepository(jdbc);
        this.vault = new ReferenceVault(keys, TemplateProtector.faceDefaults(), random);
        this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
        this.audit = audit;
        this.clock = clock;
    }

    /** Reads the source's user → images map without touching the store. */
    public static Map<String, List<Path>> plan(Path source) throws IOException {
        Map<String, List<Path>> out = new LinkedHashMap<>();
        if (Files.isDirectory(source)) {
            try (Stream<Path> dirs = Files.list(source)) {
                for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                    try (Stream<Path> f = Files.list(d)) {
                        out.put(d.getFileName().toString(), f.filter(RemoteImport::isImage)
                                .sorted(Comparator.comparing(Path::toString)).toList());
                    }
                }
            }
            return out;
        }
        Path base = source.toAbsolutePath().getParent();
        for (String line : Files.readAllLines(source, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.toLowerCase().startsWith("userid")) {
                continue;
            }
            String[] parts = t.split(",", 2);
            if (parts.length != 2) {
                throw new IOException("CSV line is not userId,imagePath: " + t);
            }
            out.computeIfAbsent(parts[0].strip(), k -> new ArrayList<>()).add(base.resolve(parts[1].strip()));
        }
        return out;
    }

    private static boolean isImage(Path p) {
        return p.getFileName().toString().toLowerCase().matches(".*\\.(png|jpe?g|bmp)");
    }

    /** Imports every user of the plan into {@code tenant}; creates users the RP has not created yet. */
    public List<Entry> run(String tenant, Map<String, List<Path>> plan, Consumer<Progress> progress) {
        List<Entry> out = new ArrayList<>();
        int done = 0;
        for (Map.Entry<String, List<Path>> e : plan.entrySet()) {
            Entry r = importOne(tenant, e.getKey(), e.getValue());
            out.add(r);
            progress.accept(new Progress(++done, plan.size(), r));
        }
        audit.event(AuditAction.REMOTE_IMPORT).tenant(tenant).by(AuditActor.OPERATOR, "cli")
                .about(AuditSubject.tenant(tenant))
                .details(Map.of("users", Integer.toString(plan.size()),
                        "imported", Long.toString(out.stream().filter(Entry::imported).count())))
                .record(AuditOutcome.SUCCESS);
        return out;
    }

    private Entry importOne(String tenant, String userId, List<Path> images) {
        if (!userId.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}")) {
            return new Entry(userId, false, "invalid user id");
        }
        Template best = null;
        String lastProblem = "no images";
        for (Path p : images) {
            try {
                best = analyzer.template(analyzer.decode(ByteArray.copyOf(Files.readAllBytes(p))));
                break;   // the first image that passes the quality policy (X.1279 §7.3.3)
            } catch (BiometricException ex) {
                lastProblem = p.getFileName() + ": " + ex.reason();
            } catch (IOException ex) {
                lastProblem = p.getFileName() + ": " + ex.getMessage();
            }
        }
        if (best == null) {
            return new Entry(userId, false, lastProblem);
        }
        try {
            users.insert(new UserRepository.User(tenant, userId, "", clock.instant()));
            store.upsertReference(vault.protect(tenant, userId, DEVICE_TYPE, best, "import", clock.instant()));
            return new Entry(userId, true, "imported");
        } catch (BiometricException ex) {
            return new Entry(userId, false, ex.reason().name());
        }
    }
}
